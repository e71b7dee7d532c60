"""Django admin, scoped: a principal's administrator sees and manages only its own units,
members and mandates. A superuser sees everything."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.forms import AmountField
from core.policy import administered_principal_ids

from . import services
from .models import FinancialMandate, Membership, Principal, Unit, User


class ScopedAdminMixin:
    """Permission and queryset scoping by the principals the user administers."""

    principal_path: str = "principal"

    def _principal_ids(self, request: HttpRequest) -> set[int] | None:
        return administered_principal_ids(request.user)

    def _is_admin(self, request: HttpRequest) -> bool:
        ids = self._principal_ids(request)
        return request.user.is_active and request.user.is_staff and (ids is None or bool(ids))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        ids = self._principal_ids(request)
        if ids is None:
            return qs
        return qs.filter(**{f"{self.principal_path}__in": ids}).distinct()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = self._principal_ids(request)
        if ids is not None:
            if db_field.name == "principal":
                kwargs["queryset"] = Principal.objects.filter(pk__in=ids)
            elif db_field.name == "unit":
                kwargs["queryset"] = Unit.objects.filter(principal_id__in=ids)
            elif db_field.name == "user":
                kwargs["queryset"] = User.objects.filter(
                    memberships__unit__principal_id__in=ids
                ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Principal)
class PrincipalAdmin(ScopedAdminMixin, admin.ModelAdmin):
    principal_path = "pk"
    list_display = ["name", "kind", "organisation_number", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "organisation_number"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "principal"]
    list_filter = ["kind", "principal"]
    search_fields = ["name"]


class MembershipInline(ScopedAdminMixin, admin.TabularInline):
    model = Membership
    principal_path = "unit__principal"
    extra = 1
    fk_name = "user"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    principal_path = "unit__principal"
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__principal"]
    search_fields = ["user__email", "user__last_name", "unit__name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)


class ScopedUserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "title", "phone", "is_active", "is_staff"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    principal_path = "memberships__unit__principal"
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "title", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        ids = self._principal_ids(request)
        if ids is None:
            return qs
        # An administrator also sees users they just created (no membership yet), so that they
        # can give them one; nobody else's.
        return qs.filter(
            Q(memberships__unit__principal_id__in=ids)
            | Q(memberships__isnull=True, is_superuser=False)
        ).distinct()


class FinancialMandateForm(forms.ModelForm):
    class Meta:
        model = FinancialMandate
        fields = ["user", "principal", "valid_from", "valid_until", "annual_limit"]
        field_classes = {"annual_limit": AmountField}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        needed = ("user", "principal", "valid_from")
        if self.instance.pk is None and all(cleaned.get(name) for name in needed):
            try:
                services.mandate_check(
                    user=cleaned["user"],
                    principal=cleaned["principal"],
                    valid_from=cleaned["valid_from"],
                    valid_until=cleaned.get("valid_until"),
                    annual_limit=cleaned.get("annual_limit"),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(FinancialMandate)
class FinancialMandateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """R-MEET-3: mandates are registered here and ended with an action; never edited."""

    form = FinancialMandateForm
    list_display = ["user", "principal", "valid_from", "valid_until", "ended_on", "annual_limit"]
    list_filter = ["principal"]
    actions = ["end_today"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [
                "user",
                "principal",
                "valid_from",
                "valid_until",
                "annual_limit",
                "registered_by",
                "registered_at",
                "ended_on",
                "ended_by",
                "ended_at",
                "end_reason",
            ]
        return []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Existing mandates are shown read-only; ending them is the "end today" action.
        return obj is None and self._is_admin(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        services.mandate_register(
            registered_by=request.user,
            user=obj.user,
            principal=obj.principal,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            annual_limit=obj.annual_limit,
            instance=obj,
        )

    @admin.action(description=_("End the selected mandates today"))
    def end_today(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        from django.utils import timezone

        count = 0
        for mandate in queryset:
            if mandate.ended_on is None:
                services.mandate_end(
                    mandate=mandate,
                    ended_by=request.user,
                    on=timezone.localdate(),
                    reason=str(_("Ended by an administrator")),
                )
                count += 1
        self.message_user(request, _("%(n)d mandates ended.") % {"n": count}, messages.SUCCESS)


# TOTP devices (the second factor for signing), scoped like the rest: an administrator
# registers devices for the members of their own principal.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class ScopedTOTPDeviceAdmin(ScopedAdminMixin, TOTPDeviceAdmin):
    principal_path = "user__memberships__unit__principal"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)
