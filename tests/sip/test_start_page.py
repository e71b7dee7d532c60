"""R-SIP-4: each invited party attends or finds the right unit. The start page of a member of
an invited unit lists the invitations waiting for an answer (found by an exploratory review:
BUP's start page said nothing of a new invitation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sip import services

pytestmark = pytest.mark.django_db

START = reverse("start")


def _section(html: str) -> str:
    if 'id="invitations-heading"' not in html:
        return ""
    return html.split('id="invitations-heading"', 1)[1].split("</section>", 1)[0]


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


def test_the_start_page_asks_one_query_for_it(
    sip, bup_invitation, bup_clinician, client_for, django_assert_max_num_queries
):
    client = client_for(bup_clinician)
    client.get(START)
    with django_assert_max_num_queries(20) as captured:
        client.get(START)
    assert (
        sum(q["sql"].startswith('SELECT "sip_invitation"') for q in captured.captured_queries) == 1
    )
