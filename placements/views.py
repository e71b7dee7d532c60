"""Thin views: load through the policy, one call into a service, domain errors to the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from core.audit import audit_record
from core.forms import id_param
from core.formviews import ServiceFormMixin
from core.models import AuditAction
from core.policy import CHANGE, actor_for, get_or_404, units_acted_for
from core.viewmixins import AuditViewMixin, PolicyObjectMixin
from domain import placements as rules
from domain.deadlines import add_months
from domain.errors import RuleViolation, violations_of
from domain.identity import mask_identity_number
from organisations.models import Membership, Role, Unit, User

from . import forms, hooks, selectors, services
from .models import Child, HealthExamination, Placement, RelatedPerson
from .policy import (
    EDIT_ROLES,
    child_details_visible,
    initiating_unit_ids,
    visible_children,
)


def _editing_units(user: Any) -> Any:
    return units_acted_for(user, *EDIT_ROLES).filter(principal__kind="municipality")


class ChildSearchView(FormView):
    """Find a child by personnummer: a child outside the scope looks exactly like no child."""

    template_name = "placements/child_search.html"
    form_class = forms.ChildSearchForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if "number" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        context: dict[str, Any] = {"form": form, "searched": False}
        if form.is_bound and form.is_valid():
            number = form.cleaned_data["number"]
            child = visible_children(request.user).filter(identity_number=number).first()
            audit_record(
                action=AuditAction.SEARCH,
                request=request,
                object_type="placements.child",
                object_id=child.pk if child else "",
                child_id=child.pk if child else None,
                details={"number": mask_identity_number(number), "found": bool(child)},
            )
            if child is not None:
                return redirect("placements:child_detail", pk=child.pk)
            context["searched"] = True
        return self.render_to_response(context)


class ChildCreateView(ServiceFormMixin, CreateView):
    model = Child
    form_class = forms.ChildForm
    template_name = "placements/child_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.unit = _editing_units(request.user).first()
        if self.unit is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"home_municipality": self.unit.principal_id}

    success_message = gettext_lazy("The child has been registered.")

    def perform(self, form: forms.ChildForm) -> Any:
        return services.child_create(
            user=self.request.user,
            unit=self.unit,
            child=form.save(commit=False),
            identity_number=form.cleaned_data.get("identity_number_input"),
            on=timezone.localdate(),
        )

    def get_success_url(self) -> str:
        return reverse("placements:child_detail", kwargs={"pk": self.result.pk})


class ChildDetailView(AuditViewMixin, PolicyObjectMixin, DetailView):
    policy_model = Child
    template_name = "placements/child_detail.html"
    context_object_name = "child"

    def get_policy_queryset(self, qs: Any) -> Any:
        # The home municipality's region: the next steps read its rule set (issue 11).
        return qs.select_related(
            "home_municipality__region", "responsible_unit__principal"
        ).prefetch_related(
            Prefetch("placements", queryset=Placement.objects.select_related("placing_unit")),
            "related_persons",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        child = self.object
        context.update(
            show_details=child_details_visible(self.request.user, child),
            can_edit=Child.objects.filter(pk=child.pk)
            .filter(pk__in=visible_children(self.request.user, CHANGE).values("pk"))
            .exists(),
            # Any party that sees the child may initiate a SIP (R-SIP-1): region units too.
            can_initiate_sip=bool(initiating_unit_ids(actor_for(self.request.user))),
            timeline=selectors.child_timeline(child=child, user=self.request.user),
            guardians=[p for p in child.related_persons.all() if p.kind == "guardian"],
            close_persons=[p for p in child.related_persons.all() if p.kind != "guardian"],
        )
        return context


class ChildUpdateView(ServiceFormMixin, PolicyObjectMixin, UpdateView):
    policy_model = Child
    policy_action = CHANGE
    form_class = forms.ChildForm
    template_name = "placements/child_form.html"

    success_message = gettext_lazy("The changes have been saved.")

    def perform(self, form: forms.ChildForm) -> Any:
        before = services.snapshot(Child.objects.get(pk=self.object.pk))
        return services.child_update(
            user=self.request.user,
            child=form.save(commit=False),
            before=before,
            identity_number=form.cleaned_data.get("identity_number_input"),
        )

    def get_success_url(self) -> str:
        return reverse("placements:child_detail", kwargs={"pk": self.object.pk})


class RelatedPersonCreateView(ServiceFormMixin, PolicyObjectMixin, CreateView):
    policy_model = Child
    policy_action = CHANGE
    policy_kwarg = "child_pk"
    form_class = forms.RelatedPersonForm
    template_name = "placements/related_person_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["child"] = self.child
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.child = self.object
        self.object = None
        return super().post(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.child = self.object
        self.object = None
        return super().get(request, *args, **kwargs)

    success_message = gettext_lazy("The person has been added.")

    def perform(self, form: forms.RelatedPersonForm) -> Any:
        return services.related_person_create(
            user=self.request.user, child=self.child, person=form.save(commit=False)
        )

    def get_success_url(self) -> str:
        return reverse("placements:child_detail", kwargs={"pk": self.child.pk})


class RelatedPersonUpdateView(ServiceFormMixin, PolicyObjectMixin, UpdateView):
    policy_model = RelatedPerson
    policy_action = CHANGE
    form_class = forms.RelatedPersonForm
    template_name = "placements/related_person_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["child"] = self.object.child
        return context

    success_message = gettext_lazy("The changes have been saved.")

    def perform(self, form: forms.RelatedPersonForm) -> Any:
        before = services.snapshot(RelatedPerson.objects.get(pk=self.object.pk))
        return services.related_person_update(
            user=self.request.user, person=form.save(commit=False), before=before
        )

    def get_success_url(self) -> str:
        return reverse("placements:child_detail", kwargs={"pk": self.object.child_id})


def _placement_form_kwargs(user: Any, placement: Placement | None = None) -> dict[str, Any]:
    """Units the user may place from and the caseworkers of those units; an existing
    placement keeps its current unit and caseworker selectable."""
    unit_ids = list(_editing_units(user).values_list("pk", flat=True))
    caseworker_ids = Membership.objects.filter(
        unit_id__in=unit_ids, role__in=[Role.CASEWORKER, Role.MANAGER]
    ).values("user_id")
    unit_q, user_q = Q(pk__in=unit_ids), Q(pk__in=caseworker_ids)
    if placement is not None:
        unit_q |= Q(pk=placement.placing_unit_id)
        user_q |= Q(pk=placement.caseworker_id)
    return {
        "units": Unit.objects.filter(unit_q).select_related("principal"),
        "caseworkers": User.objects.filter(user_q),
    }


class PlacementCreateView(ServiceFormMixin, PolicyObjectMixin, CreateView):
    policy_model = Child
    policy_action = CHANGE
    policy_kwarg = "child_pk"
    form_class = forms.PlacementForm
    template_name = "placements/placement_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.previous = None
        previous_id = id_param(request.GET, "previous") or id_param(request.POST, "previous")
        if previous_id is not None:
            # A move follows one of this child's placements: another child's is a forged
            # address, answered as any object outside the scope (404 and a denied row).
            self.previous = get_or_404(
                request, Placement, action=CHANGE, pk=previous_id, child_id=kwargs["child_pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.child, self.object = self.object, None
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.child, self.object = self.object, None
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | _placement_form_kwargs(self.request.user)

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"caseworker": self.request.user.pk}
        unit = _editing_units(self.request.user).first()
        if unit is not None:
            initial["placing_unit"] = unit.pk
        if self.previous is not None:
            p = self.previous
            initial.update(
                legal_basis=p.legal_basis,
                goal=p.goal,
                wishes=p.wishes,
                schooling=p.schooling,
                responsibilities=p.responsibilities,
                municipality_provision=p.municipality_provision,
                region_provision=p.region_provision,
                care_contact_name=p.care_contact_name,
                care_contact_unit=p.care_contact_unit_id,
            )
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The child's placements that are planned or under way (not for a move, which follows
        # one of them): a second one is possible, but the page names them first so that a
        # move is not registered as a new placement by mistake.
        open_placements = (
            []
            if self.previous is not None
            else list(
                self.child.placements.filter(
                    status__in=(Placement.Status.PLANNED, Placement.Status.ACTIVE)
                ).order_by("-planned_start", "-pk")
            )
        )
        context.update(child=self.child, previous=self.previous, open_placements=open_placements)
        return context

    success_message = gettext_lazy("The placement has been registered.")

    def perform(self, form: forms.PlacementForm) -> Any:
        return services.placement_create(
            user=self.request.user,
            child=self.child,
            placement=form.save(commit=False),
            previous=self.previous,
        )

    def get_success_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"pk": self.result.pk})


class PlacementDetailView(AuditViewMixin, PolicyObjectMixin, DetailView):
    policy_model = Placement
    template_name = "placements/placement_detail.html"
    context_object_name = "placement"

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related(
            "child__home_municipality__region",
            "child__responsible_unit",
            "placing_unit__principal",
            "caseworker",
            "provider_municipality",
            "care_contact_unit__principal",
            "previous",
            "end_plan_meeting",
        ).prefetch_related("health_examinations__unit", "child__placements")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from domain import deadlines
        from domain import placements as rules

        context = super().get_context_data(**kwargs)
        p = self.object
        # Each deadline uses the rule set in force on the day it is computed from (issue 11).
        rules_on = p.child.home_municipality.rule_set_on
        today = timezone.localdate()
        exams = list(p.health_examinations.all())
        for exam in exams:
            exam.deadline = deadlines.health_exam_offer(
                initiated_on=exam.initiated_on,
                offered_on=exam.offered_on
                or (exam.initiated_on if exam.unnecessary_reason else None),
                rule_set=rules_on(exam.initiated_on),
            )
            exam.deadline_status = exam.deadline.status(today=today, due_soon_days=7)
        acute_deadline = None
        if p.is_acute and p.actual_start:
            acute_deadline = deadlines.acute_settlement(
                actual_start=p.actual_start, settled_on=None, rule_set=rules_on(p.actual_start)
            )
        can_edit = visible_children(self.request.user, CHANGE).filter(pk=p.child_id).exists()
        next_placement = Placement.objects.filter(previous=p).first()
        context.update(
            show_details=child_details_visible(self.request.user, p.child),
            can_edit=can_edit,
            exams=exams,
            # Offered only where it can succeed (domain.placements.takes_new_work).
            missing_exam_kinds=[
                (k, label)
                for k, label in HealthExamination.Kind.choices
                if k not in {e.kind for e in exams}
            ]
            if rules.takes_new_work(p.status)
            else [],
            acute_deadline=acute_deadline,
            needs_power_of_attorney=rules.requires_power_of_attorney(
                legal_basis=rules.LegalBasis(p.legal_basis),
                form=rules.PlacementForm(p.form),
                birth_date=p.child.birth_date,
                on=p.start_date,
            ),
            missing_record=rules.missing_record_fields(p.facts()),
            follow_up_limit=(
                add_months(p.actual_end, rules_on(p.actual_end).post_placement_followup_months)
                if p.actual_end
                else None
            ),
            next_placement=next_placement,
            follow_ups=p.follow_ups.prefetch_related("municipality_units", "region_units"),
            agreement=getattr(p, "agreement", None) if hasattr(p, "agreement") else None,
            moves=[(target, Placement.Status(target).label) for target in p.allowed_moves],
            today=today,
        )
        return context


class PlacementUpdateView(ServiceFormMixin, PolicyObjectMixin, UpdateView):
    policy_model = Placement
    policy_action = CHANGE
    form_class = forms.PlacementForm
    template_name = "placements/placement_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs() | _placement_form_kwargs(self.request.user)
        # Keep the current values selectable even if they are outside today's choices.
        kwargs["units"] = (
            kwargs["units"] | Unit.objects.filter(pk=self.object.placing_unit_id)
        ).distinct()
        kwargs["caseworkers"] = (
            kwargs["caseworkers"] | User.objects.filter(pk=self.object.caseworker_id)
        ).distinct()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["child"] = self.object.child
        return context

    success_message = gettext_lazy("The changes have been saved.")

    def perform(self, form: forms.PlacementForm) -> Any:
        before = services.snapshot(Placement.objects.get(pk=self.object.pk))
        return services.placement_update(
            user=self.request.user, placement=form.save(commit=False), before=before
        )

    def get_success_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"pk": self.object.pk})


class PlacementTransitionView(ServiceFormMixin, PolicyObjectMixin, FormView):
    """GET shows a confirmation step; POST makes the move."""

    policy_model = Placement
    policy_action = CHANGE
    form_class = forms.TransitionForm
    template_name = "placements/placement_transition.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.target = kwargs["target"]
        if self.target not in Placement.Status.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs() | {"target": self.target}
        if self.target == Placement.Status.ENDED:
            kwargs["meetings"] = services.held_sip_meetings(self.object.child)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            placement=self.object,
            target=self.target,
            target_label=Placement.Status(self.target).label,
            blocked=self._blocked() if self.request.method == "GET" else [],
            move_exists=rules.can_move(self.object.status, self.target),
        )
        return context

    def _blocked(self) -> list[str]:
        """Why the start cannot succeed today (R-PLAC-2 and the other start rules, asked of the
        domain as the service will ask it): then the page says so and offers no form."""
        if not rules.can_move(self.object.status, self.target):
            # Only by a typed address (the page offers the moves that exist): said at once,
            # with no form that would fail.
            return [_("This status change is not allowed for the placement.")]
        if self.target != Placement.Status.ACTIVE:
            return []
        try:
            rules.check_move(
                self.object.facts(agreement_signed=hooks.agreement_signed(self.object)),
                rules.PlacementStatus.ACTIVE,
                on=timezone.localdate(),
            )
        except RuleViolation as violation:
            return [_(v.message) for v in violations_of(violation)]
        return []

    def perform(self, form: forms.TransitionForm) -> Any:
        try:
            return services.placement_transition(
                user=self.request.user,
                placement=self.object,
                target=self.target,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data.get("reason", ""),
                follow_up_until=form.cleaned_data.get("follow_up_until"),
                end_plan_meeting=form.cleaned_data.get("end_plan_meeting"),
                end_plan_no_meeting_reason=form.cleaned_data.get("end_plan_no_meeting_reason", ""),
            )
        except RuleViolation as violation:
            for single in violations_of(violation):
                if single.field == "end_date":
                    single.field = "on"  # the form's one date is the day of the move
            raise

    def get_success_message(self) -> str:
        if self.target != Placement.Status.ENDED:
            return _("The status has been changed.")
        if self.get_form().data.get("end_plan_meeting"):
            return _("The placement has ended.")
        messages.warning(
            self.request,
            _(
                "The placement has ended. A SIP meeting for the next step (the move home or "
                "to another placement) is needed."
            ),
        )
        return ""

    def get_success_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"pk": self.object.pk})


class HealthExamCreateView(ServiceFormMixin, PolicyObjectMixin, CreateView):
    policy_model = Placement
    policy_action = CHANGE
    policy_kwarg = "placement_pk"
    form_class = forms.HealthExaminationForm
    template_name = "placements/health_exam_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.placement, self.object = self.object, None
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.placement, self.object = self.object, None
        return super().post(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"kind": self.request.GET.get("kind"), "initiated_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["placement"] = self.placement
        return context

    success_message = gettext_lazy("The health examination has been saved.")

    def perform(self, form: forms.HealthExaminationForm) -> Any:
        exam = form.save(commit=False)
        if self.placement.health_examinations.filter(kind=exam.kind).exists():
            form.add_error("kind", _("This examination is already registered for the placement."))
            return self.form_invalid(form)
        return services.health_exam_save(
            user=self.request.user, placement=self.placement, exam=exam, before=None
        )

    def get_success_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"pk": self.placement.pk})


class HealthExamUpdateView(ServiceFormMixin, PolicyObjectMixin, UpdateView):
    policy_model = HealthExamination
    policy_action = CHANGE
    form_class = forms.HealthExaminationForm
    template_name = "placements/health_exam_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["placement"] = self.object.placement
        return context

    success_message = gettext_lazy("The health examination has been saved.")

    def perform(self, form: forms.HealthExaminationForm) -> Any:
        before = services.snapshot(HealthExamination.objects.get(pk=self.object.pk))
        return services.health_exam_save(
            user=self.request.user,
            placement=self.object.placement,
            exam=form.save(commit=False),
            before=before,
        )

    def get_success_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"pk": self.object.placement_id})


class _PlacementFormView(PolicyObjectMixin, FormView):
    """A form about one placement the user may change: the placement and a way back."""

    policy_model = Placement
    policy_action = CHANGE
    policy_kwarg = "placement_pk"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            placement=self.object,
            cancel_url=reverse("placements:placement_detail", args=[self.object.pk]),
        )
        return context


class PlacementFollowUpCreateView(ServiceFormMixin, _PlacementFormView):
    """R-PLAC-7 (L24): record a joint follow-up of the placement, with the next date."""

    form_class = forms.PlacementFollowUpForm
    template_name = "placements/follow_up_form.html"

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related("child", "placing_unit")

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"placement": self.object}

    def get_initial(self) -> dict[str, Any]:
        region_units = (
            [self.object.care_contact_unit_id] if self.object.care_contact_unit_id else []
        )
        return {
            "held_on": timezone.localdate(),
            "municipality_units": [self.object.placing_unit_id],
            "region_units": region_units,
        }

    success_message = gettext_lazy("The follow-up has been recorded.")

    def perform(self, form: forms.PlacementFollowUpForm) -> Any:
        return services.placement_follow_up_record(
            user=self.request.user,
            placement=self.object,
            follow_up=form.save(commit=False),
            municipality_units=list(form.cleaned_data["municipality_units"]),
            region_units=list(form.cleaned_data["region_units"]),
            today=timezone.localdate(),
        )

    def get_success_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"pk": self.object.pk})


class PostPlacementFollowUpView(ServiceFormMixin, _PlacementFormView):
    """R-PLAC-7 (002 §3.5.2): record that the follow-up after the placement has ended."""

    form_class = forms.PostPlacementFollowUpForm
    template_name = "placements/post_follow_up_form.html"

    def get_initial(self) -> dict[str, Any]:
        return {
            "follow_up_ended_on": self.object.follow_up_ended_on or timezone.localdate(),
            "follow_up_notes": self.object.follow_up_notes,
        }

    success_message = gettext_lazy("The follow-up after the placement has been recorded.")

    def perform(self, form: forms.PostPlacementFollowUpForm) -> Any:
        return services.post_placement_follow_up_done(
            user=self.request.user,
            placement=self.object,
            done_on=form.cleaned_data["follow_up_ended_on"],
            notes=form.cleaned_data["follow_up_notes"],
            today=timezone.localdate(),
        )

    def get_success_url(self) -> str:
        return reverse("placements:placement_detail", kwargs={"pk": self.object.pk})
