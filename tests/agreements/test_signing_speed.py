"""Issue 13: rendering and signing the agreement PDF without repeated work. The signer parses
its private key once (a replaced key file is read anew) and its signatures stay valid PAdES;
a rendering reads the version's lines once and leaves nothing cached on the version, so a
changed line shows in the next rendering."""

from __future__ import annotations

import json
import os
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from agreements import documents
from agreements.signatures import signing_plan
from agreements.signing import backends, pades
from agreements.signing.pki import PkiPaths, create_ca, create_principal_certificate

pytestmark = pytest.mark.django_db

ORGNR = "212000-0142"


@pytest.fixture
def pki(settings: Any, tmp_path: Any) -> PkiPaths:
    settings.SIGNING_KEY_DIR = tmp_path
    settings.SIGNING_TSA_URL = ""
    paths = PkiPaths(tmp_path)
    create_ca(paths, now=timezone.now())
    _issue(paths)
    return paths


def _issue(paths: PkiPaths) -> None:
    """A new key and certificate for the principal, replacing any key file it had."""
    from django.conf import settings

    create_principal_certificate(
        paths,
        organisation_number=ORGNR,
        name="Göteborg",
        passphrase=settings.SIGNING_KEY_PASSPHRASE.encode(),
        now=timezone.now(),
        force=True,
    )


PRINCIPAL = SimpleNamespace(organisation_number=ORGNR, name="Göteborg")


def _sign(pdf: bytes, signer: Any) -> bytes:
    return pades.sign_increment(
        pdf,
        signer=signer,
        field_name="Sig1",
        slot=0,
        stamp_text="Signerad",
        reason="Test",
        signer_name="Test",
    )


def _valid_signer_serial(signed: bytes, paths: PkiPaths) -> int:
    """The serial number of the one signature's certificate, once pyHanko has found the
    signature intact, valid, trusted against the CA and covering the whole file."""
    (sig,) = PdfFileReader(BytesIO(signed)).embedded_regular_signatures
    ca = load_cert_from_pemder(str(paths.ca_cert))  # type: ignore[no-untyped-call]
    context = ValidationContext(trust_roots=[ca])
    status = validate_pdf_signature(sig, signer_validation_context=context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return int(sig.signer_cert.serial_number)


def test_the_signer_parses_its_key_once_and_its_signatures_validate(
    pki: PkiPaths, draft: Any, monkeypatch: Any
) -> None:
    backends._load_pkcs12.cache_clear()
    signer = backends.FileSignerBackend().signer_for(PRINCIPAL)
    assert isinstance(signer, backends.ParsedKeySigner)
    pdf, _sha = documents.render_agreement_pdf(draft, signing_plan=signing_plan(draft))

    parsed: list[int] = []
    original = serialization.load_der_private_key

    def counting(*args: Any, **kwargs: Any) -> Any:
        parsed.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(serialization, "load_der_private_key", counting)
    first = _sign(pdf, signer)
    second = _sign(pdf, backends.FileSignerBackend().signer_for(PRINCIPAL))

    assert parsed == []
    assert _valid_signer_serial(first, pki) == _valid_signer_serial(second, pki)
    assert pades.embedded_file(PdfFileReader(BytesIO(first)), "agreement.json") is not None


def test_a_replaced_key_file_is_read_and_parsed_anew(pki: PkiPaths, draft: Any) -> None:
    backends._load_pkcs12.cache_clear()
    pdf, _sha = documents.render_agreement_pdf(draft, signing_plan=signing_plan(draft))
    before = _valid_signer_serial(
        _sign(pdf, backends.FileSignerBackend().signer_for(PRINCIPAL)), pki
    )

    p12 = pki.principal_p12(ORGNR)
    old = p12.stat()
    _issue(pki)
    os.utime(p12, ns=(old.st_atime_ns, old.st_mtime_ns + 1_000_000_000))
    after = _valid_signer_serial(
        _sign(pdf, backends.FileSignerBackend().signer_for(PRINCIPAL)), pki
    )

    assert after != before


def _lines_queries(queries: CaptureQueriesContext) -> int:
    return sum('FROM "agreements_agreementline"' in q["sql"] for q in queries.captured_queries)


def _embedded_json(pdf: bytes) -> Any:
    data = pades.embedded_file(PdfFileReader(BytesIO(pdf)), "agreement.json")
    assert data is not None
    return json.loads(data)


def test_a_rendering_reads_the_lines_once_and_a_changed_line_shows_in_the_next(
    draft: Any,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        first, _sha = documents.render_agreement_pdf(draft, signing_plan=signing_plan(draft))
    assert _lines_queries(queries) == 1
    assert "lines" not in getattr(draft, "_prefetched_objects_cache", {})

    again, _sha = documents.render_agreement_pdf(draft, signing_plan=signing_plan(draft))
    assert _embedded_json(again) == _embedded_json(first)
    assert len(PdfFileReader(BytesIO(again)).root["/Pages"]["/Kids"]) == len(
        PdfFileReader(BytesIO(first)).root["/Pages"]["/Kids"]
    )

    line = draft.lines.order_by("pk").first()
    line.description = "Ändrad insats"
    line.save()
    changed, _sha = documents.render_agreement_pdf(draft, signing_plan=signing_plan(draft))
    descriptions = [x["description"] for x in _embedded_json(changed)["lines"]]
    assert "Ändrad insats" in descriptions
    assert descriptions != [x["description"] for x in _embedded_json(first)["lines"]]


def test_lines_the_caller_prefetched_are_used_and_left_in_place(draft: Any) -> None:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([draft], "lines__responsible_principal")
    with CaptureQueriesContext(connection) as queries:
        documents.render_agreement_pdf(draft, signing_plan=signing_plan(draft))
    assert _lines_queries(queries) == 0
    assert "lines" in draft._prefetched_objects_cache
