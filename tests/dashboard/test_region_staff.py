"""Region staff see their deadlines too (issue 7: "Caseworkers and region staff see 'my
deadlines'"): the region unit named to offer a health examination (R-PLAC-4) and the units
invited to a SIP (R-SIP-1, R-SIP-6) get those deadlines on their start page, in their
reminders and on their managers' dashboard; nobody else does, and a consent revocation
takes the SIP's deadlines away with the SIP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from dashboard.reminders import send_reminders
from dashboard.selectors import deadlines_for, my_deadlines
from organisations.models import Membership, Role, Unit
from sip import services as sip_services
from sip.models import Consent, Invitation
from tests.dashboard.conftest import TODAY
from tests.factories import UnitFactory, member
from tests.placements.factories import HealthExaminationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dental(region):
    return UnitFactory(principal=region, name="Folktandvården Majorna", kind=Unit.Kind.DENTAL_CARE)


@pytest.fixture
def dentist(dental):
    return member(dental, Role.CLINICIAN, email="tandlakare@vgr.example")


@pytest.fixture
def dental_manager(dental):
    return member(dental, Role.MANAGER, email="chef.ftv@vgr.example")


@pytest.fixture
def oral_exam(make_placement, dental):
    """An oral examination initiated on 1 May: to be offered by 29 May (4 weeks)."""
    placement = make_placement(status="active", actual_start=date(2026, 4, 20))
    return HealthExaminationFactory(
        placement=placement, kind="oral", initiated_on=date(2026, 5, 1), unit=dental
    )


def _kinds(rows) -> list[str]:
    return sorted(d.kind for d in rows)


def test_the_examining_region_unit_sees_the_health_examination_deadline(
    oral_exam, dentist, gbg_caseworker, mdl_caseworker
):
    mine = my_deadlines(dentist, today=TODAY)

    assert [(d.kind, d.due_on) for d in mine] == [("health_exam_offer", date(2026, 5, 29))]
    assert "health_exam_offer" in _kinds(my_deadlines(gbg_caseworker, today=TODAY))
    assert my_deadlines(mdl_caseworker, today=TODAY) == []


def test_the_examining_unit_can_open_the_deadlines_link(client_for, oral_exam, dentist):
    """The deadline links to the placement: no dead link for the region unit."""
    [deadline] = my_deadlines(dentist, today=TODAY)

    assert client_for(dentist).get(deadline.url).status_code == 200


def test_the_examining_units_manager_counts_it_on_the_dashboard(
    oral_exam, dental_manager, mdl_manager
):
    theirs = deadlines_for(dental_manager, today=TODAY, managed_only=True)
    others = deadlines_for(mdl_manager, today=TODAY, managed_only=True)

    assert _kinds(theirs) == ["health_exam_offer"]
    assert others.count() == 0


def test_the_examining_unit_gets_the_reminder(oral_exam, dentist):
    sent = send_reminders(today=date(2026, 5, 28))  # due tomorrow

    assert sent >= 1
    assert any(m.to == [dentist.email] for m in mail.outbox)


@pytest.fixture
def invited_sip(make_sip, gbg_caseworker, gbg_social, bup):
    sip = make_sip(initiating_unit=gbg_social, need_noticed_on=date(2026, 5, 4))
    # R-SIP-2: no invitation without a valid consent (the child has no guardian registered).
    sip_services.consent_record(
        user=gbg_caseworker,
        sip=sip,
        given_by_kind=Consent.GivenBy.YOUNG_PERSON,
        guardian=None,
        form=Consent.Form.WRITTEN,
        given_on=TODAY - timedelta(days=2),
        scope="BUP får ta del.",
        scope_units=[bup],
    )
    sip_services.invitation_create(
        user=gbg_caseworker, sip=sip, units=[bup], external_name="", invited_on=TODAY
    )
    return sip


def test_an_invited_unit_sees_the_sips_first_meeting_deadline(invited_sip, bup_clinician):
    mine = my_deadlines(bup_clinician, today=TODAY)

    assert [(d.kind, d.due_on) for d in mine] == [("sip_first_meeting", date(2026, 5, 25))]


def test_a_declined_invitation_takes_the_deadline_away(invited_sip, bup_clinician):
    invitation = invited_sip.invitations.get()
    sip_services.invitation_respond(
        user=bup_clinician,
        invitation=invitation,
        response=Invitation.Response.DECLINED,
        note="Inte vår patient.",
    )

    assert my_deadlines(bup_clinician, today=TODAY) == []


def test_a_revoked_consent_takes_the_sips_deadlines_away(
    invited_sip, bup_clinician, gbg_caseworker, bup, child
):
    consent = invited_sip.consents.get()
    assert my_deadlines(bup_clinician, today=TODAY)

    sip_services.consent_revoke(
        user=gbg_caseworker,
        consent=consent,
        revoked_on=TODAY,
        revoked_by_name="Alva",
        effective_from=TODAY,
    )

    assert my_deadlines(bup_clinician, today=TODAY) == []


def test_region_staff_see_their_deadlines_on_the_start_page(client_for, oral_exam, dentist):
    page = client_for(dentist).get(reverse("start")).content.decode()

    assert reverse("placements:placement_detail", args=[oral_exam.placement_id]) in page


def test_the_managed_deadlines_are_those_of_the_units_managed_when_the_user_works_in_others(
    goteborg, gbg_social, bulk_deadlines
):
    """``managed_only`` (the manager's dashboard): a manager of one unit who is a caseworker in
    another counts only the managed unit's deadlines; a manager of every unit they work in
    counts the whole scope (the filter is then left out of the query: the same rows)."""
    hisingen = UnitFactory(principal=goteborg, name="Socialtjänsten Hisingen")
    managed = bulk_deadlines(3, unit=gbg_social)
    other = bulk_deadlines(2, unit=hisingen)
    both = member(gbg_social, Role.MANAGER, email="chef.och.handlaggare@goteborg.example")
    Membership.objects.create(user=both, unit=hisingen, role=Role.CASEWORKER)
    only_manager = member(gbg_social, Role.MANAGER, email="bara.chef@goteborg.example")

    mixed = set(deadlines_for(both, today=TODAY, managed_only=True).values_list("pk", flat=True))
    assert mixed == {d.pk for d in managed}
    assert not mixed & {d.pk for d in other}
    pure = deadlines_for(only_manager, today=TODAY, managed_only=True)
    assert (
        set(pure.values_list("pk", flat=True))
        == set(deadlines_for(only_manager, today=TODAY).values_list("pk", flat=True))
        == {d.pk for d in managed}
    )
