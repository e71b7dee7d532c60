"""Pages where a principal's administrators manage system accounts and their API keys.
Outside the administrator's principals every account and key is a 404 (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_rule_error
from core.formviews import ServiceFormMixin
from core.policy import CHANGE, VIEW, administered_principal_ids, visible
from core.viewmixins import PolicyObjectMixin
from domain.errors import RuleViolation
from organisations.models import Principal

from . import services
from .forms import SystemAccountForm, TokenForm
from .models import ApiToken, SystemAccount


def _principals(user: Any) -> list[Principal]:
    ids = administered_principal_ids(user)
    qs = Principal.objects.all() if ids is None else Principal.objects.filter(pk__in=ids)
    return list(qs.order_by("name"))


class _AdministratorsOnly(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _principals(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AccountListView(_AdministratorsOnly, TemplateView):
    template_name = "api/account_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["accounts"] = (
            visible(self.request.user, SystemAccount, VIEW)
            .select_related("principal")
            .prefetch_related("units")
            .annotate(
                active_count=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)),
                last_used_at=Max("tokens__last_used_at"),
            )
        )
        return context


class AccountCreateView(_AdministratorsOnly, ServiceFormMixin, FormView):  # type: ignore[type-arg]
    template_name = "api/account_form.html"
    form_class = SystemAccountForm

    def get_success_message(self) -> str:
        return _("The system account has been created.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"principals": _principals(self.request.user)}

    def perform(self, form: SystemAccountForm) -> Any:
        return services.system_account_create(
            user=self.request.user,
            principal=form.cleaned_data["principal"],
            name=form.cleaned_data["name"],
            units=form.cleaned_data["units"],
        )

    def get_success_url(self) -> str:
        return reverse("api:account_detail", args=[self.result.pk])


class AccountDetailView(PolicyObjectMixin, View):
    policy_model = SystemAccount
    object: SystemAccount

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related("principal").prefetch_related("units")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, TokenForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A new key: shown on this response only, never stored or shown again."""
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = services.token_create(
                    user=request.user, account=self.object, name=form.cleaned_data["name"]
                )
            except RuleViolation as violation:
                add_rule_error(form, violation)
            else:
                return self.render_page(request, TokenForm(), new_token=token, secret=secret)
        return self.render_page(request, form)

    def render_page(self, request: HttpRequest, form: TokenForm, **extra: Any) -> HttpResponse:
        context = {
            "account": self.object,
            "tokens": self.object.tokens.order_by("-created_at"),
            "form": form,
            **extra,
        }
        return render(request, "api/account_detail.html", context)


class TokenRevokeView(ServiceFormMixin, PolicyObjectMixin, FormView):  # type: ignore[type-arg]
    policy_model = ApiToken
    policy_action = CHANGE
    template_name = "api/token_revoke.html"
    object: ApiToken

    def get_success_message(self) -> str:
        return _("The API key has been revoked. It no longer works.")

    def get_form_class(self) -> Any:
        from django import forms

        return forms.Form

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related("account")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"token": self.object}

    def perform(self, form: Any) -> Any:
        return services.token_revoke(user=self.request.user, token=self.object)

    def form_invalid(self, form: Any) -> HttpResponse:
        # The only rule: a key already revoked. Say so on the account's page.
        for error in form.non_field_errors():
            messages.info(self.request, error)
        return redirect("api:account_detail", pk=self.object.account_id)

    def get_success_url(self) -> str:
        return reverse("api:account_detail", args=[self.object.account_id])
