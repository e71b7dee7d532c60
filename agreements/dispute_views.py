"""Pages of disputes (R-DISP-1): open with the temporary split, the dispute's page with its
clocks and steps, and one page per step. Each step is offered only to whom it can succeed
for; anybody else gets the same 404 as for a dispute they cannot see."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from core.audit import audit_record
from core.formviews import ServiceFormMixin
from core.models import AuditAction
from core.policy import deny, visible
from core.viewmixins import PolicyObjectMixin
from domain import disputes as rules
from domain.errors import RuleViolation
from organisations.models import Principal
from placements.policy import visible_child_names
from placements.selectors import placement_name
from sip.models import SipMeeting

from . import dispute_forms as forms
from . import disputes as services
from .models import Agreement, Dispute
from .policy import is_body_member, party_principal_ids

ESCALATE, RESOLVE, RECOMMEND, COMMENT = "escalate", "resolve", "recommend", "comment"


def case_label(placement: Any, *, show_name: bool) -> str:
    """The case as a dispute page names it: the child's name where this user may see it (the
    parties' staff), else only the child's initials and the placement's number (a member of a
    cooperation body needs no more: personal data only where needed), nothing for a child with
    protected identity."""
    if show_name:
        return placement_name(placement, show_name=True)
    initials = placement.child.shareable_initials or gettext("protected identity")
    return gettext("Placement %(number)s (child %(initials)s)") % {
        "number": placement.pk,
        "initials": initials,
    }


def next_step_of(dispute: Dispute, *, today: Any) -> rules.NextStep:
    """The domain's next step, its message in the user's language."""
    step = rules.next_step(
        services.state_of(dispute), today=today, rule_set=services.rule_set_of(dispute)
    )
    return rules.NextStep(gettext(step.message), step.due_on)


def _allowed(check: Any, /, *args: Any, **kwargs: Any) -> bool:
    """Would the domain rule let the step succeed now?"""
    try:
        check(*args, **kwargs)
    except RuleViolation:
        return False
    return True


def allowed_steps(user: Any, dispute: Dispute, *, today: Any = None) -> dict[str, Any]:
    """The steps that can succeed now for this user, each with how it is taken (R-DISP-1):
    the rule is domain.disputes'; the roles come from agreements.policy."""
    today = today or timezone.localdate()
    if dispute.status != Dispute.Status.OPEN:
        return {}
    state = services.state_of(dispute)
    rule_set = services.rule_set_of(dispute)
    party = bool(party_principal_ids(user, dispute.agreement))
    sub_body = dispute.level == "sub_regional" and is_body_member(user, dispute, "sub_regional")
    regional_body = dispute.level == "regional" and is_body_member(user, dispute, "regional")
    steps: dict[str, Any] = {}
    how = rules.Escalation.BY_BODY if sub_body else rules.Escalation.BY_PARTY
    acts = party or sub_body
    if acts and _allowed(rules.check_escalation, state, today=today, rule_set=rule_set, how=how):
        steps[ESCALATE] = how
    if acts and _allowed(rules.check_resolution, state, resolved_on=today):
        steps[RESOLVE] = True
    if regional_body and _allowed(rules.check_recommendation_level, state):
        steps[RECOMMEND] = True
    if party or sub_body or regional_body:
        steps[COMMENT] = True
    return steps


class DisputeListView(ListView):  # type: ignore[type-arg]
    template_name = "agreements/dispute_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return (
            visible(self.request.user, Dispute)
            .select_related(
                "agreement__placement__child__home_municipality__region",
                "agreement__municipality",
                "agreement__region",
                "sub_region",
            )
            .order_by("status", "-opened_on", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        disputes = list(context["object_list"])
        names = visible_child_names(
            self.request.user, (d.agreement.placement.child_id for d in disputes)
        )
        today = timezone.localdate()
        context["rows"] = [
            {
                "dispute": d,
                "name": case_label(
                    d.agreement.placement, show_name=d.agreement.placement.child_id in names
                ),
                "next": next_step_of(d, today=today),
            }
            for d in disputes
        ]
        return context


class DisputeOpenView(ServiceFormMixin, PolicyObjectMixin, FormView):  # type: ignore[type-arg]
    """R-DISP-1: open a dispute on an agreement, together with the temporary split."""

    policy_model = Agreement
    object: Agreement
    form_class = forms.DisputeOpenForm
    template_name = "agreements/dispute_open.html"
    success_message = gettext_lazy(
        "The dispute has been opened. The temporary split applies from its date."
    )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._guard() or super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._guard() or super().post(request, *args, **kwargs)

    def _guard(self) -> HttpResponse | None:
        agreement = self.object
        self.principal_ids = party_principal_ids(self.request.user, agreement)
        if not self.principal_ids:
            deny(
                self.request,
                obj=agreement,
                object_type="agreements.dispute",
                object_id=str(agreement.pk),
                details={"action": "open"},
            )
        open_dispute = agreement.disputes.filter(status=Dispute.Status.OPEN).first()
        refused = rules.opening_refused(
            has_open_dispute=open_dispute is not None,
            placement_started=agreement.placement.actual_start is not None,
        )
        if refused:
            # R-DISP-1: no form that cannot succeed; back where the reason is seen.
            messages.info(self.request, gettext(refused))
            if open_dispute is not None:
                return redirect("agreements:dispute_detail", pk=open_dispute.pk)
            return redirect("agreements:agreement_detail", pk=agreement.pk)
        return None

    def _sip_meetings(self) -> Any:
        """The child's held SIP meetings, the latest first."""
        return SipMeeting.objects.filter(
            sip__child_id=self.object.placement.child_id, started_at__isnull=False
        ).order_by("-started_at")

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {
            "principals": Principal.objects.filter(pk__in=self.principal_ids),
            "sip_meetings": self._sip_meetings(),
        }

    def get_initial(self) -> dict[str, Any]:
        latest = self._sip_meetings().first()
        initial: dict[str, Any] = {
            "effective_from": timezone.localdate(),
            # The latest held SIP meeting: where the parties agreed the split "at once".
            "sip_meeting": latest.pk if latest else None,
        }
        if len(self.principal_ids) == 1:
            initial["raised_by_principal"] = next(iter(self.principal_ids))
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(**kwargs) | {
            "agreement": self.object,
            # Nothing is offered that cannot succeed: without a held SIP meeting of the child
            # the temporary split cannot be recorded (R-DISP-1).
            "no_sip_meeting": not form.fields["sip_meeting"].queryset.exists(),
        }

    def perform(self, form: forms.DisputeOpenForm) -> Any:
        data = form.cleaned_data
        return services.dispute_open(
            user=self.request.user,
            agreement=self.object,
            data=services.OpeningData(
                subject=data["subject"],
                question=data["question"],
                raised_by_principal_id=data["raised_by_principal"].pk,
                sip_meeting=data["sip_meeting"],
                effective_from=data["effective_from"],
                region_percent=data.get("region_percent"),
                region_amount_per_month=data.get("region_amount_per_month"),
            ),
        )

    def get_success_url(self) -> str:
        return reverse("agreements:dispute_detail", args=[self.result.pk])


class DisputeDetailView(PolicyObjectMixin, TemplateView):
    policy_model = Dispute
    object: Dispute
    template_name = "agreements/dispute_detail.html"

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related(
            "agreement__placement__child__home_municipality__region",
            "agreement__municipality",
            "agreement__region",
            "raised_by_principal",
            "sub_region",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        dispute = self.object
        today = timezone.localdate()
        state = services.state_of(dispute)
        rule_set = services.rule_set_of(dispute)
        placement = dispute.agreement.placement
        names = visible_child_names(self.request.user, [placement.child_id])
        audit_record(action=AuditAction.VIEW, request=self.request, obj=dispute)
        return super().get_context_data(**kwargs) | {
            "dispute": dispute,
            "placement_label": case_label(placement, show_name=placement.child_id in names),
            "sees_agreement": bool(
                visible(self.request.user, Agreement).filter(pk=dispute.agreement_id).exists()
            ),
            "split": getattr(dispute, "temporary_split", None),
            "recommendation": getattr(dispute, "recommendation", None),
            "steps": dispute.steps.select_related("by").order_by("at", "pk"),
            "clocks": rules.dispute_deadlines(
                state, closed_on=dispute.closed_on, rule_set=rule_set
            ),
            "next": next_step_of(dispute, today=today),
            "allowed": allowed_steps(self.request.user, dispute, today=today),
            "today": today,
        }


class _DisputeStepView(ServiceFormMixin, PolicyObjectMixin, FormView):  # type: ignore[type-arg]
    """A step on a dispute; offered (and reachable) only when it can succeed for the user."""

    policy_model = Dispute
    object: Dispute
    step: str
    template_name = "agreements/dispute_step.html"
    title: Any = ""
    button: Any = ""

    def _allowed(self) -> dict[str, Any]:
        allowed = allowed_steps(self.request.user, self.object)
        if self.step not in allowed:
            deny(
                self.request,
                obj=self.object,
                object_type="agreements.dispute",
                object_id=str(self.object.pk),
                details={"action": self.step},
            )
        return allowed

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.allowed = self._allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.allowed = self._allowed()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "dispute": self.object,
            "title": self.title,
            "button": self.button,
        }

    def get_success_url(self) -> str:
        return reverse("agreements:dispute_detail", args=[self.object.pk])


class DisputeEscalateView(_DisputeStepView):
    step = ESCALATE
    form_class = forms.DisputeEscalateForm
    title = gettext_lazy("Pass the dispute to the next level")
    button = gettext_lazy("Pass it on")
    success_message = gettext_lazy("The dispute has been passed to the next level.")

    def perform(self, form: forms.DisputeEscalateForm) -> Any:
        return services.dispute_escalate(
            user=self.request.user,
            dispute=self.object,
            how=self.allowed[ESCALATE],
            text=form.cleaned_data["text"],
        )


class DisputeResolveView(_DisputeStepView):
    step = RESOLVE
    form_class = forms.DisputeResolveForm
    title = gettext_lazy("Record that the dispute is solved")
    button = gettext_lazy("Record as solved")
    success_message = gettext_lazy("The dispute is solved; the temporary split has ended.")

    def get_initial(self) -> dict[str, Any]:
        return {"resolved_on": timezone.localdate()}

    def perform(self, form: forms.DisputeResolveForm) -> Any:
        return services.dispute_resolve(
            user=self.request.user,
            dispute=self.object,
            resolution=form.cleaned_data["resolution"],
            resolved_on=form.cleaned_data["resolved_on"],
        )


class DisputeRecommendView(_DisputeStepView):
    step = RECOMMEND
    form_class = forms.DisputeRecommendForm
    title = gettext_lazy("Issue the regional level's recommendation")
    button = gettext_lazy("Issue the recommendation")
    success_message = gettext_lazy("The recommendation has been issued and the dispute closed.")

    def perform(self, form: forms.DisputeRecommendForm) -> Any:
        data = form.cleaned_data
        return services.dispute_recommend(
            user=self.request.user,
            dispute=self.object,
            data=services.RecommendationData(
                text=data["text"],
                adjusted_from=data.get("adjusted_from"),
                region_percent=data.get("region_percent"),
                region_amount_per_month=data.get("region_amount_per_month"),
            ),
        )


class DisputeCommentView(_DisputeStepView):
    step = COMMENT
    form_class = forms.DisputeCommentForm
    title = gettext_lazy("Add a comment")
    button = gettext_lazy("Save the comment")
    success_message = gettext_lazy("The comment has been saved.")

    def perform(self, form: forms.DisputeCommentForm) -> Any:
        return services.dispute_comment(
            user=self.request.user, dispute=self.object, text=form.cleaned_data["text"]
        )
