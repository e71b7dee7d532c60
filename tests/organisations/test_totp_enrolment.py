"""Self-service enrolment of the authenticator app (TOTP) for signing: a user without a
confirmed device gets a key (QR code and text), confirms it with their password and a current
code; a user with a confirmed device never sees a key again."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements.signing_views import SESSION_STEP_UP, SignForm, verify_token
from core.models import AuditAction, AuditEvent
from organisations.models import Principal, Role
from tests.factories import TEST_PASSWORD, member
from tests.organisations.conftest import key_forms

pytestmark = pytest.mark.django_db

URL = reverse("authenticator_enrol")
NOW = datetime(2026, 5, 20, 8, 0, 5, tzinfo=UTC)
WRONG_CODE = "Engångskoden är inte giltig. Försök med nästa kod."
WRONG_PASSWORD = "Lösenordet är inte rätt. Ange lösenordet som du loggar in med."
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
EXISTING_KEY = "6162636465666768696a6b6c6d6e6f7071727374"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def signatory(gbg_social):
    return member(gbg_social, Role.MANAGER, email="sara@gbg.example")


@pytest.fixture
def signed_in(client, signatory):
    client.force_login(signatory, backend=MODEL_BACKEND)
    return client


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def b32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def pending(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def enrolment_rows(user) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(user=user, details__second_factor__isnull=False).order_by("pk")
    )


def test_the_page_shows_a_new_key_as_qr_code_and_as_text(frozen, signed_in, signatory):
    response = signed_in.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    device = pending(signatory)
    secret = b32(device)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert 'src="data:image/svg+xml' in html
    assert 'alt="QR-kod med nyckeln till din autentiseringsapp"' in html
    assert 'for="id_password"' in html and 'for="id_token"' in html
    assert "<script" not in html.split("</main>")[0] and "style=" not in html
    assert device.name == "Autentiseringsapp"


def test_opening_the_page_again_within_the_hour_shows_the_same_key(frozen, signed_in, signatory):
    """An app that scanned the key keeps working when the page is reloaded or opened again."""
    signed_in.get(URL)
    first = pending(signatory)
    frozen.move_to(NOW + timedelta(minutes=29), tick=False)  # within the idle limit

    html = signed_in.get(URL).content.decode()

    assert pending(signatory).pk == first.pk
    assert b32(first)[:4] + " " + b32(first)[4:8] in html
    signed_in.post(URL, {"password": TEST_PASSWORD, "token": code_for(first)})
    assert TOTPDevice.objects.get(pk=first.pk).confirmed is True


def test_after_the_hour_the_page_gives_a_new_key(frozen, signed_in, signatory):
    signed_in.get(URL)
    first = pending(signatory)
    for minutes in (25, 50):  # the user stays active (the idle limit is 30 minutes)
        frozen.move_to(NOW + timedelta(minutes=minutes), tick=False)
        assert signed_in.get(reverse("start")).status_code == 200
    frozen.move_to(NOW + timedelta(hours=1, seconds=1), tick=False)

    assert signed_in.get(URL).status_code == 200

    second = pending(signatory)
    assert second.pk != first.pk and second.key != first.key
    assert not TOTPDevice.objects.filter(pk=first.pk).exists()


def test_another_session_gets_a_new_key(frozen, client, signed_in, signatory):
    """A key shown in one session (another computer) is never shown in another."""
    signed_in.get(URL)
    first = pending(signatory)
    other = type(client)()
    other.force_login(signatory, backend=MODEL_BACKEND)

    other.get(URL)

    assert pending(signatory).pk != first.pk


def test_the_user_may_ask_for_a_new_key(frozen, signed_in, signatory):
    signed_in.get(URL)
    first = pending(signatory)

    response = signed_in.post(URL, {"new_key": "1"})

    assert response.status_code == 302 and response["Location"] == URL
    second = pending(signatory)
    assert second.pk != first.pk
    assert b32(second)[:4] in signed_in.get(URL).content.decode()
    assert pending(signatory).pk == second.pk


def test_confirming_with_password_and_code_registers_the_device(frozen, signed_in, signatory):
    signed_in.get(URL)
    device = pending(signatory)

    response = signed_in.post(URL, {"password": TEST_PASSWORD, "token": code_for(device)})

    assert response.status_code == 302 and response["Location"] == URL
    device.refresh_from_db()
    assert device.confirmed is True
    page = signed_in.get(URL).content.decode()
    assert "Din autentiseringsapp är registrerad." in page
    assert "Autentiseringsapp" in page
    assert all(form not in page for form in key_forms(device.key))


def test_a_confirmed_device_then_serves_signing(frozen, signed_in, signatory):
    signed_in.get(URL)
    device = pending(signatory)
    signed_in.post(URL, {"password": TEST_PASSWORD, "token": code_for(device)})
    frozen.move_to(NOW + timedelta(seconds=30), tick=False)

    step_up = signed_in.post(reverse("agreements:step_up"), {"token": code_for(device)})

    assert step_up.status_code == 302
    assert SESSION_STEP_UP in signed_in.session
    frozen.move_to(NOW + timedelta(seconds=60), tick=False)
    assert verify_token(signatory, code_for(device)) is True


def test_the_confirmation_follows_next_back_to_the_signing_page(frozen, signed_in, signatory):
    signed_in.get(URL + "?next=/overenskommelser/1/signera/")
    device = pending(signatory)

    response = signed_in.post(
        URL + "?next=/overenskommelser/1/signera/",
        {"password": TEST_PASSWORD, "token": code_for(device)},
    )

    assert response["Location"] == "/overenskommelser/1/signera/"


def test_next_outside_the_site_is_not_followed(frozen, signed_in, signatory):
    signed_in.get(URL)
    device = pending(signatory)

    response = signed_in.post(
        URL + "?next=https://evil.example/",
        {"password": TEST_PASSWORD, "token": code_for(device)},
    )

    assert response["Location"] == URL


def test_a_wrong_code_is_refused_in_swedish_and_the_device_stays_unconfirmed(
    frozen, signed_in, signatory
):
    signed_in.get(URL)
    device = pending(signatory)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = signed_in.post(URL, {"password": TEST_PASSWORD, "token": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors == {"token": [WRONG_CODE]}
    assert WRONG_CODE in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert verify_token(signatory, code_for(device)) is False
    # The same key is shown again, so the user can try the next code.
    assert b32(device)[:4] in response.content.decode()


def test_a_wrong_password_is_refused_in_swedish_and_the_device_stays_unconfirmed(
    frozen, signed_in, signatory
):
    signed_in.get(URL)
    device = pending(signatory)

    response = signed_in.post(URL, {"password": "fel-losenord", "token": code_for(device)})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password": [WRONG_PASSWORD]}
    assert WRONG_PASSWORD in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    refused = enrolment_rows(signatory)[-1]
    assert refused.action == AuditAction.DENIED
    assert refused.details["reason"] == "password"


def test_empty_fields_are_refused_in_swedish(frozen, signed_in, signatory):
    signed_in.get(URL)

    response = signed_in.post(URL, {"password": "", "token": ""})

    assert response.context["form"].errors == {
        "password": ["Detta fält måste fyllas i."],
        "token": ["Detta fält måste fyllas i."],
    }
    assert pending(signatory).confirmed is False


def test_with_a_confirmed_device_the_page_never_shows_a_key(frozen, signed_in, signatory):
    device = TOTPDevice.objects.create(
        user=signatory, name="Telefon", key=EXISTING_KEY, confirmed=True
    )

    response = signed_in.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert all(form not in html for form in key_forms(EXISTING_KEY))
    assert "data:image/svg+xml" not in html and 'name="token"' not in html
    assert "Telefon" in html and "administratör hos din huvudman" in html
    assert list(TOTPDevice.objects.filter(user=signatory)) == [device]


def test_with_a_confirmed_device_no_second_device_can_be_confirmed(frozen, signed_in, signatory):
    signed_in.get(URL)
    stale = pending(signatory)
    TOTPDevice.objects.create(user=signatory, name="Telefon", key=EXISTING_KEY, confirmed=True)

    response = signed_in.post(URL, {"password": TEST_PASSWORD, "token": code_for(stale)})

    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.confirmed is False
    assert TOTPDevice.objects.filter(user=signatory, confirmed=True).count() == 1


def test_another_users_device_is_never_shown_or_confirmed(
    frozen, client, signatory, gbg_caseworker
):
    client.force_login(gbg_caseworker, backend=MODEL_BACKEND)
    client.get(URL)
    theirs = pending(gbg_caseworker)
    TOTPDevice.objects.create(user=gbg_caseworker, name="Hannas telefon", confirmed=True)
    client.force_login(signatory, backend=MODEL_BACKEND)

    html = client.get(URL).content.decode()
    mine = pending(signatory)
    client.post(URL, {"password": TEST_PASSWORD, "token": code_for(theirs)})

    assert all(form not in html for form in key_forms(theirs.key))
    assert "Hannas telefon" not in html
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.confirmed is False and mine.confirmed is False


def test_a_post_without_a_started_enrolment_gives_a_new_key(frozen, signed_in, signatory):
    response = signed_in.post(URL, {"password": TEST_PASSWORD, "token": "123456"})

    assert response.status_code == 302 and response["Location"] == URL
    assert not TOTPDevice.objects.filter(user=signatory).exists()


def test_enrolment_started_and_confirmed_are_audited_without_the_key(frozen, signed_in, signatory):
    signed_in.get(URL)
    device = pending(signatory)
    signed_in.post(URL, {"password": TEST_PASSWORD, "token": code_for(device)})

    started, confirmed = enrolment_rows(signatory)

    assert (started.action, started.details["second_factor"]) == (
        AuditAction.CREATE,
        "enrolment_started",
    )
    assert (confirmed.action, confirmed.details["second_factor"]) == (
        AuditAction.UPDATE,
        "enrolment_confirmed",
    )
    assert confirmed.details["device"] == {
        "id": device.pk,
        "name": "Autentiseringsapp",
        "confirmed": True,
    }
    logged = str([started.details, confirmed.details])
    assert all(form not in logged for form in key_forms(device.key))


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not TOTPDevice.objects.exists()


def test_the_account_page_linked_from_the_header_links_here(frozen, signed_in):
    """The header links to the account page (the user's name), which links here."""
    start = signed_in.get(reverse("start")).content.decode()
    account = signed_in.get(reverse("account")).content.decode()

    assert f'href="{reverse("account")}"' in start
    assert f'href="{URL}"' in account


def test_the_signing_page_without_a_device_links_here_and_back(rf, signatory):
    request = rf.get("/versioner/7/signera/")
    request.user = signatory
    context = {
        "form": SignForm(principals=Principal.objects.none()),
        "version": SimpleNamespace(pk=7),
        "agreement": SimpleNamespace(pk=3),
        "has_device": False,
    }

    html = render_to_string("agreements/sign.html", context, request=request)

    assert f'href="{URL}?next=/versioner/7/signera/"' in html
    assert "Registrera din autentiseringsapp" in html


def test_the_pages_make_a_bounded_number_of_queries(
    frozen, signed_in, signatory, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        signed_in.get(URL)
    device = pending(signatory)
    with django_assert_max_num_queries(16):
        signed_in.post(URL, {"password": TEST_PASSWORD, "token": code_for(device)})
    with django_assert_max_num_queries(8):
        signed_in.get(URL)


def test_too_many_wrong_passwords_end_the_session(frozen, signed_in, signatory, settings):
    settings.AXES_FAILURE_LIMIT = 3
    signed_in.get(URL)
    device = pending(signatory)
    for _ in range(2):
        assert signed_in.post(URL, {"password": "gissning", "token": "1"}).status_code == 200

    response = signed_in.post(URL, {"password": "gissning", "token": code_for(device)})

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in signed_in.session
    device.refresh_from_db()
    assert device.confirmed is False
