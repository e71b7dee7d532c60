"""Forms of the organisations admin: users (e-mail normalised, home principal), and the
admin's own sign-in form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User, normalise_email

# Sign-in ignores the case of the e-mail address; only the password is case-sensitive.
INVALID_LOGIN = _(
    "Please enter a correct e-mail address and password. Note that the password is case-sensitive."
)
INVALID_STAFF_LOGIN = _(
    "Please enter the correct e-mail address and password for an administrator account. "
    "Note that the password is case-sensitive."
)


class EmailNormalisingMixin:
    """The address as it will be stored: stripped and lowercased, so that the checks of
    length, format and uniqueness see the stored value."""

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data.get("email"))  # type: ignore[attr-defined]


class UserAddForm(EmailNormalisingMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "home_principal")
        field_classes: dict[str, Any] = {}


class UserEditForm(EmailNormalisingMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = (
            "email",
            "first_name",
            "last_name",
            "title",
            "phone",
            "is_active",
            "is_staff",
            "home_principal",
        )
        field_classes: dict[str, Any] = {}


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in: the e-mail field and a message that is true (the address is not
    case-sensitive) and grammatical in Swedish."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": INVALID_STAFF_LOGIN,
    }


class AuthenticatorConfirmForm(forms.Form):
    """Confirming a new authenticator app (organisations.views_totp): the password again (a
    session left open must not be enough to enrol a device) and a current one-time code."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label=_("One-time code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("The password is not correct. Enter the password you sign in with."),
                code="password_incorrect",
            )
        return password
