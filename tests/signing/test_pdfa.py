"""The signed agreement as an archival, accessible document (issue 12): PDF/A-3b with the
agreement's JSON as an associated file, tagged (a structure tree, /MarkInfo /Marked true), with
an sRGB output intent — and still PAdES-signed so that pyHanko validates every signature; the
event list in Swedish time with the zone, each event in words."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from io import BytesIO

import pikepdf
import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from agreements import signatures
from agreements.documents import structured_data
from tests.sip.test_views import pdf_text

pytestmark = pytest.mark.django_db

XMP_PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def _xmp_pdfaid(pdf: pikepdf.Pdf) -> tuple[str, str]:
    meta = pdf.open_metadata()
    return str(meta.get(f"{{{XMP_PDFAID}}}part")), str(meta.get(f"{{{XMP_PDFAID}}}conformance"))


def _assert_archival(data: bytes, version) -> None:
    with pikepdf.open(BytesIO(data)) as pdf:
        # PDF/A-3, level B, declared in the XMP metadata.
        assert _xmp_pdfaid(pdf) == ("3", "B")
        # An output intent with an ICC profile (sRGB).
        [intent] = list(pdf.Root.OutputIntents)
        assert intent.S == pikepdf.Name("/GTS_PDFA1")
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3
        assert profile.read_bytes()[36:40] == b"acsp"  # an ICC profile's signature
        # Tagged for accessibility.
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in pdf.Root
        assert len(pdf.Root.StructTreeRoot.K) >= 1
        assert str(pdf.Root.Lang).lower().startswith("sv")
        # agreement.json is an embedded, associated file with its relationship.
        attachments = pdf.attachments
        assert "agreement.json" in attachments
        spec = attachments["agreement.json"]
        assert spec.obj.AFRelationship == pikepdf.Name("/Data")
        assert any(f.F == spec.obj.F for f in pdf.Root.AF)
        embedded = spec.get_file()
        assert str(embedded.mime_type) in ("application/json", "")
        payload = json.loads(embedded.read_bytes())
        assert payload == json.loads(json.dumps(structured_data(version)))


def test_the_fully_signed_agreement_is_pdfa_3b_tagged_with_its_json_and_validates(
    signed, signing_keys, goteborg, region
):
    final = signatures.final_document(signed)
    data = bytes(final.pdf)

    _assert_archival(data, signed)

    # Still PAdES: both signatures and the document timestamp validate with pyHanko.
    ca = load_cert_from_pemder(str(signing_keys.ca_cert))
    reader = PdfFileReader(BytesIO(data))
    regular = list(reader.embedded_regular_signatures)
    assert len(regular) == 2
    for sig in regular:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[ca]))
        assert status.intact and status.valid and status.trusted and status.bottom_line
    timestamp = reader.embedded_timestamp_signatures[-1]
    ts_status = validate_pdf_timestamp(
        timestamp, validation_context=ValidationContext(trust_roots=[ca])
    )
    assert ts_status.intact and ts_status.valid and ts_status.trusted


def test_the_event_list_is_in_swedish_time_with_the_zone_and_says_what_happened(
    signed, gbg_caseworker
):
    text = re.sub(r"\s+", " ", pdf_text(bytes(signatures.final_document(signed).pdf)))

    # The cost meeting (19 May 2026, 13:00 in Sweden) with its day and time zone.
    assert "Kostnadsansvarsmöte hållet 2026-05-19 13:00 CEST" in text
    # Who sent it for signature (the Göteborg caseworker), in local time with the zone.
    sender = gbg_caseworker.get_full_name() or gbg_caseworker.email
    assert f"Skickad för underskrift av {sender}" in text
    assert "2026-05-20 10:00 CEST" in text
    assert "(UTC)" not in text
    # The signing order says who signs, as mandate holder for which principal (R-MEET-3).
    assert "Vårdpersonal" not in text
    assert "Västra Götalandsregionen: av en person med ekonomiskt mandat för" in text


def test_each_signature_says_signer_role_principal_mandate_and_time_with_the_zone(
    signed, region_signatory
):
    """The signatures of the round are incremental updates after the rendering: each one says
    in its own dictionary (/Reason, shown by every PDF reader) who signed, as what, for whom,
    on which mandate and when."""
    reader = PdfFileReader(BytesIO(bytes(signatures.final_document(signed).pdf)))
    reasons = [str(sig.sig_object["/Reason"]) for sig in reader.embedded_regular_signatures]

    assert reasons[1].startswith(
        "Överenskommelse om kostnadsansvar, version 1: godkänd för Västra Götalandsregionen "
        "av Rolf Regnér (Ekonomiskt mandat för Västra Götalandsregionen"
    )
    assert "ekonomiskt mandat för Västra Götalandsregionen, giltigt 2026-01-01" in reasons[1]
    assert "Vårdpersonal" not in reasons[1]
    assert re.search(r"TOTP 2026-05-20 \d\d:\d\d CEST$", reasons[1])
    assert "godkänd för Göteborg av Sara Signell" in reasons[0]


def test_each_signature_records_the_mandate_it_rests_on(signed, region_signatory, region):
    row = signed.signatures.get(principal=region)

    assert row.role.startswith("Ekonomiskt mandat för Västra Götalandsregionen")
    assert "Vårdpersonal" not in row.role
    from core.models import AuditAction, AuditEvent

    audit = AuditEvent.objects.get(
        action=AuditAction.SIGN, object_id=str(signed.pk), details__principal=region.pk
    )
    assert audit.details["mandate"].startswith(
        "ekonomiskt mandat för Västra Götalandsregionen, giltigt 2026-01-01 – 2026-12-31"
    )


@pytest.mark.skipif(shutil.which("verapdf") is None, reason="veraPDF is not installed")
def test_verapdf_accepts_the_rendered_agreement_as_pdfa_3b(awaiting, tmp_path):
    from agreements.documents import render_agreement_pdf

    pdf, _sha = render_agreement_pdf(awaiting, signing_plan=signatures.signing_plan(awaiting))
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        ["verapdf", "--flavour", "3b", "--format", "text", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.stdout.startswith("PASS"), run.stdout + run.stderr
