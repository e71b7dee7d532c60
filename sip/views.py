"""SIP views: thin; the policy fetches, services write, domain rules come back as form errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.audit import audit_record
from core.forms import id_param
from core.formviews import submit
from core.models import AuditAction
from core.pdf import pdf_response
from core.policy import CHANGE, VIEW, actor_for, deny, get_or_404, visible
from core.viewmixins import PolicyObjectMixin
from domain import deadlines
from domain import meetings as meeting_rules
from organisations.models import Unit
from placements.models import Child, Placement, RelatedPerson
from placements.policy import CASE_ROLES, child_details_visible

from . import forms, services
from .models import Consent, Invitation, MeetingParticipant, PlanVersion, Sip, SipMeeting
from .policy import RESPOND, initiating_unit_ids

STEP_LABELS = {
    "assess_need": gettext_lazy("Assess the need"),
    "consent": gettext_lazy("Consent"),
    "prepare": gettext_lazy("Prepare with the individual"),
    "invite": gettext_lazy("Invite"),
    "draw_up": gettext_lazy("Draw up the SIP"),
    "follow_up": gettext_lazy("Follow up"),
    "close": gettext_lazy("Close"),
}


class SipCreateView(PolicyObjectMixin, View):
    """Any party may initiate a SIP (R-SIP-1): social services, school or a region unit. So
    seeing the child is enough; the SIP is then the initiating unit's to run."""

    policy_model = Child
    policy_action = VIEW
    policy_kwarg = "child_pk"
    template_name = "sip/sip_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.units = Unit.objects.filter(
            pk__in=initiating_unit_ids(actor_for(request.user))
        ).select_related("principal")
        if not self.units.exists():
            # Sees the child (or not: then get_or_404 answers) but works in no unit that runs
            # SIPs: the same 404 and denied row as any action outside the user's scope.
            child = get_or_404(request, Child, action=VIEW, pk=kwargs["child_pk"])
            deny(request, obj=child, details={"action": "initiate SIP"})
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data: Any = None) -> forms.SipForm:
        return forms.SipForm(
            data,
            units=self.units,
            placements=self.object.placements.all(),
            initial={
                "need_noticed_on": timezone.localdate(),
                "initiating_unit": self.units.first(),
                "placements": self._placements_to_tick(),
            },
        )

    def _placements_to_tick(self) -> list[int]:
        """The placement the page was opened from (a placement's "Create SIP" step passes it),
        else the child's one open placement: linked, its next steps follow the SIP (found by
        an exploratory review: left unticked, the placement's steps never moved on)."""
        open_ids = [
            p.pk
            for p in self.object.placements.all()
            if p.status in (Placement.Status.PLANNED, Placement.Status.ACTIVE)
        ]
        asked = id_param(self.request.GET, "placement")
        if asked is not None and asked in open_ids:
            return [asked]
        return open_ids if len(open_ids) == 1 else []

    def _context(self, form: forms.SipForm) -> dict[str, Any]:
        # The child's open SIPs this user sees: a second SIP is allowed (another need, another
        # initiating party), but the page says which are open so that none is made by mistake.
        open_sips = (
            visible(self.request.user, Sip)
            .filter(child=self.object, closed_on__isnull=True)
            .select_related("initiating_unit")
            .order_by("-need_noticed_on", "-pk")
        )
        return {"form": form, "child": self.object, "open_sips": list(open_sips)}

    def get(self, request: HttpRequest, child_pk: int) -> HttpResponse:
        return render(request, self.template_name, self._context(self._form()))

    def post(self, request: HttpRequest, child_pk: int) -> HttpResponse:
        form = self._form(request.POST)
        outcome = submit(
            request,
            form,
            lambda: services.sip_create(
                user=request.user,
                child=self.object,
                initiating_unit=form.cleaned_data["initiating_unit"],
                need_noticed_on=form.cleaned_data["need_noticed_on"],
                need_description=form.cleaned_data["need_description"],
                placements=list(form.cleaned_data["placements"]),
            ),
            success_message=_("The SIP has been created."),
        )
        if outcome.ok:
            return redirect("sip:sip_detail", pk=outcome.result.pk)
        return render(request, self.template_name, self._context(form))


class SipDetailView(PolicyObjectMixin, View):
    policy_model = Sip

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related(
            "child__home_municipality__region", "initiating_unit__principal"
        ).prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("guardian", "revocation").prefetch_related(
                    "scope_units", "revocation__units"
                ),
            ),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("unit__principal", "responded_by"),
            ),
            Prefetch("meetings", queryset=SipMeeting.objects.prefetch_related("participants")),
            Prefetch(
                "plan_versions",
                queryset=PlanVersion.objects.select_related(
                    "overall_responsible_unit", "meeting", "care_contact_unit"
                ).prefetch_related("interventions__responsible_unit"),
            ),
            "placements",
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        sip = self.object
        today = timezone.localdate()
        rule_set = sip.child.home_municipality.rule_set_on(sip.need_noticed_on)
        meetings = list(sip.meetings.all())
        first_held = next((m for m in meetings if m.is_held), None)
        first_deadline = deadlines.sip_first_meeting(
            noticed_on=sip.need_noticed_on,
            held_on=timezone.localdate(first_held.started_at) if first_held else None,
            rule_set=rule_set,
        )
        progress = services.sip_progress(sip, today=today)
        actor = actor_for(request.user)
        my_units = actor.unit_ids(*CASE_ROLES)
        plans = list(sip.plan_versions.all())
        context = {
            "sip": sip,
            "child": sip.child,
            "show_details": child_details_visible(request.user, sip.child),
            "steps": [(STEP_LABELS[s], done) for s, done in progress.steps()],
            "progress": progress,
            # Booked meetings that may be recorded as held now (from their day on).
            "recordable": {
                m.pk
                for m in meetings
                if not m.is_held
                and meeting_rules.may_record_as_held(scheduled_on=m.scheduled_on, today=today)
            },
            "consent_valid": progress.consent_valid,
            "first_deadline": first_deadline,
            "first_deadline_status": first_deadline.status(today=today, due_soon_days=7),
            "meetings": meetings,
            "plans": plans,
            "latest_plan": plans[-1] if plans else None,
            "can_edit": visible(request.user, Sip, CHANGE).filter(pk=sip.pk).exists(),
            "my_pending": [
                inv
                for inv in sip.invitations.all()
                if inv.unit_id in my_units and inv.response == Invitation.Response.PENDING
            ],
            "propose_primary_care": services.primary_care_still_to_invite(sip),
        }
        audit_record(action=AuditAction.VIEW, request=request, obj=sip)
        return render(request, "sip/sip_detail.html", context)


class ConsentCreateView(PolicyObjectMixin, View):
    policy_model = Sip
    policy_action = CHANGE
    policy_kwarg = "sip_pk"

    def _form(self, data: Any = None) -> forms.ConsentForm:
        return forms.ConsentForm(
            data,
            guardians=RelatedPerson.objects.filter(child=self.object.child, kind="guardian"),
            units=Unit.objects.filter(sip_invitations__sip=self.object).distinct(),
            initial={"given_on": timezone.localdate()},
        )

    def _render(self, request: HttpRequest, form: forms.ConsentForm) -> HttpResponse:
        return render(
            request,
            "sip/consent_form.html",
            {
                "form": form,
                "sip": self.object,
                # R-SIP-2: a minor's guardians consent; none registered is said, with where.
                "minor_without_guardians": services.guardians_to_register(
                    self.object.child, on=timezone.localdate()
                ),
            },
        )

    def get(self, request: HttpRequest, sip_pk: int) -> HttpResponse:
        return self._render(request, self._form())

    def post(self, request: HttpRequest, sip_pk: int) -> HttpResponse:
        form = self._form(request.POST)
        outcome = submit(
            request,
            form,
            lambda: services.consent_record(
                user=request.user,
                sip=self.object,
                given_by_kind=form.cleaned_data["given_by_kind"],
                guardian=form.cleaned_data.get("guardian"),
                form=form.cleaned_data["form"],
                given_on=form.cleaned_data["given_on"],
                scope=form.cleaned_data["scope"],
                scope_units=list(form.cleaned_data.get("scope_units", [])),
            ),
            success_message=_("The consent has been recorded."),
        )
        if outcome.ok:
            return redirect("sip:sip_detail", pk=self.object.pk)
        return self._render(request, form)


class ConsentRevokeView(PolicyObjectMixin, View):
    policy_model = Consent
    policy_action = CHANGE

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.RevocationForm(
            initial={"revoked_on": timezone.localdate(), "effective_from": timezone.localdate()}
        )
        return render(request, "sip/revoke_form.html", {"form": form, "consent": self.object})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.RevocationForm(request.POST)
        outcome = submit(
            request,
            form,
            lambda: services.consent_revoke(
                user=request.user, consent=self.object, **form.cleaned_data
            ),
            success_message=_(
                "The consent has been revoked. The parties it concerns lose access to the SIP."
            ),
            level=messages.WARNING,
        )
        if outcome.ok:
            return redirect("sip:sip_detail", pk=self.object.sip_id)
        return render(request, "sip/revoke_form.html", {"form": form, "consent": self.object})


class InvitationCreateView(PolicyObjectMixin, View):
    policy_model = Sip
    policy_action = CHANGE
    policy_kwarg = "sip_pk"

    def _context(
        self, form: forms.InvitationForm, proposed: list[Unit] | None = None
    ) -> dict[str, Any]:
        return {
            "form": form,
            "sip": self.object,
            # R-SIP-2: no invitations without a valid consent (the page says why).
            "consent_valid": services.sip_consent_valid(self.object, on=timezone.localdate()),
            "propose_primary_care": not services.family_has_region_care_contact(self.object),
            "primary_care_units": (
                services.proposed_primary_care_units(self.object) if proposed is None else proposed
            ),
            "primary_care_ticked": bool(form.initial.get("units")),
        }

    def get(self, request: HttpRequest, sip_pk: int) -> HttpResponse:
        # R-SIP-4: without an ongoing care contact in the region, primary care is proposed:
        # the child's own vårdcentral shown and ticked in advance (unless already invited),
        # or, with none on record, the region's listed for the caseworker to pick from.
        proposed = services.proposed_primary_care_units(self.object)
        ticked = services.primary_care_to_tick(self.object)
        form = forms.InvitationForm(
            initial={"invited_on": timezone.localdate(), "units": ticked},
            sip=self.object,
        )
        return render(request, "sip/invitation_form.html", self._context(form, proposed))

    def post(self, request: HttpRequest, sip_pk: int) -> HttpResponse:
        form = forms.InvitationForm(request.POST, sip=self.object)
        outcome = submit(
            request,
            form,
            lambda: services.invitation_create(
                user=request.user,
                sip=self.object,
                units=list(form.cleaned_data["units"]),
                external_name=form.cleaned_data["external_name"],
                invited_on=form.cleaned_data["invited_on"],
            ),
            success_message=_("The invitations have been sent."),
        )
        if outcome.ok:
            return redirect("sip:sip_detail", pk=self.object.pk)
        return render(request, "sip/invitation_form.html", self._context(form))


class InvitationInboxView(View):
    """Invitations to the user's units, newest first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        units = actor_for(request.user).unit_ids(*CASE_ROLES)
        invitations = (
            visible(request.user, Invitation, RESPOND)
            .filter(unit_id__in=units)
            .select_related("sip__child", "unit", "invited_by")
            .order_by("-invited_on", "-pk")[:200]
        )
        return render(request, "sip/invitation_inbox.html", {"invitations": invitations})


class InvitationRespondView(PolicyObjectMixin, View):
    policy_model = Invitation
    policy_action = RESPOND

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related("unit", "sip__child", "sip__initiating_unit__principal")

    def _render(self, request: HttpRequest, form: forms.InvitationResponseForm) -> HttpResponse:
        return render(
            request,
            "sip/invitation_respond.html",
            {
                "form": form,
                "invitation": self.object,
                "sip_visible": visible(request.user, Sip).filter(pk=self.object.sip_id).exists(),
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(
            request, forms.InvitationResponseForm(invited_unit_id=self.object.unit_id)
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.InvitationResponseForm(request.POST, invited_unit_id=self.object.unit_id)
        outcome = submit(
            request,
            form,
            lambda: services.invitation_respond(
                user=request.user,
                invitation=self.object,
                response=form.cleaned_data["response"],
                note=form.cleaned_data["note"],
                forward_to=form.cleaned_data.get("forward_to"),
            ),
            success_message=_("Your answer has been saved."),
        )
        if outcome.ok:
            if visible(request.user, Sip).filter(pk=self.object.sip_id).exists():
                return redirect("sip:sip_detail", pk=self.object.sip_id)
            return redirect("sip:invitation_inbox")
        return self._render(request, form)


class MeetingCreateView(PolicyObjectMixin, View):
    policy_model = Sip
    policy_action = CHANGE
    policy_kwarg = "sip_pk"

    def get(self, request: HttpRequest, sip_pk: int) -> HttpResponse:
        kind = "initial" if not self.object.meetings.exists() else "follow_up"
        form = forms.MeetingScheduleForm(initial={"kind": kind})
        return self._render(request, form)

    def _render(self, request: HttpRequest, form: forms.MeetingScheduleForm) -> HttpResponse:
        consent_valid = services.sip_consent_valid(self.object, on=timezone.localdate())
        return render(
            request,
            "sip/meeting_form.html",
            {"form": form, "sip": self.object, "consent_valid": consent_valid},
        )

    def post(self, request: HttpRequest, sip_pk: int) -> HttpResponse:
        form = forms.MeetingScheduleForm(request.POST)
        outcome = submit(
            request,
            form,
            lambda: services.meeting_schedule(
                user=request.user, sip=self.object, meeting=form.save(commit=False)
            ),
            success_message=_("The meeting has been scheduled."),
        )
        if outcome.ok:
            return redirect("sip:sip_detail", pk=self.object.pk)
        return self._render(request, form)


def _participant_initial(meeting: SipMeeting) -> list[dict[str, Any]]:
    sip = meeting.sip
    rows: list[dict[str, Any]] = [
        {"kind": MeetingParticipant.Kind.CHILD, "name": sip.child.full_name, "attended": True}
    ]
    for person in sip.child.related_persons.all():
        rows.append(
            {
                "kind": person.kind,
                "name": person.name,
                "attended": person.kind == "guardian",
                "related_person_id": person.pk,
            }
        )
    for inv in sip.invitations.select_related("unit"):
        if inv.response in (Invitation.Response.PENDING, Invitation.Response.ACCEPTED):
            rows.append(
                {
                    "kind": MeetingParticipant.Kind.STAFF
                    if inv.unit_id
                    else MeetingParticipant.Kind.OTHER,
                    "name": inv.unit.name if inv.unit_id else inv.external_name,
                    # Those who accepted are ticked; a party that never answered is not.
                    "attended": inv.response == Invitation.Response.ACCEPTED,
                    "unit_id": inv.unit_id,
                }
            )
    return rows


class MeetingHeldView(PolicyObjectMixin, View):
    """Record a meeting as held, with attendance and the plan version it produces."""

    policy_model = SipMeeting
    policy_action = CHANGE

    def _render(
        self, request: HttpRequest, form: Any, participants: Any, interventions: Any
    ) -> HttpResponse:
        return render(
            request,
            "sip/meeting_held.html",
            {
                "form": form,
                "participants": participants,
                "interventions": interventions,
                "meeting": self.object,
                "sip": self.object.sip,
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meeting = self.object
        latest = meeting.sip.plan_versions.order_by("-number").first()
        start = datetime.combine(
            meeting.scheduled_on, meeting.scheduled_time or datetime.min.time()
        )
        form = forms.MeetingHeldForm(
            initial={
                "started_at": start.strftime("%Y-%m-%dT%H:%M"),
                "individual_offered_on": meeting.individual_offered_on,
                "needs": latest.needs if latest else "",
                "overall_responsible_unit": latest.overall_responsible_unit_id
                if latest
                else meeting.sip.initiating_unit_id,
            }
        )
        participants = forms.ParticipantFormSet(prefix="p", initial=_participant_initial(meeting))
        interventions = forms.InterventionFormSet(
            prefix="i",
            initial=[
                {
                    "description": i.description,
                    "responsible_kind": i.responsible_kind,
                    "responsible_unit": i.responsible_unit_id,
                    "responsible_name": i.responsible_name,
                    "is_health_care": i.is_health_care,
                }
                for i in (latest.interventions.all() if latest else [])
            ],
        )
        return self._render(request, form, participants, interventions)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.MeetingHeldForm(request.POST)
        participants = forms.ParticipantFormSet(request.POST, prefix="p")
        interventions = forms.InterventionFormSet(request.POST, prefix="i")
        sip = self.object.sip

        def record() -> Any:
            rows = [r for r in participants.cleaned_data if r and r.get("name")]
            unit_ids = {r.get("unit_id") for r in rows if r.get("unit_id")}
            units = Unit.objects.in_bulk(unit_ids) if unit_ids else {}
            persons = {p.pk: p for p in sip.child.related_persons.all()}
            return services.meeting_record_held(
                user=request.user,
                meeting=self.object,
                started_at=form.cleaned_data["started_at"],
                ended_at=form.cleaned_data["ended_at"],
                individual_offered_on=form.cleaned_data["individual_offered_on"],
                child_views=form.cleaned_data["child_views"],
                participants=[
                    services.ParticipantData(
                        kind=row["kind"],
                        name=row["name"],
                        unit=units.get(row.get("unit_id") or 0),
                        related_person=persons.get(row.get("related_person_id") or 0),
                        attended=row.get("attended", False),
                    )
                    for row in rows
                ],
                needs=form.cleaned_data["needs"],
                interventions=[
                    services.InterventionData(
                        description=row["description"],
                        responsible_kind=row["responsible_kind"],
                        responsible_unit=row.get("responsible_unit"),
                        responsible_name=row.get("responsible_name", ""),
                        is_health_care=row.get("is_health_care", False),
                    )
                    for row in interventions.cleaned_data
                    if row and row.get("description")
                ],
                overall_responsible_unit=form.cleaned_data["overall_responsible_unit"],
                next_follow_up_on=form.cleaned_data["next_follow_up_on"],
                care_contact_name=form.cleaned_data["care_contact_name"],
                care_contact_unit=form.cleaned_data["care_contact_unit"],
            )

        outcome = submit(
            request,
            form,
            record,
            success_message=_("The meeting and the plan have been saved."),
            valid=participants.is_valid() and interventions.is_valid(),
        )
        if outcome.ok:
            return redirect("sip:sip_detail", pk=sip.pk)
        return self._render(request, form, participants, interventions)


class PlanCompareView(PolicyObjectMixin, View):
    """Two versions of the plan side by side (default: the two latest)."""

    policy_model = Sip
    policy_kwarg = "sip_pk"

    def get(self, request: HttpRequest, sip_pk: int) -> HttpResponse:
        versions = list(
            self.object.plan_versions.select_related("overall_responsible_unit").prefetch_related(
                "interventions__responsible_unit"
            )
        )
        by_number = {v.number: v for v in versions}

        def pick(name: str, default: int) -> PlanVersion | None:
            number = id_param(request.GET, name)
            return by_number.get(number if number is not None else default)

        latest = versions[-1].number if versions else 0
        left, right = pick("a", latest - 1), pick("b", latest)
        audit_record(
            action=AuditAction.VIEW, request=request, obj=self.object, details={"compare": True}
        )
        return render(
            request,
            "sip/plan_compare.html",
            {"sip": self.object, "versions": versions, "left": left, "right": right},
        )


class SipPdfView(PolicyObjectMixin, View):
    """A printable SIP for the family, in Swedish, without cost information."""

    policy_model = Sip
    policy_action = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        sip = self.object
        plan = (
            sip.plan_versions.select_related(
                "overall_responsible_unit", "meeting", "care_contact_unit"
            )
            .order_by("-number")
            .first()
        )
        context = {
            "sip": sip,
            "child": sip.child,
            "show_details": child_details_visible(request.user, sip.child),
            "plan": plan,
            "interventions": plan.interventions.select_related("responsible_unit") if plan else [],
            "participants": plan.meeting.participants.all() if plan else [],
            "today": timezone.localdate(),
        }
        audit_record(action=AuditAction.DOWNLOAD, request=request, obj=sip, details={"pdf": "sip"})
        return pdf_response(
            "sip/sip_pdf.html", context, filename=f"SIP-{sip.pk}.pdf", request=request
        )
