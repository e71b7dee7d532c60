"""The follow-up report as sections of tables, one shape for the page, the PDF and the
spreadsheet (R-FOLLOW-1), so the three can never show different figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from domain.followup import change_percent

from .charts import count_chart
from .selectors import CountTable, Report

TEXT, COUNT, MONEY, PERCENT = "text", "count", "money", "percent"


@dataclass
class Section:
    """One table: ``kinds`` says what each column holds (text, count, money, percent)."""

    key: str
    title: str
    header: list[str]
    kinds: list[str]
    rows: list[list[Any]]
    footer: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    chart: SafeString | None = None
    chart_title: str = ""
    group: str = ""
    sheet: str = ""  # a short name for the spreadsheet's tab
    row_kinds: list[list[str]] | None = None  # per row, where the rows differ in kind

    @property
    def sheet_title(self) -> str:
        # Excel: at most 31 characters, none of []:*?/\
        name = self.sheet or self.title
        for char in "[]:*?/\\":
            name = name.replace(char, "-")
        return name[:31]

    def cells(self) -> list[list[tuple[Any, str]]]:
        kinds = self.row_kinds or [self.kinds] * len(self.rows)
        return [list(zip(row, k, strict=True)) for row, k in zip(self.rows, kinds, strict=True)]

    def footer_cells(self) -> list[tuple[Any, str]]:
        return list(zip(self.footer or [], self.kinds, strict=True))


def _count_table(
    key: str,
    title: str,
    first_header: str,
    table: CountTable,
    *,
    group: str,
    sheet: str,
    chart_title: str = "",
) -> Section:
    rows = [[row["label"], *row["cells"], row["total"]] for row in table.table()]
    section = Section(
        key=key,
        title=title,
        header=[first_header, *(str(label) for _k, label in table.columns), _("Total")],
        kinds=[TEXT, *([COUNT] * (len(table.columns) + 1))],
        rows=rows,
        footer=[_("Total"), *table.totals, table.total],
        group=group,
        sheet=sheet,
    )
    if chart_title:
        section.chart_title = chart_title
        section.chart = count_chart(f"chart-{key}", chart_title, [(str(r[0]), r[-1]) for r in rows])
    return section


def _summary(report: Report) -> Section:
    """The headline figures beside the previous period's, with the change in percent."""
    now, before = report.totals, report.previous_totals
    assert before is not None
    pairs: list[tuple[str, Any, Any, str]] = [
        (
            _("SIPs initiated (need noticed in the period)"),
            now.sips.initiated,
            before.sips.initiated,
            COUNT,
        ),
        (
            _("Share of first SIP meetings held within 3 weeks (%)"),
            now.sips.percent_in_time,
            before.sips.percent_in_time,
            PERCENT,
        ),
        (_("Deviations reported"), now.deviations, before.deviations, COUNT),
    ]
    if now.disputes is not None and before.disputes is not None:
        pairs.append((_("Disputes opened"), now.disputes, before.disputes, COUNT))
    pairs += [
        (_("HVB placements"), now.placements, before.placements, COUNT),
        (_("Days in HVB placements"), now.days, before.days, COUNT),
        (_("Cost of HVB placements (SEK)"), now.cost, before.cost, MONEY),
    ]
    rows: list[list[Any]] = []
    for label, current, previous, kind in pairs:
        change = (
            None
            if kind == PERCENT or current is None or previous is None
            else change_percent(current, previous)
        )
        rows.append([label, current, previous, change])
    section = Section(
        key="summary",
        title=_("Compared with the previous period"),
        header=[
            _("Summary"),
            _period_text(report.period.first, report.period.last),
            _("Previous period %(first)s – %(last)s")
            % {
                "first": f"{report.previous.first:%Y-%m-%d}",
                "last": f"{report.previous.last:%Y-%m-%d}",
            },
            _("Change"),
        ],
        kinds=[TEXT, COUNT, COUNT, PERCENT],
        rows=rows,
        group=_("Summary"),
        sheet=_("Summary"),
    )
    # Each row keeps its own kind in the middle columns (a share, an amount).
    section.row_kinds = [[TEXT, kind, kind, PERCENT] for _l, _c, _p, kind in pairs]
    return section


def _period_text(first: Any, last: Any) -> str:
    return _("%(first)s – %(last)s") % {"first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}


def build_sections(report: Report) -> list[Section]:
    sections: list[Section] = []
    if report.previous_totals is not None:
        sections.append(_summary(report))
    sips, before = report.sips, report.previous_sips
    sip_rows: list[list[Any]] = [
        [_("SIPs initiated (need noticed in the period)"), sips.initiated, before.initiated],
        [_("First SIP meeting held within 3 weeks"), sips.in_time, before.in_time],
        [_("First SIP meeting held later"), sips.late, before.late],
        [_("First SIP meeting not held"), sips.not_held, before.not_held],
        [
            _("First SIP meeting not yet due (within its 3 weeks)"),
            sips.not_yet_due,
            before.not_yet_due,
        ],
    ]
    sip_section = Section(
        key="sip",
        title=_("SIP"),
        header=[
            _("SIP"),
            _("%(first)s – %(last)s")
            % {
                "first": f"{report.period.first:%Y-%m-%d}",
                "last": f"{report.period.last:%Y-%m-%d}",
            },
            _("Previous period %(first)s – %(last)s")
            % {
                "first": f"{report.previous.first:%Y-%m-%d}",
                "last": f"{report.previous.last:%Y-%m-%d}",
            },
        ],
        kinds=[TEXT, COUNT, COUNT],
        rows=sip_rows,
        group=_("SIPs (R-SIP-1)"),
        notes=[
            _("Share held within 3 weeks: %(now)s (previous period: %(before)s).")
            % {
                "now": _percent_text(sips.percent_in_time),
                "before": _percent_text(before.percent_in_time),
            }
        ],
    )
    change = change_percent(sips.initiated, before.initiated)
    if change is not None:
        sip_section.notes.append(
            _("Change in SIPs initiated from the previous period: %(change)s.")
            % {"change": _percent_text(change)}
        )
    sip_section.chart_title = _("First SIP meetings of the SIPs initiated in the period")
    sip_section.chart = count_chart(
        "chart-sip", sip_section.chart_title, [(str(r[0]), r[1]) for r in sip_rows[1:]]
    )
    sections.append(sip_section)

    deviations = report.deviations
    by_level = _count_table(
        "deviations-level",
        _("Deviations by category and level"),
        _("Category"),
        deviations.by_level,
        sheet=_("Deviations by level"),
        group=_("Deviations (R-DEV-1)"),
        chart_title=_("Deviations reported in the period by category"),
    )
    sections.append(by_level)
    by_status = _count_table(
        "deviations-status",
        _("Deviations by category and status"),
        _("Category"),
        deviations.by_status,
        sheet=_("Deviations by status"),
        group=_("Deviations (R-DEV-1)"),
    )
    by_status.notes.append(
        _("Closed with a stated outcome: %(n)s.") % {"n": deviations.closed_with_outcome}
    )
    sections.append(by_status)

    if report.disputes is not None:
        sections.append(
            _count_table(
                "disputes-level",
                _("Disputes by subject and level reached"),
                _("Subject"),
                report.disputes.by_level,
                sheet=_("Disputes by level"),
                group=_("Disputes (R-DISP-1)"),
                chart_title=_("Disputes opened in the period by subject"),
            )
        )
        sections.append(
            _count_table(
                "disputes-outcome",
                _("Disputes by subject and outcome"),
                _("Subject"),
                report.disputes.by_outcome,
                sheet=_("Disputes by outcome"),
                group=_("Disputes (R-DISP-1)"),
            )
        )

    volumes = report.volumes
    hvb = _("HVB placements (003 §4.4)")
    volume_section = Section(
        key="hvb-volume",
        sheet=_("HVB volume"),
        title=_("HVB placements: volume and cost"),
        header=[
            _("Municipality"),
            _("Placements"),
            _("Started in the period"),
            _("Days in the period"),
            _("Cost (SEK)"),
            _("Municipality's part (SEK)"),
            _("Region's part (SEK)"),
        ],
        kinds=[TEXT, COUNT, COUNT, COUNT, MONEY, MONEY, MONEY],
        rows=[
            [r.name, r.placements, r.started, r.days, r.total, r.municipality_part, r.region_part]
            for r in volumes.rows
        ],
        footer=[
            _("Total"),
            volumes.placements,
            volumes.started,
            volumes.days,
            volumes.total,
            volumes.municipality_part,
            volumes.region_part,
        ],
        group=hvb,
        notes=[
            _(
                "Cost: the days in the period × the cost per day. The split follows the signed "
                "agreement versions day by day, and a dispute's temporary split from its date; "
                "days without either are the placing principal's. A split in kronor per month is "
                "counted as 12/365 of it per day, a recommendation's retroactive corrections are "
                "not included, and the amounts are rounded once, not per month: the figures may "
                "differ slightly from the monthly cost statements."
            )
        ],
    )
    sections.append(volume_section)
    principal_rows: list[list[Any]] = [[r.name, r.municipality_part] for r in volumes.rows]
    if volumes.rows:
        principal_rows.append([volumes.region_name, volumes.region_part])
    cost_section = Section(
        key="hvb-cost",
        sheet=_("HVB cost per principal"),
        title=_("HVB placements: cost per principal"),
        header=[_("Principal"), _("Cost borne in the period (SEK)")],
        kinds=[TEXT, MONEY],
        rows=principal_rows,
        footer=[_("Total"), volumes.total],
        group=hvb,
        chart_title=_("Cost of HVB placements per principal in the period (SEK)"),
    )
    cost_section.chart = count_chart(
        "chart-hvb-cost",
        cost_section.chart_title,
        [(str(r[0]), r[1]) for r in principal_rows],
    )
    sections.append(cost_section)
    sections.append(
        _count_table(
            "hvb-motives",
            _("HVB placements: reasons and legal basis"),
            _("Main reason"),
            report.motives.by_reason,
            sheet=_("HVB reasons"),
            group=hvb,
            chart_title=_("HVB placements in the period by main reason"),
        )
    )
    care = _count_table(
        "hvb-care",
        _("HVB placements: care content"),
        _("Kind of intervention"),
        report.care.by_kind,
        sheet=_("HVB care content"),
        group=hvb,
    )
    care.notes.append(
        _(
            "The number of placements whose agreement in force in the period has an "
            "intervention of the kind, by the principal responsible for it."
        )
    )
    sections.append(care)
    lines = _count_table(
        "hvb-care-lines",
        _("HVB placements: interventions in the agreements"),
        _("Kind of intervention"),
        report.care.lines,
        sheet=_("HVB interventions"),
        group=hvb,
    )
    lines.notes.append(
        _("The number of agreement lines (interventions), by responsible principal.")
    )
    sections.append(lines)
    return sections


def _percent_text(value: Decimal | None) -> str:
    from core.formats import format_percent

    return "–" if value is None else format_percent(value)
