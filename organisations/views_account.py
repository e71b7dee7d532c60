"""The account page (/konto/): who the signed-in user is in the system — e-mail, units and
roles, financial mandates — and the account's security: the password and the authenticator
app for signing. The header links here from the user's name, so that its bar carries only the
name and "Sign out"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from . import totp
from .models import FinancialMandate, Membership
from .views_totp import _signed_in_user


class AccountView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = _signed_in_user(request)
        today = timezone.localdate()
        return render(
            request,
            "registration/account.html",
            {
                "account": user,
                "memberships": Membership.objects.filter(user=user).select_related(
                    "unit__principal"
                ),
                "mandates": FinancialMandate.objects.filter(user=user)
                .valid_on(today)
                .select_related("principal"),
                "authenticator": totp.confirmed_device_for(user),
            },
        )
