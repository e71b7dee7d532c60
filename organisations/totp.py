"""Self-service enrolment of the second factor for signing (a TOTP authenticator app).

A signed-in user without a confirmed device starts an enrolment (a new unconfirmed
``TOTPDevice``, replacing any earlier unconfirmed one) and confirms it with their password and a
current code. A user with a confirmed device cannot enrol another or read its key again: an
administrator of their principal resets it (``organisations.services.second_factor_reset``).
Audit rows name the user and the device, never the key."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.models import AuditAction

from .models import User

# --- selectors ---------------------------------------------------------------------------------


def confirmed_device_for(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app (the first, should there be several)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device_for(user: Any) -> TOTPDevice | None:
    """The enrolment the user has started and not yet confirmed (the latest)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


# How long a key shown but not yet confirmed is shown again in the same session: long enough to
# reload the page or look something up after scanning the code, short enough that a key left
# on a screen is not valid for days.
PENDING_KEY_LIFETIME = timedelta(hours=1)


def resumable_device_for(user: Any, device_id: Any, *, now: datetime) -> TOTPDevice | None:
    """The unconfirmed device whose key this session was shown (``device_id``), if it is still
    the user's pending one and was created within ``PENDING_KEY_LIFETIME``: opening the page
    again then shows the same key, so an app that scanned it keeps working."""
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(
        pk=device_id,
        user=user,
        confirmed=False,
        created_at__gt=now - PENDING_KEY_LIFETIME,
    ).first()


def readable_key(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps take it when typed, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as a QR code: an SVG ``data:`` URL for an ``<img>`` (the
    Content-Security-Policy allows ``img-src data:``, not inline style or script)."""
    return segno.make(device.config_url, error="m", micro=False).svg_data_uri(
        scale=5, border=4, dark="#000", light="#fff"
    )


def _device_details(device: TOTPDevice) -> dict[str, Any]:
    return {"id": device.pk, "name": device.name, "confirmed": device.confirmed}


# --- services ----------------------------------------------------------------------------------


@transaction.atomic
def second_factor_enrolment_start(*, user: User, request: HttpRequest | None = None) -> TOTPDevice:
    """A new unconfirmed device with a fresh random key, replacing any unconfirmed one. Refused
    (ValueError) for a user who has a confirmed device."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValueError("The user already has a confirmed device.")
    replaced = list(
        TOTPDevice.objects.filter(user=user, confirmed=False).values_list("pk", flat=True)
    )
    if replaced:
        TOTPDevice.objects.filter(pk__in=replaced).delete()
    device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=user,
        request=request,
        details={
            "second_factor": "enrolment_started",
            "device": _device_details(device),
            "replaced_device_ids": replaced,
        },
    )
    return device


@transaction.atomic
def second_factor_enrolment_confirm(
    *, user: User, device: TOTPDevice, token: str, request: HttpRequest | None = None
) -> bool:
    """Confirm the user's unconfirmed device with a current code (the password is checked by
    the form before). False, and the device stays unconfirmed, for a wrong code, a device that
    is not the user's pending one, or a user who meanwhile has a confirmed device."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    locked = (
        TOTPDevice.objects.select_for_update()
        .filter(pk=device.pk, user=user, confirmed=False)
        .first()
    )
    if locked is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    if not locked.verify_token(token.strip().replace(" ", "")):
        return False
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=user,
        request=request,
        details={"second_factor": "enrolment_confirmed", "device": _device_details(locked)},
    )
    return True


def second_factor_enrolment_refused(
    *, user: User, device: TOTPDevice, reason: str, request: HttpRequest | None = None
) -> None:
    """An audit row for a refused confirmation (wrong password or code): a wrong password on
    this page may be a hijacked session trying to enrol its own device."""
    audit_record(
        action=AuditAction.DENIED,
        user=user,
        obj=user,
        request=request,
        details={
            "second_factor": "enrolment_refused",
            "reason": reason,
            "device": _device_details(device),
        },
    )
