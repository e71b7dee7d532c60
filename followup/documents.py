"""The follow-up report as a spreadsheet and as a PDF for the yearly joint follow-up meeting
(R-FOLLOW-1). Counts only, no personal data."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from core.formats import XLSX_AMOUNT_FORMAT, XLSX_PERCENT_FORMAT
from core.pdf import write_archival_pdf

from .sections import COUNT, MONEY, PERCENT, Section, build_sections
from .selectors import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(report: Report, suffix: str) -> str:
    period = report.period
    when = str(period.first.year) if period.is_calendar_year else f"{period.first}_{period.last}"
    return f"uppfoljning-{report.scope.level.value}-{report.scope.pk}-{when}.{suffix}"


def _cell(sheet: Any, value: Any, kind: str) -> Any:

    if value is None:
        return None
    if kind not in (COUNT, MONEY, PERCENT):
        return str(value)  # labels may be lazy translations
    cell = WriteOnlyCell(sheet, value=value)
    if kind == MONEY:
        cell.number_format = XLSX_AMOUNT_FORMAT
    elif kind == PERCENT:
        cell.number_format = XLSX_PERCENT_FORMAT
    return cell


def _title_cell(sheet: Any, text: str) -> Any:

    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def xlsx_response(report: Report) -> FileResponse:
    """One sheet per section, written write-only to a temporary file and streamed; counts and
    amounts are numbers (amounts with a number format), never text."""
    workbook = Workbook(write_only=True)
    overview = workbook.create_sheet(_("Overview")[:31])
    overview.column_dimensions["A"].width = 40
    overview.column_dimensions["B"].width = 24
    first = _date_cell(overview, report.period.first)
    last = _date_cell(overview, report.period.last)
    overview.append([_title_cell(overview, _("Annual follow-up (R-FOLLOW-1)"))])
    overview.append([_("Level"), str(report.scope.label)])
    overview.append([_("From"), first])
    overview.append([_("To and including"), last])
    overview.append([_("Created"), _date_cell(overview, report.generated_on)])
    overview.append([_("Counts only: no personal data.")])
    used: set[str] = {overview.title}
    for section in build_sections(report):
        _section_sheet(workbook, section, used)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename(report, "xlsx"), content_type=XLSX
    )


def _date_cell(sheet: Any, value: date) -> Any:

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def _section_sheet(workbook: Any, section: Section, used: set[str]) -> None:
    title = section.sheet_title
    n = 2
    while title in used:
        title = f"{section.sheet_title[:28]} {n}"
        n += 1
    used.add(title)
    sheet = workbook.create_sheet(title)
    sheet.column_dimensions["A"].width = 42
    for column in "BCDEFGH":
        sheet.column_dimensions[column].width = 18
    sheet.append([_title_cell(sheet, section.title)])
    sheet.append([str(h) for h in section.header])
    for row in section.cells():
        sheet.append([_cell(sheet, value, kind) for value, kind in row])
    if section.footer:
        sheet.append([_cell(sheet, value, kind) for value, kind in section.footer_cells()])
    for note in section.notes:
        sheet.append([])
        sheet.append([note])


def render_report_pdf(report: Report) -> bytes:
    """The report as an archival PDF (PDF/A-3b, tagged), Swedish whatever the browser asks."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "followup/report_pdf.html",
            {
                "report": report,
                "sections": build_sections(report),
                "rendered_at": timezone.now(),
            },
        )
    return write_archival_pdf(html)


def pdf_response(report: Report) -> HttpResponse:
    response = HttpResponse(render_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(report, "pdf")}"'
    return response
