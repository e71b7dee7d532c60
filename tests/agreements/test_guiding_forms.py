"""Agreement forms that guide (issue 12): a form that cannot succeed is not offered, the page
says what is missing and links to where it is done; one submission shows every independent
error at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from agreements.models import AgreementVersion, CostMeeting
from core.models import AuditAction
from tests.agreements.conftest import HELD_ON, at

pytestmark = pytest.mark.django_db


def _local(dt) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_without_a_held_sip_meeting_the_cost_meeting_form_is_not_offered(
    client_for, gbg_caseworker, placement, audit
):
    client = client_for(gbg_caseworker)
    url = reverse("agreements:cost_meeting_create", args=[placement.pk])

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="participants"' not in html
    assert "Detta fält måste fyllas i." not in html
    assert "har inget genomfört SIP-möte" in _text(response)
    # The child has no SIP yet: the way on is to start one.
    assert f'href="{reverse("sip:sip_create", args=[placement.child_id])}"' in html

    posted = client.post(url, {"place": "Stadshuset"})
    assert posted.status_code == 200
    assert CostMeeting.objects.count() == 0
    assert AuditAction.CREATE not in {e.action for e in audit.new()}


def test_with_a_booked_but_not_held_sip_meeting_the_page_links_to_registering_it_as_held(
    client_for, gbg_caseworker, placement, sip
):
    from tests.sip.factories import SipMeetingFactory

    booked = SipMeetingFactory(sip=sip, ended_at=None, started_at=None)

    response = client_for(gbg_caseworker).get(
        reverse("agreements:cost_meeting_create", args=[placement.pk])
    )

    assert f'href="{reverse("sip:meeting_held", args=[booked.pk])}"' in response.content.decode()


def test_without_a_cost_meeting_the_agreement_form_is_not_offered(
    client_for, gbg_caseworker, placement, sip_meeting
):
    client = client_for(gbg_caseworker)
    url = reverse("agreements:agreement_create", args=[placement.pk])

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="health_care_provision"' not in html
    assert "Inget kostnadsansvarsmöte är registrerat" in _text(response)
    assert f'href="{reverse("agreements:cost_meeting_create", args=[placement.pk])}"' in html
    assert client.post(url, {}).status_code == 200
    assert not AgreementVersion.objects.exists()


def test_one_submission_with_a_time_error_and_a_family_member_shows_both_errors(
    client_for, gbg_caseworker, placement, sip_meeting, mother, gbg_signatory, bup_signatory
):
    response = client_for(gbg_caseworker).post(
        reverse("agreements:cost_meeting_create", args=[placement.pk]),
        {
            "sip_meeting": sip_meeting.pk,
            # Before the SIP meeting ended (09:45): R-MEET-1.
            "started_at": _local(at(HELD_ON, 9)),
            "ended_at": _local(at(HELD_ON, 10)),
            "place": "Stadshuset",
            # A guardian: R-MEET-2.
            "participants": [
                f"user:{gbg_signatory.pk}",
                f"user:{bup_signatory.pk}",
                f"guardian:{mother.pk}",
            ],
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["started_at"] == [
        "Kostnadsansvarsmötet måste börja efter att SIP-mötet har avslutats."
    ]
    assert errors["participants"] == [
        "Barnet, vårdnadshavare och närstående deltar aldrig i kostnadsansvarsmötet. Det är ett "
        "separat möte, skilt från SIP-mötet."
    ]
    html = response.content.decode()
    # Both in the error summary at the top; the time linked to its field.
    summary = html.split('class="error-summary', 1)[1].split("</ul>", 1)[0]
    assert 'href="#id_started_at"' in summary
    assert "Mötet började: Kostnadsansvarsmötet måste börja" in summary
    assert "Deltagare: Barnet, vårdnadshavare och närstående" in summary
    assert CostMeeting.objects.count() == 0


def test_the_dates_say_which_date(client_for, gbg_caseworker, placement, sip_meeting):
    response = client_for(gbg_caseworker).get(
        reverse("agreements:cost_meeting_create", args=[placement.pk])
    )

    form = response.context["form"]
    assert str(form.fields["started_at"].label) == "Mötet började"
    assert str(form.fields["ended_at"].label) == "Mötet slutade"


def test_editing_a_draft_shows_the_percent_without_trailing_zeros(
    client_for, gbg_caseworker, placement, cost_meeting, goteborg, region
):
    from decimal import Decimal

    from agreements import services
    from tests.agreements.conftest import lines_for, version_data

    draft = services.agreement_draft_save(
        user=gbg_caseworker,
        placement=placement,
        data=version_data(cost_meeting, split_method="percent", region_percent=Decimal("25.000")),
        lines=lines_for(goteborg, region),
    )

    html = (
        client_for(gbg_caseworker)
        .get(reverse("agreements:version_edit", args=[draft.pk]))
        .content.decode()
    )

    assert re.search(r'name="region_percent"[^>]*value="25"', html)
    assert "25,000" not in html
