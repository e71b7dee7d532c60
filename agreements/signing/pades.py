"""PAdES signing and verification with pyHanko. Every change after the rendered PDF is an
incremental update, so earlier signatures stay valid."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, TypeVar

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from .backends import document_timestamper, signature_timestamper, trust_root

STAMP_WIDTH, STAMP_HEIGHT = 240, 90
# Room reserved for each CMS signature (certificate chain, signature, timestamp token), in hex
# digits as pyHanko counts it: 8 KiB of signature; ours are about 2.5 KiB, with a timestamp
# token about 6. Without a reserve pyHanko signs twice, once only to measure (issue 13).
SIGNATURE_RESERVE = 16_384
STAMP_Y = 60

T = TypeVar("T")


def run_blocking(call: Callable[[], T]) -> T:
    """Run one of pyHanko's synchronous entry points, which call ``asyncio.run`` inside.

    ``asyncio.run`` refuses to start when the calling thread already has a running event
    loop (an ASGI worker, or a test session driving Playwright's sync API). Then the call
    runs in a short-lived worker thread of its own; otherwise it runs right here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(call).result()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign_increment(
    pdf: bytes,
    *,
    signer: signers.Signer,
    field_name: str,
    slot: int,
    stamp_text: str,
    reason: str,
    signer_name: str,
) -> bytes:
    """Add one PAdES signature (B-B, or B-T with a timestamp service) with a visible stamp
    in slot ``slot`` at the bottom of the last page."""
    x1 = 50 + slot * (STAMP_WIDTH + 15)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            name=signer_name,
            location="Sverige",
        ),
        signer=signer,
        timestamper=signature_timestamper(),
        stamp_style=TextStampStyle(stamp_text=stamp_text, border_width=1),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=-1,
            box=(x1, STAMP_Y, x1 + STAMP_WIDTH, STAMP_Y + STAMP_HEIGHT),
        ),
    )
    try:
        out = BytesIO()
        run_blocking(
            lambda: pdf_signer.sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_RESERVE)
        )
    except SigningError:
        # A signature larger than the reserve (a long certificate chain, a large timestamp
        # token): let pyHanko measure it with a trial signature, as it does by default.
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        out = BytesIO()
        run_blocking(lambda: pdf_signer.sign_pdf(writer, output=out))
    return out.getvalue()


def add_document_timestamp(pdf: bytes) -> bytes:
    """Seal the fully signed document with a final document timestamp (RFC 3161)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    out = BytesIO()
    timestamper = signers.PdfTimeStamper(document_timestamper())
    run_blocking(lambda: timestamper.timestamp_pdf(writer, md_algorithm="sha256", output=out))
    return out.getvalue()


@dataclass
class SignatureReport:
    field_name: str
    signer: str
    signed_at: Any
    intact: bool
    trusted: bool
    coverage: str


@dataclass
class VerificationResult:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    signatures: list[SignatureReport] = field(default_factory=list)
    sha256: str = ""
    embedded_json: bytes | None = None


# Reasons are stable keys; the view translates them.
REASON_NOT_PDF = "not_pdf"
REASON_NO_SIGNATURES = "no_signatures"
REASON_NOT_INTACT = "not_intact"
REASON_NOT_TRUSTED = "not_trusted"
REASON_NOT_WHOLE = "not_whole_document"
REASON_UNKNOWN_HASH = "unknown_hash"
REASON_TOO_FEW = "too_few_signatures"


def verify(
    pdf: bytes, *, known_hashes: set[str], expected_signatures: int = 2
) -> VerificationResult:
    """Is this an unmodified agreement signed by this system? Every signature intact and
    trusted against the deployment's CA, the last one (or the document timestamp) covering
    the whole file, and the file's hash one we stored."""
    result = VerificationResult(valid=False, sha256=sha256(pdf))
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # any parse failure means "not a PDF we can read"
        result.reasons.append(REASON_NOT_PDF)
        return result
    regular = list(reader.embedded_regular_signatures)
    if not regular:
        result.reasons.append(REASON_NO_SIGNATURES)
        return result
    context = ValidationContext(trust_roots=[trust_root()], allow_fetching=False)
    for sig in regular:
        try:
            status = run_blocking(
                lambda sig=sig: validate_pdf_signature(sig, signer_validation_context=context)
            )
            # docmdp_ok False: pyHanko's difference analysis found a change after this
            # signature beyond added signatures and timestamps, e.g. an update sealed by a
            # later timestamp. The signed document was changed: not intact.
            intact = status.intact and status.valid and status.docmdp_ok is not False
            trusted = status.trusted
            coverage = status.coverage.name if status.coverage else ""
            signer = sig.signer_cert.subject.human_friendly
        except Exception:  # a broken signature cannot even be parsed: not intact
            intact, trusted, coverage, signer = False, False, "", ""
        result.signatures.append(
            SignatureReport(
                field_name=sig.field_name,
                signer=signer,
                signed_at=sig.self_reported_timestamp if intact else None,
                intact=intact,
                trusted=trusted,
                coverage=coverage,
            )
        )
        if not intact and REASON_NOT_INTACT not in result.reasons:
            result.reasons.append(REASON_NOT_INTACT)
        if intact and not trusted and REASON_NOT_TRUSTED not in result.reasons:
            result.reasons.append(REASON_NOT_TRUSTED)
    last = embedded[-1]
    try:
        if last in reader.embedded_timestamp_signatures:
            last_status = run_blocking(
                lambda: validate_pdf_timestamp(last, validation_context=context)
            )
        else:
            last_status = run_blocking(
                lambda: validate_pdf_signature(last, signer_validation_context=context)
            )
        whole = last_status.coverage == SignatureCoverageLevel.ENTIRE_FILE and last_status.intact
        last_trusted = last_status.trusted
    except Exception:  # unreadable: it certainly does not cover the file
        whole, last_trusted = False, False
    if not whole:
        result.reasons.append(REASON_NOT_WHOLE)
    # The final document timestamp must come from a timestamping unit this deployment trusts.
    if whole and not last_trusted and REASON_NOT_TRUSTED not in result.reasons:
        result.reasons.append(REASON_NOT_TRUSTED)
    if len(regular) < expected_signatures:
        result.reasons.append(REASON_TOO_FEW)
    if result.sha256 not in known_hashes:
        result.reasons.append(REASON_UNKNOWN_HASH)
    try:
        result.embedded_json = embedded_file(reader, "agreement.json")
    except Exception:  # a damaged name tree: nothing to show
        result.embedded_json = None
    result.valid = not result.reasons
    return result


def embedded_file(reader: PdfFileReader, name: str) -> bytes | None:
    """The bytes of an embedded file (the agreement's structured data), if present."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return None
    for i in range(0, len(names), 2):
        if str(names[i]) == name:
            spec = names[i + 1].get_object()
            return spec["/EF"]["/F"].get_object().data
    return None
