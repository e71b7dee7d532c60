"""The agreement PDF (issue 6): A4, rendered from local files only, with the structured data
attached; and a downloaded, fully signed PDF validated independently with pyHanko."""

from __future__ import annotations

import json
import socket
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from agreements import services, signatures
from agreements.documents import render_agreement_pdf, structured_data
from agreements.models import AgreementVersion
from agreements.signing.pades import embedded_file, sha256
from core.models import AuditAction
from core.pdf import LocalStaticFetcher
from dashboard.models import Deadline
from domain.deadlines import DeadlineKind
from placements.models import Placement
from tests.signing.conftest import at
from tests.sip.test_views import pdf_text

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)  # points


def reader_for(pdf: bytes) -> PdfFileReader:
    return PdfFileReader(BytesIO(pdf))


def page_sizes(reader: PdfFileReader) -> list[tuple[float, float]]:
    count = int(reader.root["/Pages"]["/Count"])
    sizes = []
    for index in range(count):
        page_ref, _resources = reader.find_page_for_modification(index)
        x0, y0, x1, y1 = (float(v) for v in page_ref.get_object()["/MediaBox"])
        sizes.append((x1 - x0, y1 - y0))
    return sizes


def embedded_json(pdf: bytes) -> dict:
    data = embedded_file(reader_for(pdf), "agreement.json")
    assert data is not None, "agreement.json is not attached"
    return json.loads(data)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during PDF rendering: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """The URLs WeasyPrint asks the fetcher for."""
    urls: list[str] = []
    original = LocalStaticFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(LocalStaticFetcher, "fetch", spy)
    return urls


def render(version: AgreementVersion) -> bytes:
    pdf, _content_sha256 = render_agreement_pdf(
        version, signing_plan=signatures.signing_plan(version)
    )
    return pdf


def test_the_agreement_renders_on_a4_pages(awaiting):
    sizes = page_sizes(reader_for(render(awaiting)))

    assert sizes
    for width, height in sizes:
        assert width == pytest.approx(A4[0], abs=0.5)
        assert height == pytest.approx(A4[1], abs=0.5)


def test_rendering_reads_local_static_files_only_and_never_the_network(
    awaiting, no_network, fetched
):
    pdf = render(awaiting)

    assert pdf.startswith(b"%PDF-")
    assert fetched, "the stylesheet is read through the local fetcher"
    assert all(url.startswith("file:///static/") for url in fetched)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://cdn.example.com/font.woff2",
        "file:///etc/passwd",
        "file:///static/no-such-file.css",
    ],
)
def test_the_local_fetcher_refuses_anything_but_local_static_files(url):
    with pytest.raises(FatalURLFetchingError):
        LocalStaticFetcher().fetch(url)


def test_the_local_fetcher_refuses_a_path_out_of_the_static_folders():
    # Django's static finders refuse the traversal before anything is read.
    with pytest.raises(FatalURLFetchingError):
        LocalStaticFetcher().fetch("file:///static/../../etc/passwd")


def test_an_http_url_in_the_html_stops_the_rendering_instead_of_fetching(no_network):
    html = HTML(
        string='<link rel="stylesheet" href="http://example.com/x.css"><p>Hej</p>',
        base_url="file:///",
        url_fetcher=LocalStaticFetcher(),
    )

    with pytest.raises(FatalURLFetchingError):
        html.write_pdf()


def test_the_embedded_json_equals_the_structured_data_from_the_database(awaiting):
    pdf = render(awaiting)

    from_db = structured_data(AgreementVersion.objects.get(pk=awaiting.pk))
    assert embedded_json(pdf) == json.loads(json.dumps(from_db))
    assert from_db["version_id"] == awaiting.pk
    assert from_db["effective_from"] == "2026-06-01"
    assert set(from_db["annual_amounts"]) == {"municipality", "region"}


def test_the_downloaded_signed_pdf_validates_independently_with_pyhanko(
    signed, client_for, audit, gbg_caseworker, signing_keys, goteborg, region
):
    response = client_for(gbg_caseworker).get(
        reverse("agreements:version_document", args=[signed.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="overenskommelse-{signed.agreement_id}-v1-signerad.pdf"'
    )
    pdf = response.content
    final = signatures.final_document(signed)
    assert sha256(pdf) == final.sha256
    [row] = audit.new()
    assert (row.action, row.user, row.object_id) == (
        AuditAction.DOWNLOAD,
        gbg_caseworker,
        str(signed.pk),
    )
    assert row.details == {"revision": final.revision, "sha256": final.sha256}

    # Independently of the app's own verification: pyHanko against the CA read from disk.
    ca = load_cert_from_pemder(str(signing_keys.ca_cert))
    reader = reader_for(pdf)
    regular = list(reader.embedded_regular_signatures)
    assert [s.field_name for s in regular] == ["Signatur1", "Signatur2"]
    organisations = []
    for sig in regular:
        status = validate_pdf_signature(
            sig, signer_validation_context=ValidationContext(trust_roots=[ca])
        )
        assert status.intact
        assert status.valid
        assert status.trusted
        assert status.bottom_line
        assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        organisations.append(sig.signer_cert.subject.native["organization_name"])
    assert organisations == [goteborg.name, region.name]

    [timestamp] = reader.embedded_timestamp_signatures
    assert reader.embedded_signatures[-1].field_name == timestamp.field_name
    ts_status = validate_pdf_timestamp(
        timestamp, validation_context=ValidationContext(trust_roots=[ca])
    )
    assert ts_status.intact
    assert ts_status.valid
    assert ts_status.trusted
    assert ts_status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    from_db = structured_data(AgreementVersion.objects.get(pk=signed.pk))
    assert embedded_json(pdf) == json.loads(json.dumps(from_db))


def test_the_agreement_is_rendered_in_swedish_whatever_language_the_signer_uses(awaiting):
    """Issue 6: "A4, Swedish". A signer whose browser asks for English still signs the
    Swedish document."""
    from django.utils import translation

    from agreements.signatures import signing_plan
    from tests.sip.test_views import pdf_text

    with translation.override("en"):
        pdf, _content = render_agreement_pdf(awaiting, signing_plan=signing_plan(awaiting))
        assert translation.get_language() == "en"

    text = pdf_text(pdf)
    assert "Överenskommelse om kostnadsansvar" in text
    assert "Agreement on cost responsibility" not in text


def test_the_family_sip_pdf_is_swedish_for_an_english_session(awaiting):
    """The same for the printable SIP: the family reads Swedish."""
    from django.utils import translation

    from core.pdf import render_pdf
    from tests.sip.test_views import pdf_text

    with translation.override("en"):
        pdf = render_pdf("sip/sip_pdf.html", {"sip": awaiting.sip_meeting.sip, "plan": None})

    assert "Samordnad individuell plan" in pdf_text(pdf)


def test_r_plac_3_an_acute_agreement_signed_weeks_later_carries_the_cost_meeting_day(
    placement, make_draft, gbg_caseworker, sign, frozen, municipal_signatory, region_signatory
):
    """R-PLAC-3 / L22–L23: an acute HVB placement from 4 May; the standard split agreed at the
    cost meeting on 19 May; both sign on 9 June. The version applies from 19 May: the signed
    PDF states it in Swedish and its agreement.json carries the date itself; the 30-day
    deadline (R-PLAC-3) is met by the signed agreement on 9 June."""
    placement.is_acute = True
    placement.status = Placement.Status.ACTIVE
    placement.actual_start = date(2026, 5, 4)
    placement.save()
    awaiting = services.agreement_send_for_signature(user=gbg_caseworker, version=make_draft())
    frozen.move_to(at(date(2026, 6, 9), 10))
    sign(municipal_signatory, awaiting, awaiting.agreement.municipality)
    sign(region_signatory, awaiting, awaiting.agreement.region)

    version = AgreementVersion.objects.get(pk=awaiting.pk)
    assert version.status == "signed"
    assert version.effective_from == date(2026, 5, 19)
    final = signatures.final_document(version)
    data = embedded_json(bytes(final.pdf))
    assert data["effective_from"] == "2026-05-19"
    assert data["effective_from_rule"] == "cost_meeting"
    text = " ".join(pdf_text(bytes(final.pdf)).split())
    assert "Gäller från och med 2026-05-19." in text
    assert "För akutplaceringens dagar före 2026-05-19 bär den placerande huvudmannen" in text
    deadline = Deadline.objects.get(kind=DeadlineKind.ACUTE_SETTLEMENT, placement=placement)
    assert (deadline.due_on, deadline.met_on) == (date(2026, 6, 3), date(2026, 6, 9))
