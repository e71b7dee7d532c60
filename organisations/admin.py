"""Django admin, scoped: a principal's administrator sees and manages only its own units,
members and mandates. A superuser sees everything.

Rules (issue 10, "Admin scoping"):

- Whatever lies outside an administrator's scope answers 404 at every address (list, page,
  save, delete, history, password), never 403 or a redirect that tells it exists.
- Who sees and who changes a user is decided in ``organisations.selectors``: a user without
  memberships belongs to their home principal only; a user who also works for, or still holds
  a mandate of, another principal is changed by a superuser only.
- Nobody reads a second-factor key or QR code here: devices are listed and can be reset
  (deleted, with an audit row), never added or edited.
- Models registered by other apps before this one (groups, django-axes' logs …) are for
  superusers only; for anyone else their addresses answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.forms import AmountField
from core.policy import administered_principal_ids

from . import services
from .forms import AdminSignInForm, UserAddForm, UserEditForm
from .models import (
    AuthenticatorDevice,
    CooperationBody,
    CooperationMembership,
    FinancialMandate,
    Membership,
    Principal,
    SubRegion,
    Unit,
    User,
)
from .selectors import (
    administrator_may_change_user,
    users_editable_by_administrator,
    users_visible_to_administrator,
)

admin.site.login_form = AdminSignInForm


class NotFoundOutsideScopeMixin:
    """An object outside ``get_queryset`` is a 404 on every page that names it."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404(_("Not found."))
        return obj

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id is not None:
            # Before Django reads "_saveasnew" (which turns a save into an add).
            self.get_object(request, unquote(object_id))
        return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


class ScopedAdminMixin(NotFoundOutsideScopeMixin):
    """Permission and queryset scoping by the principals the user administers."""

    principal_path: str = "principal"

    def _principal_ids(self, request: HttpRequest) -> set[int] | None:
        return administered_principal_ids(request.user)

    def _is_admin(self, request: HttpRequest) -> bool:
        ids = self._principal_ids(request)
        return request.user.is_active and request.user.is_staff and (ids is None or bool(ids))

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        """Object-level check on top of the queryset (for objects seen but not changeable)."""
        return True

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request) and (obj is None or self._may_change(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        ids = self._principal_ids(request)
        if ids is None:
            return qs
        return qs.filter(**{f"{self.principal_path}__in": ids}).distinct()

    def user_choices(self, request: HttpRequest, ids: set[int]) -> QuerySet[User]:
        """The users a "user" field offers: members of the administrator's principals."""
        return User.objects.filter(memberships__unit__principal_id__in=ids).distinct()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = self._principal_ids(request)
        if ids is not None:
            if db_field.name in ("principal", "home_principal"):
                kwargs["queryset"] = Principal.objects.filter(pk__in=ids)
            elif db_field.name == "unit":
                kwargs["queryset"] = Unit.objects.filter(principal_id__in=ids)
            elif db_field.name == "user":
                kwargs["queryset"] = self.user_choices(request, ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        # No "add another" or "change" pop-ups next to choice fields: they would lead into
        # other admins, and their choices are scoped here, not there.
        for attr in ("can_add_related", "can_change_related", "can_delete_related"):
            if hasattr(getattr(formfield, "widget", None), attr):
                setattr(formfield.widget, attr, False)
        return formfield


class EditableUsersOnlyMixin:
    """Memberships are changed only for users the administrator may change."""

    def user_choices(self, request: HttpRequest, ids: set[int]) -> QuerySet[User]:
        return users_editable_by_administrator(request.user)


@admin.register(Principal)
class PrincipalAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A principal's name, organisation number (which names its signing key), region and
    rule set are changed by a superuser; its administrators see it."""

    principal_path = "pk"
    list_display = ["name", "kind", "organisation_number", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "organisation_number"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


# --- sub-regions and cooperation bodies (issue 14): the region's administrators ------------------


class RegionScopedMixin(ScopedAdminMixin):
    """A region's sub-regions and cooperation bodies are its administrators' to keep (the time
    limits of each area's routine for deviations, who sits in which body). Which municipality
    lies in which sub-region is the principal's data, set by a superuser like its region."""

    principal_path = "region"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = self._principal_ids(request)
        if ids is not None:
            if db_field.name == "region":
                kwargs["queryset"] = Principal.objects.filter(pk__in=ids, kind="region")
            elif db_field.name == "sub_region":
                kwargs["queryset"] = SubRegion.objects.filter(region_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def user_choices(self, request: HttpRequest, ids: set[int]) -> QuerySet[User]:
        """A body's members are staff of the region or of its municipalities."""
        return User.objects.filter(
            Q(home_principal_id__in=ids) | Q(home_principal__region_id__in=ids), is_active=True
        )


@admin.register(SubRegion)
class SubRegionAdmin(RegionScopedMixin, admin.ModelAdmin):
    list_display = ["name", "region", "deviation_feedback_days", "deviation_measure_days"]
    search_fields = ["name"]


class CooperationMembershipInline(RegionScopedMixin, admin.TabularInline):
    model = CooperationMembership
    principal_path = "body__region"
    extra = 1

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # type: ignore[override]
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)


@admin.register(CooperationBody)
class CooperationBodyAdmin(RegionScopedMixin, admin.ModelAdmin):
    list_display = ["name", "level", "region", "sub_region"]
    list_filter = ["level"]
    inlines = [CooperationMembershipInline]


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "principal"]
    list_filter = ["kind", ("principal", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]


class MembershipInline(EditableUsersOnlyMixin, ScopedAdminMixin, admin.TabularInline):
    model = Membership
    principal_path = "unit__principal"
    extra = 1
    fk_name = "user"

    def _parent_changeable(self, request: HttpRequest, obj: Any) -> bool:
        return self._is_admin(request) and (
            obj is None or administrator_may_change_user(request.user, obj)
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # type: ignore[override]
        return self._parent_changeable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_changeable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_changeable(request, obj)


@admin.register(Membership)
class MembershipAdmin(EditableUsersOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    principal_path = "unit__principal"
    list_display = ["user", "unit", "role"]
    list_select_related = ["user", "unit__principal"]
    list_filter = ["role", ("unit__principal", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__last_name", "unit__name"]

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        return administrator_may_change_user(request.user, obj.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request) and (obj is None or self._may_change(request, obj))


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "home_principal", "is_active"]
    list_select_related = ["home_principal"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active"]
    inlines = [MembershipInline]
    form = UserEditForm
    add_form = UserAddForm
    fieldsets = (
        (None, {"fields": ("email", "password", "home_principal")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "title", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "home_principal", "usable_password", "password1", "password2"),
            },
        ),
    )

    def _chooses_home(self, request: HttpRequest) -> bool:
        """Only someone who administers several principals (or a superuser) chooses."""
        ids = self._principal_ids(request)
        return ids is None or len(ids) > 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        if self._principal_ids(request) is None:
            return qs
        return qs.filter(pk__in=users_visible_to_administrator(request.user).values("pk"))

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        return administrator_may_change_user(request.user, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not self._chooses_home(request):
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "home_principal"]})
                for name, opts in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self._chooses_home(request):
            return ["home_principal"]
        return []

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if "home_principal" in form.base_fields:
            field = form.base_fields["home_principal"]
            field.required = not request.user.is_superuser
            field.error_messages["required"] = _("Choose the principal the user belongs to.")
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        ids = self._principal_ids(request)
        if not change and obj.home_principal_id is None and ids is not None and len(ids) == 1:
            obj.home_principal_id = next(iter(ids))
        super().save_model(request, obj, form, change)


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
    list_filter = [("principal", admin.RelatedOnlyFieldListFilter)]
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


# --- second factor: listed and reset, never read --------------------------------------------

admin.site.unregister(TOTPDevice)


@admin.register(AuthenticatorDevice)
class AuthenticatorDeviceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The TOTP devices of the users the administrator sees: who, which, confirmed, when
    created and last used. No key, no QR code, no adding or editing; "reset" deletes the
    device (with an audit row) so that its holder enrols again."""

    list_display = ["holder", "device_name", "is_confirmed", "created", "last_used"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "name"]
    fields = readonly_fields = ["holder", "device_name", "is_confirmed", "created", "last_used"]
    actions = ["reset_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request).select_related("user")
        if self._principal_ids(request) is None:
            return qs
        return qs.filter(user__in=users_visible_to_administrator(request.user).values("pk"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request) and (
            obj is None or administrator_may_change_user(request.user, obj.user)
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.second_factor_reset(device=obj, reset_by=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for device in queryset:
            services.second_factor_reset(device=device, reset_by=request.user, request=request)

    @admin.action(
        description=_("Reset the selected authenticator apps (the holder enrols again)"),
        permissions=["delete"],
    )
    def reset_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        editable = users_editable_by_administrator(request.user)
        count = 0
        for device in queryset.filter(user__in=editable.values("pk")):
            services.second_factor_reset(device=device, reset_by=request.user, request=request)
            count += 1
        self.message_user(
            request, _("%(n)d authenticator apps reset.") % {"n": count}, messages.SUCCESS
        )

    @admin.display(description=_("user"), ordering="user__email")
    def holder(self, device: Any) -> str:
        return str(device.user)

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, device: Any) -> str:
        return device.name

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device: Any) -> bool:
        return device.confirmed

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, device: Any) -> str:
        return _moment(device.created_at)

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, device: Any) -> str:
        return _moment(device.last_used_at)


def _moment(value: datetime | None) -> str:
    """A point in time as the admin shows it, in Swedish time; a dash when there is none."""
    if value is None:
        return "–"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# --- everything else registered in this admin site: superusers only ---------------------------


class SuperuserOnlyAdminMixin(NotFoundOutsideScopeMixin):
    """For models no principal owns (groups, the sign-in logs): a superuser's business. For
    anyone else every page of the model answers 404, and the index does not list it."""

    def _superuser(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._superuser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return qs if self._superuser(request) else qs.none()

    def get_urls(self) -> list[Any]:
        return [
            URLPattern(p.pattern, self._superuser_only(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in super().get_urls()  # type: ignore[misc]
        ]

    def _superuser_only(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self._superuser(request):
                raise Http404(_("Not found."))
            return view(request, *args, **kwargs)

        return inner


def _restrict_other_registrations_to_superusers(site: admin.AdminSite) -> None:
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ScopedAdminMixin | SuperuserOnlyAdminMixin):
            continue
        restricted = type(
            f"SuperuserOnly{type(model_admin).__name__}",
            (SuperuserOnlyAdminMixin, type(model_admin)),
            {"__module__": __name__},
        )
        site.unregister(model)
        site.register(model, restricted)


_restrict_other_registrations_to_superusers(admin.site)
