"""Sessions: idle timeout 30 minutes, absolute limit 12 hours, a new session id at sign-in."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

pytestmark = pytest.mark.django_db

MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def _is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def _asks_for_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_session_limits_are_thirty_minutes_idle_and_twelve_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == timedelta(minutes=30)
    assert settings.SESSION_ABSOLUTE_TIMEOUT == timedelta(hours=12)


def test_request_after_twenty_nine_idle_minutes_keeps_the_session(client, gbg_caseworker, sign_in):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(minutes=29))

        response = client.get(reverse("start"))

        assert response.status_code == 200
        assert _is_signed_in(client)


def test_request_after_thirty_one_idle_minutes_signs_the_user_out(client, gbg_caseworker, sign_in):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(minutes=31))

        response = client.get(reverse("start"))

        assert _asks_for_sign_in(response)
        assert not _is_signed_in(client)


def test_signed_out_user_is_told_why_on_the_sign_in_page(client, gbg_caseworker, sign_in):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(minutes=31))

        response = client.get(reverse("start"), follow=True)

    shown = list(response.context["messages"])
    assert response.request["PATH_INFO"] == reverse("login")
    assert [m.level for m in shown] == [messages.INFO]


def test_activity_restarts_the_idle_clock(client, gbg_caseworker, sign_in):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(minutes=25))
        client.get(reverse("start"))
        traveller.shift(timedelta(minutes=25))

        response = client.get(reverse("start"))

    assert response.status_code == 200


def test_active_session_lives_until_just_before_twelve_hours(client, gbg_caseworker, sign_in):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        for _ in range(35):  # a request every 20 minutes: 11 h 40 min
            traveller.shift(timedelta(minutes=20))
            assert client.get(reverse("start")).status_code == 200
        traveller.shift(timedelta(minutes=19))  # 11 h 59 min

        response = client.get(reverse("start"))

    assert response.status_code == 200


def test_active_session_ends_after_twelve_hours_whatever_the_activity(
    client, gbg_caseworker, sign_in
):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        for _ in range(36):  # a request every 20 minutes: 12 h
            traveller.shift(timedelta(minutes=20))
            client.get(reverse("start"))
        traveller.shift(timedelta(minutes=1))  # 12 h 1 min, one minute since the last request

        response = client.get(reverse("start"))

        assert _asks_for_sign_in(response)
        assert not _is_signed_in(client)


def test_signing_in_again_after_timeout_starts_new_limits(client, gbg_caseworker, sign_in):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(hours=13))
        client.get(reverse("start"))
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(minutes=10))

        response = client.get(reverse("start"))

    assert response.status_code == 200


def test_signing_in_gives_a_new_session_id(client, gbg_caseworker, sign_in):
    session = client.session
    session["before_sign_in"] = True
    session.save()
    key_before = session.session_key

    response = sign_in(client, gbg_caseworker)

    key_after = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert response.status_code == 302
    assert key_after != key_before
    assert not store().exists(key_before)
    assert _is_signed_in(client)


def _session_writes(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]


def test_a_page_view_within_the_minute_writes_no_session(client, gbg_caseworker, sign_in):
    """Activity is recorded at most once per SESSION_ACTIVITY_RESOLUTION (a minute): a page
    view within it leaves the session row alone; the first after it records the activity."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert settings.SESSION_ACTIVITY_RESOLUTION == timedelta(seconds=60)
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(seconds=59))
        with CaptureQueriesContext(connection) as within:
            assert client.get(reverse("start")).status_code == 200
        traveller.shift(timedelta(seconds=1))
        with CaptureQueriesContext(connection) as after:
            assert client.get(reverse("start")).status_code == 200

    assert _session_writes(within.captured_queries) == []
    assert len(_session_writes(after.captured_queries)) == 1


def test_the_idle_limit_counts_from_the_activity_recorded(client, gbg_caseworker, sign_in):
    """Views within a minute of the recorded activity do not move it: 30 minutes and a second
    after it the user is signed out, although the last view was 29½ minutes before (signed
    out up to a minute early, never late)."""
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        sign_in(client, gbg_caseworker)
        traveller.shift(timedelta(seconds=30))
        assert client.get(reverse("start")).status_code == 200  # not recorded
        traveller.shift(timedelta(minutes=29, seconds=31))

        response = client.get(reverse("start"))

    assert _asks_for_sign_in(response)
