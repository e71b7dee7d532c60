"""Issue 13: the signer per principal is read once and reused; each signature fits the space
reserved for it, so pyHanko signs once instead of twice."""

from __future__ import annotations

import os
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

from agreements.signing import backends, pades


def test_the_signer_is_loaded_once_per_key_file_and_again_when_it_changes(goteborg, signing_keys):
    backends._load_pkcs12.cache_clear()
    backend = backends.FileSignerBackend()

    first = backend.signer_for(goteborg)
    assert backend.signer_for(goteborg) is first
    assert backends._load_pkcs12.cache_info().hits == 1

    p12 = signing_keys.principal_p12(goteborg.organisation_number)
    stat = p12.stat()
    os.utime(p12, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert backend.signer_for(goteborg) is not first


def _blank_pdf() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (0, 0, 595, 842)]
                ),
            }
        )
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_signature_fits_the_reserved_space(goteborg):
    signer = backends.FileSignerBackend().signer_for(goteborg)

    signed = pades.sign_increment(
        _blank_pdf(),
        signer=signer,
        field_name="Sig1",
        slot=0,
        stamp_text="Test",
        reason="Test",
        signer_name="Test",
    )

    (signature,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    contents = signature.sig_object.raw_get("/Contents")
    # The /Contents placeholder is exactly the reserve (counted in hex digits, two per byte):
    # the first and only signing pass fitted, no trial signature was needed.
    assert len(contents.original_bytes) * 2 == pades.SIGNATURE_RESERVE
