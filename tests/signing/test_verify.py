"""Verification of a signed agreement PDF (issue 6): pades.verify, the upload page and the
management command. A byte flipped, an update appended after the last signature, a PDF from
elsewhere or signed under another CA: not valid, with the reason."""

from __future__ import annotations

import asyncio
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from weasyprint import HTML

from agreements import signatures
from agreements.signing.pades import (
    REASON_NO_SIGNATURES,
    REASON_NOT_INTACT,
    REASON_NOT_PDF,
    REASON_NOT_TRUSTED,
    REASON_NOT_WHOLE,
    REASON_TOO_FEW,
    REASON_UNKNOWN_HASH,
    add_document_timestamp,
    sha256,
    verify,
)
from agreements.signing.pki import PkiPaths, create_ca
from core.models import AuditAction
from tests.signing.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_pdf(signed) -> bytes:
    return bytes(signatures.final_document(signed).pdf)


def known() -> set[str]:
    return signatures.known_hashes()


def flip_byte(pdf: bytes, position: int) -> bytes:
    data = bytearray(pdf)
    data[position] ^= 0x01
    return bytes(data)


def append_update(pdf: bytes) -> bytes:
    """An incremental update after the last signature: the document language changed."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    writer.root["/Lang"] = pdf_string("en-GB")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_fully_signed_pdf_is_valid(final_pdf, goteborg, region):
    result = verify(final_pdf, known_hashes=known())

    assert result.valid
    assert result.reasons == []
    assert [s.field_name for s in result.signatures] == ["Signatur1", "Signatur2"]
    assert all(s.intact and s.trusted for s in result.signatures)
    assert goteborg.name in result.signatures[0].signer
    assert region.name in result.signatures[1].signer
    assert result.embedded_json is not None


def test_verification_works_in_a_thread_with_a_running_event_loop(final_pdf):
    """pyHanko's sync API calls asyncio.run inside; under a running loop (an ASGI worker,
    Playwright's sync API in the same test session) that used to raise and the valid PDF
    was reported as not intact. The call must not depend on the caller's thread."""

    hashes = known()

    async def verify_inside_a_loop():
        return verify(final_pdf, known_hashes=hashes)

    result = asyncio.run(verify_inside_a_loop())

    assert result.valid, result.reasons
    assert all(s.intact and s.trusted for s in result.signatures)


def test_a_document_timestamp_can_be_added_inside_a_running_event_loop(final_pdf):
    async def stamp_inside_a_loop():
        return add_document_timestamp(final_pdf)

    stamped = asyncio.run(stamp_inside_a_loop())

    assert stamped.startswith(final_pdf)
    assert len(stamped) > len(final_pdf)


def test_a_pdf_with_one_byte_flipped_is_not_valid(signed, final_pdf):
    rendered = bytes(signed.documents.get(revision=0).pdf)
    # A byte in the middle of the rendered agreement, covered by both signatures.
    tampered = flip_byte(final_pdf, len(rendered) // 2)

    result = verify(tampered, known_hashes=known())

    assert not result.valid
    assert REASON_UNKNOWN_HASH in result.reasons
    # Even if the changed file's hash were known, the signatures give the change away.
    structural = verify(tampered, known_hashes={sha256(tampered)})
    assert not structural.valid
    assert REASON_NOT_INTACT in structural.reasons


def test_an_update_appended_after_the_last_signature_is_not_valid(final_pdf):
    tampered = append_update(final_pdf)
    assert tampered.startswith(final_pdf)

    result = verify(tampered, known_hashes=known())

    assert not result.valid
    assert REASON_NOT_WHOLE in result.reasons
    # Even if the changed file's hash were known: the last signature no longer covers the whole
    # file, and pyHanko's difference analysis sees the change after the signatures.
    structural = verify(tampered, known_hashes={sha256(tampered)})
    assert structural.reasons == [REASON_NOT_INTACT, REASON_NOT_WHOLE]


def test_a_change_sealed_by_a_new_document_timestamp_is_not_valid(final_pdf):
    # Someone with access to the deployment's own timestamping unit appends a change and seals
    # it with a new document timestamp covering the whole file.
    resealed = add_document_timestamp(append_update(final_pdf))

    result = verify(resealed, known_hashes={sha256(resealed)})

    assert not result.valid
    assert result.reasons == [REASON_NOT_INTACT]
    assert not any(s.intact for s in result.signatures)


def test_a_last_timestamp_from_a_foreign_timestamping_unit_is_not_trusted(
    settings, tmp_path, pki_dir, final_pdf
):
    other = PkiPaths(tmp_path / "other")
    create_ca(other, now=NOW)
    settings.SIGNING_KEY_DIR = other.root
    resealed = add_document_timestamp(final_pdf)
    settings.SIGNING_KEY_DIR = pki_dir

    result = verify(resealed, known_hashes={sha256(resealed)})

    assert not result.valid
    assert result.reasons == [REASON_NOT_TRUSTED]


def test_a_pdf_from_elsewhere_is_not_valid():
    pdf = HTML(string="<h1>Överenskommelse</h1><p>Inte härifrån.</p>").write_pdf()

    result = verify(pdf, known_hashes=known())

    assert not result.valid
    assert result.reasons == [REASON_NO_SIGNATURES]


def test_a_file_that_is_not_a_pdf_is_not_valid():
    result = verify(b"%PDF-1.7\nnot really", known_hashes=set())

    assert not result.valid
    assert result.reasons == [REASON_NOT_PDF]


def test_a_document_signed_by_one_principal_only_is_not_valid(
    awaiting, sign, municipal_signatory, goteborg
):
    signature = sign(municipal_signatory, awaiting, goteborg)
    pdf = bytes(signature.document.pdf)

    result = verify(pdf, known_hashes={sha256(pdf)})

    assert not result.valid
    assert result.reasons == [REASON_TOO_FEW]


def test_signatures_under_another_ca_are_not_trusted(settings, tmp_path, final_pdf):
    other = PkiPaths(tmp_path / "other")
    create_ca(other, now=NOW)
    settings.SIGNING_KEY_DIR = other.root

    result = verify(final_pdf, known_hashes={sha256(final_pdf)})

    assert not result.valid
    assert REASON_NOT_TRUSTED in result.reasons


# The upload page.


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_the_verify_page_reports_a_valid_file(final_pdf, client_for, audit, gbg_caseworker):
    response = client_for(gbg_caseworker).post(
        reverse("agreements:verify"), {"file": upload("avtal.pdf", final_pdf)}
    )

    assert response.status_code == 200
    assert response.context["result"].valid
    assert "Giltig" in response.content.decode()
    [row] = audit.new()
    assert row.action == AuditAction.VIEW
    assert row.object_type == "agreements.verification"
    assert row.details["valid"] is True


def test_the_verify_page_reports_an_appended_update_in_swedish(
    final_pdf, client_for, gbg_caseworker
):
    response = client_for(gbg_caseworker).post(
        reverse("agreements:verify"), {"file": upload("avtal.pdf", append_update(final_pdf))}
    )

    assert response.status_code == 200
    assert not response.context["result"].valid
    swedish = (
        "Den sista underskriften omfattar inte hela dokumentet: något har lagts till efter den."
    )
    assert swedish in [str(reason) for reason in response.context["reasons"]]
    assert swedish in response.content.decode()


def test_a_file_that_is_not_a_pdf_gets_a_form_error(db, client_for, gbg_caseworker):
    response = client_for(gbg_caseworker).post(
        reverse("agreements:verify"),
        {"file": upload("avtal.pdf", b"Hej, det har ar text.", "text/plain")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Filen är inte en PDF."]
    assert "result" not in response.context


def test_an_oversized_upload_gets_a_form_error(settings, db, client_for, gbg_caseworker):
    settings.MAX_VERIFY_UPLOAD_BYTES = 1024 * 1024

    response = client_for(gbg_caseworker).post(
        reverse("agreements:verify"),
        {"file": upload("stor.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024))},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Filen är för stor (högst 1 MB)."]
    assert "result" not in response.context


def test_the_verify_page_needs_a_signed_in_user(settings, db, client):
    response = client.get(reverse("agreements:verify"))

    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)


# The management command.


def test_the_command_reports_a_valid_file(final_pdf, tmp_path):
    path = tmp_path / "avtal.pdf"
    path.write_bytes(final_pdf)
    out = StringIO()

    call_command("verify_agreement_pdf", str(path), stdout=out)

    assert "VALID" in out.getvalue()
    assert "Signatur2" in out.getvalue()


def test_the_command_fails_for_an_invalid_file(final_pdf, tmp_path):
    path = tmp_path / "avtal.pdf"
    path.write_bytes(append_update(final_pdf))

    with pytest.raises(CommandError, match=REASON_NOT_WHOLE):
        call_command("verify_agreement_pdf", str(path), stdout=StringIO())
