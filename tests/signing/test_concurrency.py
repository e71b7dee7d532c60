"""Two signatories sign the same agreement at the same moment (issue 6): the version row is
locked, so both signatures land, in order, in one chain of incremental signatures. PostgreSQL
only: SQLite has no row locks."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from agreements import signatures
from agreements.models import AgreementVersion, Signature
from agreements.signing.pades import verify
from tests.signing.conftest import NOW

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
    ),
]


def test_two_signatories_signing_at_the_same_moment_both_land_in_one_chain(
    settings, awaiting, municipal_signatory, region_signatory, goteborg, region
):
    settings.SIGNING_ORDER = "any"
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def sign_as(user, principal):
        from django.db import connection as thread_connection

        try:
            version = AgreementVersion.objects.get(pk=awaiting.pk)
            barrier.wait()
            signatures.agreement_sign(
                user=user,
                version=version,
                principal=principal,
                second_factor_at=NOW - timedelta(minutes=1),
            )
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=sign_as, args=(municipal_signatory, goteborg)),
        threading.Thread(target=sign_as, args=(region_signatory, region)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    first, second = Signature.objects.filter(version=awaiting).order_by("sequence")
    assert (first.sequence, second.sequence) == (1, 2)
    assert {first.principal_id, second.principal_id} == {goteborg.pk, region.pk}
    assert second.document.revision == first.document.revision + 1
    assert bytes(second.document.pdf).startswith(bytes(first.document.pdf))
    awaiting.refresh_from_db()
    assert awaiting.status == "signed"
    final = signatures.final_document(awaiting)
    assert final is not None
    assert bytes(final.pdf).startswith(bytes(second.document.pdf))
    result = verify(bytes(final.pdf), known_hashes=signatures.known_hashes())
    assert result.valid, result.reasons
    assert [s.field_name for s in result.signatures] == ["Signatur1", "Signatur2"]
