"""The account page where a signed-in user registers their authenticator app (TOTP) for
signing: the key as a QR code and as text, confirmed with the password and a current code.
With a confirmed device the page only says which one and how to get it reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.redirects import REDIRECT_FIELD_NAME, is_safe_next_url, redirect_to_next

from . import totp
from .forms import AuthenticatorConfirmForm
from .models import User


def _signed_in_user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware keeps the anonymous out)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


ENROL_TEMPLATE = "registration/totp_enrol.html"
REGISTERED_TEMPLATE = "registration/totp_registered.html"
# Wrong passwords on the confirm step in this session; at AXES_FAILURE_LIMIT the session ends.
SESSION_PASSWORD_FAILURES = "_totp_enrol_password_failures"
# The unconfirmed device whose key this session was shown (shown again within the hour).
SESSION_PENDING_DEVICE = "_totp_enrol_pending_device"


class AuthenticatorEnrolView(View):
    """GET: with a confirmed device, its name and date; otherwise the key this session was
    shown within the hour, or a new key (an unconfirmed device replacing any earlier one).
    POST: confirm the pending device, or (``new_key``) replace it with a new key."""

    def _next(self, request: HttpRequest) -> str:
        """Where the user came from (the signing page), if it is a path on this site."""
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        return target if is_safe_next_url(request, target) else ""

    def _enrol_page(
        self, request: HttpRequest, device: TOTPDevice, form: AuthenticatorConfirmForm
    ) -> HttpResponse:
        return render(
            request,
            ENROL_TEMPLATE,
            {
                "form": form,
                "device": device,
                "secret": totp.readable_key(device),
                "qr_code": totp.qr_data_uri(device),
                "next": self._next(request),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _signed_in_user(request)
        device = totp.confirmed_device_for(user)
        if device is not None:
            return render(
                request,
                REGISTERED_TEMPLATE,
                {"device": device, "next": self._next(request)},
            )
        device = totp.resumable_device_for(
            user, request.session.get(SESSION_PENDING_DEVICE), now=timezone.now()
        )
        if device is None:
            device = self._start(request, user)
        return self._enrol_page(request, device, AuthenticatorConfirmForm(user=user))

    def _start(self, request: HttpRequest, user: User) -> TOTPDevice:
        device = totp.second_factor_enrolment_start(user=user, request=request)
        request.session[SESSION_PENDING_DEVICE] = device.pk
        return device

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _signed_in_user(request)
        if totp.confirmed_device_for(user) is not None:
            return redirect(request.get_full_path())
        if "new_key" in request.POST:
            # The user asks for another key (the app lost it, or it was seen by someone).
            self._start(request, user)
            return redirect(request.get_full_path())
        device = totp.pending_device_for(user)
        if device is None:
            messages.warning(
                request, _("The registration was no longer open. Here is a new key to add.")
            )
            return redirect(request.get_full_path())
        form = AuthenticatorConfirmForm(request.POST, user=user)
        if not form.is_valid():
            if form.has_error("password", "password_incorrect"):
                totp.second_factor_enrolment_refused(
                    user=user, device=device, reason="password", request=request
                )
                failures = request.session.get(SESSION_PASSWORD_FAILURES, 0) + 1
                request.session[SESSION_PASSWORD_FAILURES] = failures
                if failures >= settings.AXES_FAILURE_LIMIT:
                    # Guessing the password in a session left open: end the session.
                    logout(request)
                    messages.error(
                        request,
                        _("The password was wrong too many times. Sign in again to continue."),
                    )
                    return redirect(settings.LOGIN_URL)
            return self._enrol_page(request, device, form)
        if not totp.second_factor_enrolment_confirm(
            user=user, device=device, token=form.cleaned_data["token"], request=request
        ):
            totp.second_factor_enrolment_refused(
                user=user, device=device, reason="code", request=request
            )
            form.add_error("token", _("The one-time code is not valid. Try the next code."))
            return self._enrol_page(request, device, form)
        request.session.pop(SESSION_PASSWORD_FAILURES, None)
        request.session.pop(SESSION_PENDING_DEVICE, None)
        messages.success(
            request,
            _("Your authenticator app is registered. Use its codes when you sign."),
        )
        return redirect_to_next(request, "authenticator_enrol")
