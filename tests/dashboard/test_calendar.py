"""The personal calendar feed (issue 7): reached by a secret token only, it parses as iCalendar,
its events carry the kind and the child's initials and nothing more (no initials for a protected
identity), and renewing the token kills the old address at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from dashboard.models import CalendarToken, Deadline
from tests.dashboard.conftest import TODAY, at
from tests.placements.factories import ChildFactory, personnummer
from tests.sip.factories import SipFactory

pytestmark = pytest.mark.django_db

RENEW = reverse("dashboard:calendar_renew")


def feed_url(token: str) -> str:
    return reverse("dashboard:calendar_feed", args=[token])


def events_of(response) -> list:
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def protected(goteborg, gbg_social):
    return ChildFactory(
        first_name="Ella",
        last_name="Gustafsson",
        birth_date=date(2013, 12, 1),
        identity_number=personnummer(date(2013, 12, 1), 789),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
        protected_identity=True,
    )


@pytest.fixture
def sips(child, protected, gbg_caseworker):
    """A SIP for each child, noticed 1 May: the first meeting is due 22 May."""
    return {
        c.pk: SipFactory(child=c, created_by=gbg_caseworker, need_noticed_on=date(2026, 5, 1))
        for c in (child, protected)
    }


@pytest.fixture
def token(gbg_caseworker) -> str:
    return CalendarToken.objects.create(user=gbg_caseworker).token


def test_the_feed_parses_and_has_one_event_per_open_deadline(
    client, token, sips, child, bulk_deadlines
):
    met = bulk_deadlines(1, child=child, due_on=TODAY, met_on=TODAY)[0]

    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = events_of(response)
    keys = {f"sip:{sip.pk}:first" for sip in sips.values()}
    assert {str(e["UID"]) for e in events} == {f"deadline-{k}@placeringar" for k in keys}
    assert f"deadline-{met.key}@placeringar" not in response.content.decode()
    for event in events:
        assert event.decoded("DTSTART") == date(2026, 5, 22)
        assert str(event["URL"]).startswith(settings.SITE_URL + "/")


def test_event_titles_carry_the_kind_and_initials_only(client, token, sips, child, protected):
    response = client.get(feed_url(token))

    by_url = {str(e["URL"]): str(e["SUMMARY"]) for e in events_of(response)}
    open_title = by_url[settings.SITE_URL + reverse("sip:sip_detail", args=[sips[child.pk].pk])]
    protected_title = by_url[
        settings.SITE_URL + reverse("sip:sip_detail", args=[sips[protected.pk].pk])
    ]
    kind_label = str(Deadline(kind="sip_first_meeting").get_kind_display())
    assert open_title == f"{kind_label} (AG)"
    assert protected_title == kind_label
    text = response.content.decode()
    for c in (child, protected):
        for secret in (c.first_name, c.last_name, c.identity_number, c.identity_number[2:]):
            assert secret not in text


def test_the_feed_needs_no_sign_in_but_an_unknown_token_is_not_found(client, token):
    assert client.get(feed_url(token)).status_code == 200
    assert client.get(feed_url("no-such-token")).status_code == 404


def test_an_inactive_owners_feed_is_not_found(client, token, gbg_caseworker):
    gbg_caseworker.is_active = False
    gbg_caseworker.save()

    assert client.get(feed_url(token)).status_code == 404


def test_creating_the_address_gives_a_working_feed_shown_on_my_deadlines(
    client_for, gbg_caseworker, sips
):
    client = client_for(gbg_caseworker)

    response = client.post(RENEW)

    assert response.status_code == 302
    token = CalendarToken.objects.get(user=gbg_caseworker).token
    assert feed_url(token) in client.get(reverse("dashboard:my_deadlines")).content.decode()
    client.logout()
    assert len(events_of(client.get(feed_url(token)))) == 2


def test_renewing_the_token_kills_the_old_address(client_for, client, gbg_caseworker, token, sips):
    assert client.get(feed_url(token)).status_code == 200

    client_for(gbg_caseworker).post(RENEW)
    client.logout()

    new = CalendarToken.objects.get(user=gbg_caseworker).token
    assert new != token
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_renewing_requires_a_post(client_for, gbg_caseworker, token):
    response = client_for(gbg_caseworker).get(RENEW)

    assert response.status_code == 405
    assert CalendarToken.objects.get(user=gbg_caseworker).token == token


def test_the_feed_holds_only_the_owners_deadlines(
    client, token, sips, mdl_caseworker, molndal, mdl_social
):
    other = ChildFactory(home_municipality=molndal, responsible_unit=mdl_social)
    theirs = SipFactory(child=other, created_by=mdl_caseworker, need_noticed_on=TODAY)

    response = client.get(feed_url(token))

    assert reverse("sip:sip_detail", args=[theirs.pk]) not in response.content.decode()
    assert len(events_of(response)) == 2


def test_the_feed_follows_the_frozen_day(client, token, child, gbg_caseworker, time_machine):
    """An overdue deadline stays in the feed; once met it leaves it."""
    sip = SipFactory(child=child, created_by=gbg_caseworker, need_noticed_on=date(2026, 4, 1))
    time_machine.move_to(at(date(2026, 6, 1)), tick=False)
    assert len(events_of(client.get(feed_url(token)))) == 1

    Deadline.objects.filter(key=f"sip:{sip.pk}:first").update(met_on=date(2026, 5, 20))

    assert events_of(client.get(feed_url(token))) == []
