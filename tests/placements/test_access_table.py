"""The access table (``placements.access``, issue 13) gives every user exactly the children of
the rule it replaced (``access_reference``), on every day, after every kind of change.

Random worlds (seeded, so that a failure reproduces): units of a municipality and a region,
members in every role, children with placements, SIPs, invitations in every state, consent
revocations in force yesterday, today or later, health examinations and cost meetings. Then
random changes through the ORM, as the services make them (save, delete, the many-to-many
relations), and after each one: the table equals what the records grant, and every user sees
the same children as by the reference rule, to view and to change, today and in three days.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from agreements.models import CostMeeting, CostMeetingParticipant
from core.policy import CHANGE, VIEW
from organisations.models import Membership, Role, User
from placements import access
from placements.models import ChildAccess
from placements.policy import visible_children
from sip.models import ConsentRevocation, Invitation
from tests.factories import MunicipalityFactory, RegionFactory, RegionUnitFactory, UnitFactory
from tests.placements.access_reference import reference_child_ids
from tests.placements.factories import ChildFactory, HealthExaminationFactory, PlacementFactory
from tests.sip.factories import ConsentFactory, InvitationFactory, SipFactory, SipMeetingFactory

pytestmark = pytest.mark.django_db

SEEDS = range(10)
STEPS = 14
ROLES = (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN, Role.ADMINISTRATOR)


class World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        today = timezone.localdate()
        municipality = MunicipalityFactory()
        region = RegionFactory()
        self.social = [
            UnitFactory(principal=municipality, name=f"Socialtjänsten {i}") for i in range(3)
        ]
        self.region_units = [RegionUnitFactory(principal=region) for _ in range(2)]
        self.units = self.social + self.region_units
        self.users: list[User] = []
        for unit in self.units:
            for role in rng.sample(ROLES, 2):
                user = User.objects.create(email=f"{unit.pk}-{role}-{rng.random()}@test.example")
                Membership.objects.create(user=user, unit=unit, role=role)
                self.users.append(user)
        both = self.users[0]  # one user with a second unit
        Membership.objects.create(user=both, unit=self.region_units[0], role=Role.CLINICIAN)
        self.users.append(User.objects.create(email=f"nobody-{rng.random()}@test.example"))
        self.region = region
        self.placements, self.invitations, self.revocations = [], [], []
        self.exams, self.participants, self.children = [], [], []
        self.sips, self.meetings, self.consents = [], [], []
        for _ in range(6):
            child = ChildFactory(home_municipality=municipality, responsible_unit=self.any_social())
            self.children.append(child)
            placements = [
                PlacementFactory(child=child, placing_unit=self.any_social())
                for _ in range(rng.randint(0, 2))
            ]
            self.placements += placements
            if rng.random() < 0.7:
                self.add_sip(child, placements, today)
            for placement in placements:
                if rng.random() < 0.6:
                    self.exams.append(
                        HealthExaminationFactory(
                            placement=placement, unit=rng.choice([None, *self.region_units])
                        )
                    )

    def any_social(self):
        return self.rng.choice(self.social)

    def add_sip(self, child, placements, today) -> None:
        rng = self.rng
        sip = SipFactory(child=child, initiating_unit=rng.choice(self.units))
        self.sips.append(sip)
        for unit in rng.sample(self.units, rng.randint(0, 3)):
            self.invitations.append(
                InvitationFactory(
                    sip=sip, unit=unit, response=rng.choice(Invitation.Response.values)
                )
            )
        if rng.random() < 0.6:
            consent = ConsentFactory(sip=sip)
            self.consents.append(consent)
            revocation = ConsentRevocation.objects.create(
                consent=consent,
                revoked_on=today - timedelta(days=3),
                revoked_by_name="Vårdnadshavare",
                effective_from=today + timedelta(days=rng.randint(-2, 2)),
                recorded_by=self.users[0],
            )
            revocation.units.set(rng.sample(self.units, rng.randint(0, 2)))
            self.revocations.append(revocation)
        if placements and rng.random() < 0.6:
            meeting = CostMeeting.objects.create(
                placement=rng.choice(placements),
                sip_meeting=SipMeetingFactory(sip=sip),
                started_at=timezone.now(),
                created_by=self.users[0],
            )
            self.meetings.append(meeting)
            for user in rng.sample(self.users, 2):
                self.participants.append(
                    CostMeetingParticipant.objects.create(
                        meeting=meeting, user=user, principal=self.region
                    )
                )

    # -- changes, as the services make them -------------------------------------------------------

    def change(self) -> str:
        rng = self.rng
        options = [self.move_child, self.add_child_sip]
        if self.placements:
            options.append(self.move_placement)
        if self.invitations:
            options += [self.answer_invitation, self.invite_again]
        if self.revocations:
            options += [self.revocation_units, self.revocation_date]
        if self.exams:
            options.append(self.change_exam)
        if self.participants:
            options += [self.leave_meeting, self.remove_from_meeting, self.join_meeting]
        # Rows pointed at another child (no form does it today; the table must follow).
        options += [self.repoint_sip_part]
        if len(self.placements) > 1:
            options.append(self.repoint_placement_part)
        action = rng.choice(options)
        action()
        return action.__name__

    def repoint_placement_part(self) -> None:
        rng = self.rng
        target = rng.choice(self.placements)
        what = rng.choice(["placement", "exam", "meeting"])
        if what == "placement":
            placement = rng.choice(self.placements)
            placement.child = rng.choice(self.children)
            placement.save()
        elif what == "exam" and self.exams:
            exam = rng.choice(self.exams)
            if not target.health_examinations.filter(kind=exam.kind).exists():  # one per kind
                exam.placement = target
                exam.save()
        elif self.meetings:
            meeting = rng.choice(self.meetings)
            meeting.placement = target
            meeting.save()

    def repoint_sip_part(self) -> None:
        rng = self.rng
        target = rng.choice(self.sips)
        if rng.random() < 0.5 and self.invitations:
            invitation = rng.choice(self.invitations)
            invitation.sip = target
            invitation.save()
        elif self.consents:
            consent = rng.choice(self.consents)
            consent.sip = target
            consent.save()
        else:
            sip = target
            sip.child = rng.choice(self.children)
            sip.save()

    def move_child(self) -> None:
        child = self.rng.choice(self.children)
        child.responsible_unit = self.any_social()
        child.save()

    def add_child_sip(self) -> None:
        child = self.rng.choice(self.children)
        self.add_sip(
            child, [p for p in self.placements if p.child_id == child.pk], timezone.localdate()
        )

    def move_placement(self) -> None:
        placement = self.rng.choice(self.placements)
        placement.placing_unit = self.any_social()
        placement.save(update_fields=["placing_unit"])

    def answer_invitation(self) -> None:
        invitation = self.rng.choice(self.invitations)
        invitation.response = self.rng.choice(Invitation.Response.values)
        invitation.save(update_fields=["response"])

    def invite_again(self) -> None:
        invitation = self.rng.choice(self.invitations)
        if self.rng.random() < 0.5:
            invitation.delete()
            self.invitations.remove(invitation)
        else:
            invitation.unit = self.rng.choice(self.units)
            invitation.save()

    def revocation_units(self) -> None:
        revocation = self.rng.choice(self.revocations)
        unit = self.rng.choice(self.units)
        how = self.rng.choice(("add", "remove", "clear"))
        if how == "add":
            revocation.units.add(unit)
        elif how == "remove":
            revocation.units.remove(*revocation.units.all()[:1])
        else:
            revocation.units.clear()

    def revocation_date(self) -> None:
        revocation = self.rng.choice(self.revocations)
        revocation.effective_from = timezone.localdate() + timedelta(days=self.rng.randint(-2, 4))
        revocation.save(update_fields=["effective_from"])

    def change_exam(self) -> None:
        exam = self.rng.choice(self.exams)
        if self.rng.random() < 0.4:
            exam.delete()
            self.exams.remove(exam)
        else:
            exam.unit = self.rng.choice([None, *self.region_units])
            exam.save()

    def leave_meeting(self) -> None:
        participant = self.rng.choice(self.participants)
        participant.delete()
        self.participants.remove(participant)

    def join_meeting(self) -> None:
        """Through the many-to-many manager: rows written in bulk, no save of a participant."""
        meeting = self.rng.choice(self.participants).meeting
        user = self.rng.choice(self.users)
        if not CostMeetingParticipant.objects.filter(meeting=meeting, user=user).exists():
            meeting.participants.add(user, through_defaults={"principal": self.region})
            self.participants.append(CostMeetingParticipant.objects.get(meeting=meeting, user=user))

    def remove_from_meeting(self) -> None:
        """Through the many-to-many manager (no save or delete of a participant row)."""
        participant = self.rng.choice(self.participants)
        participant.meeting.participants.remove(participant.user)
        self.participants.remove(participant)


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def assert_same_as_reference(world: World, time_machine, step: str) -> None:
    assert access.differences() == (set(), set()), step
    today = timezone.localdate()
    for day in (today, today + timedelta(days=3)):
        time_machine.move_to(noon(day), tick=False)
        for user in world.users:
            for action in (VIEW, CHANGE):
                fresh = User.objects.get(pk=user.pk)  # no cached grants between days
                table = set(visible_children(fresh, action).values_list("pk", flat=True))
                assert table == reference_child_ids(fresh, action, today=day), (
                    f"{step}: {user.email} {action} on {day}"
                )
    time_machine.move_to(noon(today), tick=False)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_table_gives_every_user_the_children_of_the_rule_after_every_change(seed, time_machine):
    time_machine.move_to(noon(date(2026, 5, 15)), tick=False)
    world = World(random.Random(seed))
    assert ChildAccess.objects.exists()
    assert_same_as_reference(world, time_machine, "built")
    for number in range(STEPS):
        step = world.change()
        assert_same_as_reference(world, time_machine, f"step {number}: {step}")


def test_a_revocation_ends_the_invited_units_access_on_its_day(time_machine):
    """R-SIP-2 through the table: the invited unit sees the child until the day before the
    revocation takes effect, not from that day, though nothing is written in between."""
    time_machine.move_to(noon(date(2026, 5, 15)), tick=False)
    world = World(random.Random(99))
    child = ChildFactory(responsible_unit=world.social[0])  # no other relation
    bup = world.region_units[1]
    clinician = User.objects.create(email="bup-only@test.example")
    Membership.objects.create(user=clinician, unit=bup, role=Role.CLINICIAN)
    sip = SipFactory(child=child, initiating_unit=child.responsible_unit)
    InvitationFactory(sip=sip, unit=bup, response=Invitation.Response.ACCEPTED)
    revocation = ConsentRevocation.objects.create(
        consent=ConsentFactory(sip=sip),
        revoked_on=timezone.localdate(),
        revoked_by_name="Vårdnadshavare",
        effective_from=timezone.localdate() + timedelta(days=2),
        recorded_by=clinician,
    )
    revocation.units.set([bup])

    def sees() -> bool:
        return visible_children(User.objects.get(pk=clinician.pk)).filter(pk=child.pk).exists()

    assert sees()
    time_machine.move_to(timezone.make_aware(datetime(2026, 5, 16, 23, 59)), tick=False)
    assert sees()
    time_machine.move_to(timezone.make_aware(datetime(2026, 5, 17, 0, 1)), tick=False)
    assert not sees()


def test_rebuild_and_check_repair_a_table_written_past(capsys):
    """Bulk writes bypass the signals: ``check_child_access`` finds the difference and
    ``rebuild_child_access`` repairs it."""
    world = World(random.Random(7))
    child = world.children[0]
    stranger = world.region_units[0]
    with transaction.atomic():
        ChildAccess.objects.filter(child=child).delete()
        ChildAccess.objects.bulk_create(
            [ChildAccess(child=child, unit=stranger, source=ChildAccess.Source.PLACING)]
        )
    with pytest.raises(CommandError, match="differs from the records"):
        call_command("check_child_access")
    out = capsys.readouterr().out
    assert f"extra: child {child.pk} ← unit {stranger.pk} (placing)" in out
    assert f"missing: child {child.pk} ← unit {child.responsible_unit_id} (responsible)" in out

    call_command("rebuild_child_access")
    call_command("check_child_access")
    assert "matches the records" in capsys.readouterr().out
    assert access.differences() == (set(), set())


def test_deleting_a_child_takes_its_rows_without_refreshing_them():
    world = World(random.Random(3))
    child = ChildFactory(responsible_unit=world.social[0])
    assert ChildAccess.objects.filter(child=child).exists()
    child.delete()
    assert not ChildAccess.objects.filter(child_id=child.pk).exists()


def test_a_refresh_removes_a_second_copy_of_a_row():
    world = World(random.Random(5))
    child = world.children[0]
    row = ChildAccess.objects.filter(child=child).first()
    ChildAccess.objects.bulk_create(
        [ChildAccess(child=child, unit_id=row.unit_id, user_id=row.user_id, source=row.source)]
    )
    access.refresh([child.pk])
    same = ChildAccess.objects.filter(
        child=child, unit_id=row.unit_id, user_id=row.user_id, source=row.source
    )
    assert same.count() == 1
    assert access.differences() == (set(), set())
