"""R-MEET-3 on the signing page: a signatory whose financial mandate has ended is told so, in
Swedish, for which principal and up to which day, with nothing signed and no form offered.
Anyone who cannot see the agreement, or never held a mandate for its principals, still gets
the plain 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from agreements.models import Signature, SignedDocument
from core.models import AuditAction
from organisations.models import Role
from tests.factories import FinancialMandateFactory, member
from tests.signing.conftest import MUNICIPAL_TOTP_KEY, TODAY, token_for

pytestmark = pytest.mark.django_db

YESTERDAY = TODAY - timedelta(days=1)
ENDED_MESSAGE = (
    "Ditt ekonomiska mandat för Göteborg gällde till och med 2026-05-19 och gäller inte längre."
)


def sign_url(version) -> str:
    return reverse("agreements:version_sign", args=[version.pk])


def end_mandate(user, **change) -> None:
    mandate = user.mandates.get()
    for name, value in change.items():
        setattr(mandate, name, value)
    mandate.save()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "change",
    [{"ended_on": YESTERDAY}, {"valid_until": YESTERDAY}],
    ids=["ended-early", "ran-out"],
)
def test_r_meet_3_a_signatory_whose_mandate_has_ended_is_told_so_and_nothing_is_signed(
    awaiting, client_for, audit, municipal_signatory, goteborg, change, method
):
    """The municipal signatory took part in the cost meeting, so still sees the agreement."""
    end_mandate(municipal_signatory, **change)
    client = client_for(municipal_signatory)

    response = getattr(client, method)(
        sign_url(awaiting), {"principal": goteborg.pk, "token": token_for(MUNICIPAL_TOTP_KEY)}
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert ENDED_MESSAGE in page
    assert "Du kan inte längre signera den här överenskommelsen" in page
    assert "form" not in response.context
    assert 'name="token"' not in page
    assert 'name="principal"' not in page
    assert not Signature.objects.exists()
    assert not SignedDocument.objects.exists()
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_signatures"
    [row] = audit.new()
    assert (row.action, row.object_id, row.details) == (
        AuditAction.DENIED,
        str(awaiting.pk),
        {"action": "sign"},
    )


def test_a_mandate_valid_until_today_still_offers_the_form(
    awaiting, client_for, municipal_signatory
):
    end_mandate(municipal_signatory, ended_on=TODAY)

    response = client_for(municipal_signatory).get(sign_url(awaiting))

    assert response.status_code == 200
    assert "form" in response.context


def test_an_ended_mandate_without_sight_of_the_agreement_gets_404(
    awaiting, client_for, primary_care, region
):
    """Never in the cost meeting and not among the child's units: nothing to see at all."""
    outsider = member(primary_care, Role.MANAGER, email="chef@vc.example")
    FinancialMandateFactory(user=outsider, principal=region, ended_on=YESTERDAY)

    response = client_for(outsider).get(sign_url(awaiting))

    assert response.status_code == 404
    assert ENDED_MESSAGE not in response.content.decode()


def test_an_ended_mandate_for_another_principal_gets_404(
    awaiting, client_for, gbg_caseworker, molndal
):
    """The caseworker sees the agreement but never held a mandate for its principals."""
    FinancialMandateFactory(user=gbg_caseworker, principal=molndal, ended_on=YESTERDAY)

    response = client_for(gbg_caseworker).get(sign_url(awaiting))

    assert response.status_code == 404
