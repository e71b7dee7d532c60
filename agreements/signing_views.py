"""Signing views: step-up with a one-time code, sign, decline, download and verify."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.formviews import ServiceFormMixin
from core.models import AuditAction
from core.policy import VIEW, visible
from core.redirects import redirect_to_next
from core.viewmixins import PolicyObjectMixin
from domain import mandates as mandate_rules
from organisations.models import FinancialMandate, Principal
from placements.policy import child_details_visible

from . import signatures
from .documents import render_agreement_pdf
from .models import AgreementVersion, SignedDocument
from .policy import SIGN
from .signing.pades import (
    REASON_NO_SIGNATURES,
    REASON_NOT_INTACT,
    REASON_NOT_PDF,
    REASON_NOT_TRUSTED,
    REASON_NOT_WHOLE,
    REASON_TOO_FEW,
    REASON_UNKNOWN_HASH,
    verify,
)

SESSION_STEP_UP = "_step_up_at"

REASON_TEXT = {
    REASON_NOT_PDF: gettext_lazy("The file is not a PDF that can be read."),
    REASON_NO_SIGNATURES: gettext_lazy("The file has no signatures."),
    REASON_NOT_INTACT: gettext_lazy(
        "A signature is broken: the document has been changed after it was signed."
    ),
    REASON_NOT_TRUSTED: gettext_lazy(
        "A signature was not made with a certificate this system trusts."
    ),
    REASON_NOT_WHOLE: gettext_lazy(
        "The last signature does not cover the whole document: something was added after it."
    ),
    REASON_TOO_FEW: gettext_lazy("The document is not signed by both principals."),
    REASON_UNKNOWN_HASH: gettext_lazy("This exact document was not produced by this system."),
}


def step_up_at(request: HttpRequest) -> datetime | None:
    raw = request.session.get(SESSION_STEP_UP)
    return datetime.fromisoformat(raw) if raw else None


def verify_token(user: Any, token: str) -> bool:
    """Check a TOTP code against the user's confirmed devices (django-otp)."""
    token = token.strip().replace(" ", "")
    return any(
        device.verify_token(token)
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=True)
    )


def token_error(user: Any, token: str) -> str | None:
    """None when the code is right; otherwise what to tell the user. django-otp holds back a
    device for 1, 2, 4 … seconds after each wrong code: a right code typed within that time is
    refused too, so the message then says to wait, not that the code is wrong (found by an
    exploratory review)."""
    token = token.strip().replace(" ", "")
    held_until = []
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            held_until.append(data["locked_until"])
            continue
        if device.verify_token(token):
            return None
    if held_until:
        seconds = max(1, math.ceil((min(held_until) - timezone.now()).total_seconds()))
        return ngettext(
            "Too many wrong codes: wait %(seconds)s second, then enter the code the app shows.",
            "Too many wrong codes: wait %(seconds)s seconds, then enter the code the app shows.",
            seconds,
        ) % {"seconds": seconds}
    return _("The one-time code is not valid. Try the next code.")


class SignForm(forms.Form):
    principal = forms.ModelChoiceField(
        label=gettext_lazy("Sign for"), queryset=Principal.objects.none(), empty_label=None
    )
    token = forms.CharField(
        label=gettext_lazy("One-time code from your authenticator app"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, principals: Sequence[Principal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the principals the signatory holds a valid mandate for (R-MEET-3), no empty
        # choice; the first in the signing order is preselected.
        field = self.fields["principal"]
        field.queryset = Principal.objects.filter(pk__in=[p.pk for p in principals])
        field.choices = [(p.pk, p.name) for p in principals]
        if principals:
            self.initial.setdefault("principal", principals[0].pk)


class DeclineForm(forms.Form):
    principal = forms.ModelChoiceField(
        label=gettext_lazy("Decline for"), queryset=Principal.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, principals: Sequence[Principal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["principal"]
        field.queryset = Principal.objects.filter(pk__in=[p.pk for p in principals])
        field.choices = [(p.pk, p.name) for p in principals]
        if principals:
            self.initial.setdefault("principal", principals[0].pk)


def _mandate_ended_page(request: HttpRequest, pk: int) -> HttpResponse | None:
    """R-MEET-3: a signatory whose financial mandate for one of the agreement's principals has
    ended is told so (for which principal, and its last day) instead of a bare 404 — nothing is
    signed and no form is offered. None (the 404 stands) for anyone who cannot see the
    agreement or never held a mandate for its principals."""
    version = (
        visible(request.user, AgreementVersion, VIEW)
        .filter(pk=pk)
        .select_related("agreement__municipality", "agreement__region")
        .first()
    )
    if version is None:
        return None
    agreement = version.agreement
    ended = mandate_rules.ended_mandates(
        [
            m.as_rule()
            for m in FinancialMandate.objects.filter(
                user=request.user, principal_id__in=agreement.principal_ids
            )
        ],
        principal_ids=agreement.principal_ids,
        on=timezone.localdate(),
    )
    if not ended:
        return None
    by_id = {p.pk: p for p in (agreement.municipality, agreement.region)}
    return render(
        request,
        "agreements/sign_mandate_ended.html",
        {
            "version": version,
            "agreement": agreement,
            "ended": [
                {"principal": by_id[m.principal_id], "last_day": mandate_rules.last_valid_day(m)}
                for m in ended
            ],
        },
        status=403,
    )


class SignView(ServiceFormMixin, PolicyObjectMixin, FormView):
    """R-MEET-3: the signatory reads what is signed, sees the signing order and whose
    signature is awaited, confirms a one-time code (step-up) and signs for a principal."""

    policy_model = AgreementVersion
    policy_action = SIGN
    form_class = SignForm
    template_name = "agreements/sign.html"
    success_message = gettext_lazy("You have signed the agreement.")

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related(
            "agreement__placement__child__home_municipality",
            "agreement__municipality",
            "agreement__region",
        ).prefetch_related("signatures__user")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            # Outside the signing scope (the denial is audited): a signatory whose mandate has
            # ended learns why; everyone else gets the 404.
            page = _mandate_ended_page(request, kwargs[self.policy_kwarg])
            if page is None:
                raise
            return page

    def principals(self) -> list[Principal]:
        if not hasattr(self, "_principals"):
            self._principals = signatures.principals_to_sign_for(
                self.request.user, self.object, on=timezone.localdate()
            )
        return self._principals

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"principals": self.principals()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = self.object
        agreement = version.agreement
        placement = agreement.placement
        steps = signatures.signing_steps(version)
        mine = {p.pk for p in self.principals()}
        # The user's turn: one of the principals they may sign for is the one awaited now.
        my_turn = any(step.awaited and step.principal.pk in mine for step in steps)
        context.update(
            version=version,
            agreement=agreement,
            placement=placement,
            show_details=child_details_visible(self.request.user, placement.child),
            summary=signatures.agreement_summary(version),
            steps=steps,
            awaited=[step for step in steps if step.awaited],
            my_turn=my_turn,
            has_document=version.documents.exists(),
            has_device=TOTPDevice.objects.devices_for_user(
                self.request.user, confirmed=True
            ).exists(),
        )
        return context

    def perform(self, form: SignForm) -> Any:
        confirmed = step_up_at(self.request)
        token = form.cleaned_data["token"]
        if token:
            error = token_error(self.request.user, token)
            if error:
                form.add_error("token", error)
                return self.form_invalid(form)
            confirmed = timezone.now()
            self.request.session[SESSION_STEP_UP] = confirmed.isoformat()
        return signatures.agreement_sign(
            user=self.request.user,
            version=self.object,
            principal=form.cleaned_data["principal"],
            second_factor_at=confirmed,
        )

    def get_success_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.object.agreement_id])


class DeclineView(ServiceFormMixin, PolicyObjectMixin, FormView):
    policy_model = AgreementVersion
    policy_action = SIGN
    form_class = DeclineForm
    template_name = "agreements/decline.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {
            "principals": signatures.principals_to_sign_for(
                self.request.user, self.object, on=timezone.localdate()
            )
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"version": self.object}

    def perform(self, form: DeclineForm) -> Any:
        return signatures.agreement_decline(
            user=self.request.user,
            version=self.object,
            principal=form.cleaned_data["principal"],
            reason=form.cleaned_data["reason"],
        )

    def get_success_message(self) -> str:
        # A warning, not a success: the agreement is back in draft.
        messages.warning(self.request, _("You have declined. The agreement is back in draft."))
        return ""

    def get_success_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.object.agreement_id])


class DocumentDownloadView(PolicyObjectMixin, View):
    """The signed PDF as an attachment with a name the server chooses; audited."""

    policy_model = AgreementVersion

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = (
            SignedDocument.objects.filter(version=self.object)
            .order_by("-is_final", "-revision")
            .first()
        )
        if document is None and self.object.status == "awaiting_signatures":
            # Before the first signature: the document as it will be signed, rendered now and
            # not kept (the first signature renders and keeps it), so that the signatory reads
            # the agreement one click from the signing page.
            pdf, content_sha256 = render_agreement_pdf(
                self.object, signing_plan=signatures.signing_plan(self.object)
            )
            audit_record(
                action=AuditAction.DOWNLOAD,
                request=request,
                obj=self.object,
                details={"revision": None, "content_sha256": content_sha256},
            )
            name = f"overenskommelse-{self.object.agreement_id}-v{self.object.number}"
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            return response
        if document is None:
            messages.error(request, _("The agreement has no document yet."))
            return redirect("agreements:agreement_detail", pk=self.object.agreement_id)
        audit_record(
            action=AuditAction.DOWNLOAD,
            request=request,
            obj=self.object,
            details={"revision": document.revision, "sha256": document.sha256},
        )
        name = f"overenskommelse-{self.object.agreement_id}-v{self.object.number}"
        if document.is_final:
            name += "-signerad"
        response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Signed agreement (PDF)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_VERIFY_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)d MB).")
                % {"mb": settings.MAX_VERIFY_UPLOAD_BYTES // (1024 * 1024)}
            )
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("The file is not a PDF."))
        return upload


class VerifyView(View):
    """Upload a PDF and learn whether it is an unmodified agreement signed by this system."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "agreements/verify.html", {"form": VerifyForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = VerifyForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            result = verify(
                form.cleaned_data["file"].read(), known_hashes=signatures.known_hashes()
            )
            context.update(result=result, reasons=[REASON_TEXT[r] for r in result.reasons])
            audit_record(
                action=AuditAction.VIEW,
                request=request,
                object_type="agreements.verification",
                details={"sha256": result.sha256, "valid": result.valid, "reasons": result.reasons},
            )
        return render(request, "agreements/verify.html", context)


class StepUpView(ServiceFormMixin, FormView):
    """Confirm the second factor; valid for signing during five minutes."""

    template_name = "agreements/step_up.html"
    success_message = gettext_lazy("Second factor confirmed for five minutes.")

    def get_form_class(self) -> type[forms.Form]:
        return StepUpForm

    def perform(self, form: forms.Form) -> Any:
        error = token_error(self.request.user, form.cleaned_data["token"])
        if error:
            form.add_error("token", error)
            return self.form_invalid(form)
        self.request.session[SESSION_STEP_UP] = timezone.now().isoformat()
        messages.success(self.request, self.get_success_message())
        return redirect_to_next(self.request, "start")


class StepUpForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("One-time code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
