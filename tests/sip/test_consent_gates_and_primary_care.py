"""Issue 11, "Half-enforced content rules", SIP: R-SIP-2 (no meeting booked and no invitation
sent without a valid consent) and R-SIP-4 (primary care proposed when the family has no care
contact in the region). Each test fails when its rule is broken."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from domain.errors import RuleViolation
from organisations.models import Unit
from placements.models import Placement
from sip import services
from sip.models import Invitation, SipMeeting
from tests.factories import UnitFactory
from tests.placements.factories import HealthExaminationFactory
from tests.sip.factories import TODAY


def _meeting(**changes) -> SipMeeting:
    fields = {
        "kind": SipMeeting.Kind.INITIAL,
        "scheduled_on": TODAY + timedelta(days=5),
        "place": "Socialkontoret, rum 3",
        "individual_offered_on": TODAY,
    }
    return SipMeeting(**(fields | changes))


def _send(sip, user, *units, invited_on=TODAY):
    return services.invitation_create(
        user=user, sip=sip, units=list(units), external_name="", invited_on=invited_on
    )


# --- R-SIP-2: invitations ------------------------------------------------------------------------


def test_invitations_cannot_be_sent_without_consent(sip, gbg_caseworker, bup, audit):
    """R-SIP-2: no consent, no SIP: an invitation shares the child's information."""
    with pytest.raises(RuleViolation) as raised:
        _send(sip, gbg_caseworker, bup)

    assert raised.value.rule == "R-SIP-2"
    assert not Invitation.objects.exists()
    assert audit.new() == []


def test_one_of_two_guardians_consent_does_not_let_invitations_be_sent(
    sip, mother, give_consent, gbg_caseworker, bup
):
    """R-SIP-2: both guardians, when there are two."""
    give_consent(sip, mother)
    with pytest.raises(RuleViolation) as raised:
        _send(sip, gbg_caseworker, bup)
    assert raised.value.rule == "R-SIP-2"


def test_invitations_are_sent_with_both_guardians_consent(sip, consents, gbg_caseworker, bup):
    [invitation] = _send(sip, gbg_caseworker, bup)
    assert invitation.unit == bup


def test_a_revoked_consent_stops_further_invitations(sip, consents, gbg_caseworker, bup):
    """R-SIP-2: a revoked consent stops further sharing."""
    services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[0],
        revoked_on=TODAY,
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )
    with pytest.raises(RuleViolation) as raised:
        _send(sip, gbg_caseworker, bup)
    assert raised.value.rule == "R-SIP-2"


def test_an_invitation_dated_before_the_consent_is_refused(sip, consents, gbg_caseworker, bup):
    """R-SIP-2: the consent (given 10 May) must hold on the invitation day too."""
    with pytest.raises(RuleViolation) as raised:
        _send(sip, gbg_caseworker, bup, invited_on=date(2026, 5, 9))
    assert raised.value.rule == "R-SIP-2"


# --- R-SIP-2: booking a meeting ------------------------------------------------------------------


def test_a_meeting_cannot_be_booked_without_consent(sip, gbg_caseworker, audit):
    """R-SIP-2: not only recording a meeting as held, booking one needs a valid consent."""
    with pytest.raises(RuleViolation) as raised:
        services.meeting_schedule(user=gbg_caseworker, sip=sip, meeting=_meeting())

    assert raised.value.rule == "R-SIP-2"
    assert not SipMeeting.objects.exists()
    assert audit.new() == []


def test_a_meeting_is_booked_with_a_valid_consent(sip, consents, gbg_caseworker):
    meeting = services.meeting_schedule(user=gbg_caseworker, sip=sip, meeting=_meeting())
    assert meeting.pk is not None


def test_a_meeting_cannot_be_booked_for_a_day_the_consent_no_longer_covers(
    sip, consents, gbg_caseworker
):
    """R-SIP-2: a consent revoked from next week does not cover a meeting after that."""
    services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[1],
        revoked_on=TODAY,
        revoked_by_name="Per Göransson",
        effective_from=TODAY + timedelta(days=7),
    )
    services.meeting_schedule(
        user=gbg_caseworker, sip=sip, meeting=_meeting(scheduled_on=TODAY + timedelta(days=6))
    )
    with pytest.raises(RuleViolation) as raised:
        services.meeting_schedule(
            user=gbg_caseworker, sip=sip, meeting=_meeting(scheduled_on=TODAY + timedelta(days=7))
        )
    assert raised.value.rule == "R-SIP-2"
    # The consent is valid today: the message is about the meeting's day, next to its field
    # (an exploratory review found "cannot be booked without valid consent" on the page that
    # showed a green "valid consent").
    assert raised.value.field == "scheduled_on"
    assert raised.value.message == (
        "The consent does not cover the day of the meeting: choose a day it covers."
    )


# --- R-SIP-2: the pages ----------------------------------------------------------------------------


def test_the_sip_page_offers_no_invitation_or_booking_without_consent(
    client_for, sip, gbg_caseworker
):
    """R-SIP-2: the SIP page says why instead of offering the two forms."""
    page = client_for(gbg_caseworker).get(reverse("sip:sip_detail", args=[sip.pk]))
    content = page.content.decode()

    assert reverse("sip:invitation_create", args=[sip.pk]) not in content
    assert reverse("sip:meeting_create", args=[sip.pk]) not in content
    assert "Inget giltigt samtycke: inbjudningar kan inte skickas" in content


def test_the_sip_page_offers_both_forms_with_consent(client_for, sip, consents, gbg_caseworker):
    content = (
        client_for(gbg_caseworker).get(reverse("sip:sip_detail", args=[sip.pk])).content.decode()
    )
    assert reverse("sip:invitation_create", args=[sip.pk]) in content
    assert reverse("sip:meeting_create", args=[sip.pk]) in content


@pytest.mark.parametrize("page", ["sip:invitation_create", "sip:meeting_create"])
def test_the_form_pages_explain_instead_of_showing_a_form_without_consent(
    client_for, sip, gbg_caseworker, page
):
    response = client_for(gbg_caseworker).get(reverse(page, args=[sip.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Det finns inget giltigt samtycke" in content
    assert 'name="invited_on"' not in content
    assert 'name="scheduled_on"' not in content


def test_booking_through_the_form_without_consent_is_refused_with_the_reason(
    client_for, sip, gbg_caseworker
):
    response = client_for(gbg_caseworker).post(
        reverse("sip:meeting_create", args=[sip.pk]),
        {"kind": "initial", "scheduled_on": "2026-05-20", "place": "Socialkontoret"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Ett SIP-möte kan inte bokas utan giltigt samtycke."
    ]
    assert not SipMeeting.objects.exists()


# --- R-SIP-4: primary care proposed when there is no care contact in the region ----------------


@pytest.fixture
def other_vardcentral(region):
    return UnitFactory(principal=region, name="Vårdcentralen Linné", kind=Unit.Kind.PRIMARY_CARE)


def _proposed(client, sip) -> list[int]:
    page = client.get(reverse("sip:invitation_create", args=[sip.pk]))
    return sorted(int(pk) for pk in page.context["form"]["units"].value() or [])


def test_without_a_care_contact_the_childs_own_vardcentral_is_preselected(
    client_for, sip, consents, placement, gbg_caseworker, primary_care, other_vardcentral
):
    """R-SIP-4 (002 §2.2.2): no ongoing care contact in the region, so primary care is the one
    invited: the vårdcentral that examined the child is proposed and ticked."""
    HealthExaminationFactory(placement=placement, unit=primary_care)

    assert _proposed(client_for(gbg_caseworker), sip) == [primary_care.pk]


def test_without_a_known_vardcentral_the_regions_vardcentrals_are_listed_but_not_ticked(
    client_for, sip, consents, gbg_caseworker, primary_care, other_vardcentral, bup
):
    """R-SIP-4: with no vårdcentral on record for the child, every vårdcentral of the region
    is proposed (never BUP or another kind of unit), and none is ticked: the caseworker picks
    the family's (ticking them all invited every vårdcentral of the region with one click)."""
    client = client_for(gbg_caseworker)
    page = client.get(reverse("sip:invitation_create", args=[sip.pk]))

    assert _proposed(client, sip) == []
    assert [u.pk for u in page.context["primary_care_units"]] == sorted(
        [primary_care.pk, other_vardcentral.pk],
        key=lambda pk: Unit.objects.get(pk=pk).name,
    )
    assert page.context["primary_care_ticked"] is False


def test_the_unit_that_runs_the_sip_is_not_offered_as_invitee(
    client_for, sip, consents, gbg_caseworker, gbg_social, bup
):
    page = client_for(gbg_caseworker).get(reverse("sip:invitation_create", args=[sip.pk]))

    offered = set(page.context["form"].fields["units"].queryset.values_list("pk", flat=True))
    assert bup.pk in offered and gbg_social.pk not in offered


def test_the_sip_page_stops_asking_for_primary_care_once_a_vardcentral_is_invited(
    client_for, sip, consents, gbg_caseworker, primary_care
):
    """R-SIP-4: the page's reminder goes once a vårdcentral is invited (not declined)."""
    client = client_for(gbg_caseworker)
    url = reverse("sip:sip_detail", args=[sip.pk])
    assert client.get(url).context["propose_primary_care"] is True

    _send(sip, gbg_caseworker, primary_care)

    assert client.get(url).context["propose_primary_care"] is False


def test_with_a_care_contact_in_the_region_nothing_is_preselected(
    client_for, sip, consents, placement, gbg_caseworker, primary_care, bup
):
    """R-SIP-4: a family with an ongoing care contact (here at BUP) gets no proposal."""
    Placement.objects.filter(pk=placement.pk).update(care_contact_unit=bup)

    client = client_for(gbg_caseworker)
    assert _proposed(client, sip) == []
    page = client.get(reverse("sip:invitation_create", args=[sip.pk]))
    assert page.context["propose_primary_care"] is False


def test_an_already_invited_vardcentral_is_not_ticked_again(
    client_for, sip, consents, placement, gbg_caseworker, primary_care
):
    HealthExaminationFactory(placement=placement, unit=primary_care)
    _send(sip, gbg_caseworker, primary_care)

    assert _proposed(client_for(gbg_caseworker), sip) == []


def test_the_proposed_vardcentral_is_invited_when_the_form_is_sent_as_proposed(
    client_for, sip, consents, placement, gbg_caseworker, primary_care
):
    """R-SIP-4: sending the page as it comes invites the child's vårdcentral."""
    HealthExaminationFactory(placement=placement, unit=primary_care)
    client = client_for(gbg_caseworker)

    response = client.post(
        reverse("sip:invitation_create", args=[sip.pk]),
        {"units": _proposed(client, sip), "invited_on": TODAY.isoformat()},
    )

    assert response.status_code == 302
    assert list(sip.invitations.values_list("unit", flat=True)) == [primary_care.pk]
