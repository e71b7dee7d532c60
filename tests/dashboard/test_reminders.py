"""The daily reminder digest (issue 7): at most one e-mail per person a day, with what is due in
7 days, due tomorrow and overdue, the kinds the person switched off left out, and no personnummer
or child's name in it, only links."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from dashboard.models import ReminderLog, ReminderPreference
from dashboard.reminders import digest_for, send_reminders
from domain.deadlines import DeadlineKind
from tests.dashboard.conftest import TODAY
from tests.placements.factories import ChildFactory, HealthExaminationFactory, personnummer
from tests.sip.factories import SipFactory

pytestmark = pytest.mark.django_db

# Ten or twelve digits with or without the separator: any personnummer or samordningsnummer.
IDENTITY_NUMBER = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def link(row) -> str:
    return f"{settings.SITE_URL}{row.url}"


def the_mail() -> mail.EmailMessage:
    [message] = mail.outbox
    return message


@pytest.fixture
def buckets(bulk_deadlines):
    """The caseworker's open deadlines on TODAY, one per bucket and two in none of them."""
    return {
        name: bulk_deadlines(1, due_on=due_on, kind=kind)[0]
        for name, due_on, kind in [
            ("overdue", TODAY - timedelta(days=3), "sip_first_meeting"),
            ("today", TODAY, "power_of_attorney"),
            ("tomorrow", TODAY + timedelta(days=1), "health_exam_offer"),
            ("in_seven_days", TODAY + timedelta(days=7), "acute_settlement"),
            ("in_three_days", TODAY + timedelta(days=3), "care_contact"),
            ("in_eight_days", TODAY + timedelta(days=8), "sip_follow_up"),
        ]
    }


def test_the_digest_has_the_overdue_the_due_today_tomorrow_and_in_seven_days(
    gbg_caseworker, buckets
):
    digest = digest_for(gbg_caseworker, today=TODAY)

    assert {name: [d.pk for d in rows] for name, rows in digest.items()} == {
        "overdue": [buckets["overdue"].pk],
        "today": [buckets["today"].pk],
        "tomorrow": [buckets["tomorrow"].pk],
        "in_seven_days": [buckets["in_seven_days"].pk],
    }


def test_the_mail_links_each_deadline_of_the_digest_and_nothing_else(gbg_caseworker, buckets):
    sent = send_reminders(today=TODAY)

    assert sent == 1
    message = the_mail()
    assert message.to == [gbg_caseworker.email]
    for name in ("overdue", "today", "tomorrow", "in_seven_days"):
        assert link(buckets[name]) in message.body
    for name in ("in_three_days", "in_eight_days"):
        assert link(buckets[name]) not in message.body
    assert ReminderLog.objects.get(user=gbg_caseworker, sent_on=TODAY).items == 4


def test_met_deadlines_are_not_reminded(gbg_caseworker, bulk_deadlines):
    bulk_deadlines(1, due_on=TODAY + timedelta(days=1), met_on=TODAY)
    bulk_deadlines(1, due_on=TODAY - timedelta(days=2), met_on=TODAY)

    assert send_reminders(today=TODAY) == 0
    assert mail.outbox == []


def test_nothing_in_the_buckets_means_no_mail(gbg_caseworker, buckets):
    for name in ("overdue", "today", "tomorrow", "in_seven_days"):
        buckets[name].delete()

    assert send_reminders(today=TODAY) == 0
    assert mail.outbox == []


def test_at_most_one_digest_a_day(gbg_caseworker, buckets):
    assert send_reminders(today=TODAY) == 1

    assert send_reminders(today=TODAY) == 0
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.filter(user=gbg_caseworker).count() == 1


def test_the_next_day_brings_a_new_digest(gbg_caseworker, buckets):
    send_reminders(today=TODAY)

    assert send_reminders(today=TODAY + timedelta(days=1)) == 1
    assert len(mail.outbox) == 2
    # Tomorrow's "in seven days" is the one due in eight days today; the overdue one stays.
    body = mail.outbox[1].body
    assert link(buckets["in_eight_days"]) in body
    assert link(buckets["overdue"]) in body
    assert ReminderLog.objects.filter(user=gbg_caseworker).count() == 2


def test_a_kind_switched_off_is_left_out(gbg_caseworker, buckets):
    ReminderPreference.objects.create(
        user=gbg_caseworker, disabled_kinds=[DeadlineKind.SIP_FIRST_MEETING.value]
    )

    send_reminders(today=TODAY)

    body = the_mail().body
    assert link(buckets["overdue"]) not in body
    assert link(buckets["tomorrow"]) in body
    assert link(buckets["in_seven_days"]) in body


def test_every_kind_switched_off_means_no_mail(gbg_caseworker, buckets):
    ReminderPreference.objects.create(
        user=gbg_caseworker, disabled_kinds=[k.value for k in DeadlineKind]
    )

    assert send_reminders(today=TODAY) == 0
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_each_person_gets_their_own_digest(
    gbg_caseworker, mdl_caseworker, gbg_manager, bulk_deadlines, mdl_social
):
    mine = bulk_deadlines(1, due_on=TODAY + timedelta(days=1))[0]
    theirs = bulk_deadlines(1, due_on=TODAY + timedelta(days=1), unit=mdl_social)[0]
    theirs.responsible = mdl_caseworker
    theirs.save()

    assert send_reminders(today=TODAY) == 2

    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert set(bodies) == {gbg_caseworker.email, mdl_caseworker.email}
    assert link(mine) in bodies[gbg_caseworker.email]
    assert link(theirs) not in bodies[gbg_caseworker.email]
    assert link(theirs) in bodies[mdl_caseworker.email]


def test_one_refused_address_does_not_stop_the_others_and_is_tried_again(
    gbg_caseworker, mdl_caseworker, bulk_deadlines, mdl_social, monkeypatch
):
    from dashboard import reminders

    bulk_deadlines(1, due_on=TODAY + timedelta(days=1))
    theirs = bulk_deadlines(1, due_on=TODAY + timedelta(days=1), unit=mdl_social)[0]
    theirs.responsible = mdl_caseworker
    theirs.save()
    real_send_mail = reminders.send_mail

    def refusing(subject, body, sender, recipients, **kwargs):
        if recipients == [gbg_caseworker.email]:
            raise ConnectionRefusedError("550 mailbox unavailable")
        return real_send_mail(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr(reminders, "send_mail", refusing)
    assert send_reminders(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [[mdl_caseworker.email]]
    assert not ReminderLog.objects.filter(user=gbg_caseworker).exists()

    monkeypatch.setattr(reminders, "send_mail", real_send_mail)
    assert send_reminders(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [[mdl_caseworker.email], [gbg_caseworker.email]]


def test_an_unassigned_deadline_goes_to_the_units_members(
    gbg_caseworker, gbg_manager, bulk_deadlines
):
    row = bulk_deadlines(1, due_on=TODAY + timedelta(days=1), responsible=None)[0]

    assert send_reminders(today=TODAY) == 2
    assert {m.to[0] for m in mail.outbox} == {gbg_caseworker.email, gbg_manager.email}
    assert all(link(row) in m.body for m in mail.outbox)


def test_an_inactive_person_gets_no_mail(gbg_caseworker, buckets):
    gbg_caseworker.is_active = False
    gbg_caseworker.save()

    assert send_reminders(today=TODAY) == 0
    assert mail.outbox == []


def test_the_mail_has_no_personnummer_and_no_name_even_for_a_protected_identity(
    goteborg, gbg_social, gbg_caseworker, child, make_placement
):
    protected = ChildFactory(
        first_name="Ella",
        last_name="Gustafsson",
        birth_date=date(2013, 12, 1),
        identity_number=personnummer(date(2013, 12, 1), 789),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
        protected_identity=True,
    )
    for c in (child, protected):
        # Overdue on TODAY: the first SIP meeting (due 22 April) and the health examination.
        SipFactory(child=c, created_by=gbg_caseworker, need_noticed_on=date(2026, 4, 1))
        HealthExaminationFactory(placement=make_placement(child=c), initiated_on=date(2026, 4, 1))

    assert send_reminders(today=TODAY) == 1

    message = the_mail()
    text = f"{message.subject}\n{message.body}"
    assert text.count(settings.SITE_URL) >= 4
    assert not IDENTITY_NUMBER.search(text), IDENTITY_NUMBER.search(text)
    for c in (child, protected):
        number = c.identity_number
        for secret in (
            number,
            number[2:],
            f"{number[:8]}-{number[8:]}",
            f"{number[2:8]}-{number[8:]}",
            c.first_name,
            c.last_name,
            c.full_name,
        ):
            assert secret not in text


def test_the_command_sends_for_the_date_given(gbg_caseworker, bulk_deadlines):
    """Due 2 June: not in any bucket on the frozen 15 May, due tomorrow on 1 June."""
    row = bulk_deadlines(1, due_on=date(2026, 6, 2))[0]
    out = StringIO()

    call_command("send_reminders", "--date", "2026-05-15", stdout=out)
    assert mail.outbox == []
    assert out.getvalue().startswith("0")

    call_command("send_reminders", "--date", "2026-06-01", stdout=out)

    assert link(row) in the_mail().body
    assert ReminderLog.objects.get(user=gbg_caseworker).sent_on == date(2026, 6, 1)


def test_the_command_without_a_date_uses_today(gbg_caseworker, buckets):
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert out.getvalue().startswith("1")
    assert ReminderLog.objects.get(user=gbg_caseworker).sent_on == TODAY
