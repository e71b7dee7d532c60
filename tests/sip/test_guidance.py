"""What the pages tell the parties to do (found by an exploratory review). R-SIP-4: the start
page of a member of an invited unit lists the invitations waiting for an answer (BUP's said
nothing of a new invitation). R-SIP-2: a minor without registered guardians is told to
register them."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sip import services
from tests.html import section_of

pytestmark = pytest.mark.django_db

START = reverse("start")


def _section(html: str) -> str:
    return section_of(html, "invitations-heading")


def test_the_invited_unit_sees_the_invitation_until_it_has_answered(
    sip, bup_invitation, bup_clinician, client_for
):
    respond = reverse("sip:invitation_respond", args=[bup_invitation.pk])
    section = _section(client_for(bup_clinician).get(START).content.decode())
    assert respond in section
    assert sip.initiating_unit.principal.name in section

    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="accepted")

    assert _section(client_for(bup_clinician).get(START).content.decode()) == ""


def test_no_one_else_sees_it(sip, bup_invitation, gbg_caseworker, mdl_caseworker, client_for):
    for user in (gbg_caseworker, mdl_caseworker):
        assert _section(client_for(user).get(START).content.decode()) == ""


def test_the_start_page_reads_the_invitations_once(
    sip, bup_invitation, bup_clinician, client_for, django_assert_max_num_queries
):
    client = client_for(bup_clinician)
    client.get(START)
    with django_assert_max_num_queries(20) as captured:
        client.get(START)
    assert (
        sum(q["sql"].startswith('SELECT "sip_invitation"') for q in captured.captured_queries) == 1
    )


# --- R-SIP-2: a minor without registered guardians -------------------------------------------


def test_a_minor_without_registered_guardians_is_told_to_register_them(
    child, placement, gbg_caseworker, gbg_social, client_for
):
    """R-SIP-2: a minor's guardians consent. With none registered the SIP page and the consent
    form say so and where to register them (an exploratory review recorded an 8-year-old's own
    consent without a word)."""
    sip = services.sip_create(
        user=gbg_caseworker,
        child=child,
        initiating_unit=gbg_social,
        need_noticed_on=date(2026, 5, 8),
        need_description="Behov av samordning.",
        placements=[placement],
    )
    client = client_for(gbg_caseworker)
    warning = "Ingen vårdnadshavare är registrerad för barnet."
    page = client.get(reverse("sip:sip_detail", args=[sip.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    form = client.get(reverse("sip:consent_create", args=[sip.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    assert warning in page.content.decode()
    assert warning in form.content.decode()
    assert reverse("placements:child_detail", args=[child.pk]) in form.content.decode()


def test_with_guardians_registered_no_such_warning(sip, gbg_caseworker, client_for):
    client = client_for(gbg_caseworker)
    for url in (
        reverse("sip:sip_detail", args=[sip.pk]),
        reverse("sip:consent_create", args=[sip.pk]),
    ):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        assert "Ingen vårdnadshavare är registrerad" not in html
