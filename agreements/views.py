"""Agreement views: thin; the policy fetches, services write, rules return as form errors."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from core.audit import audit_record
from core.formats import XLSX_AMOUNT_FORMAT, format_date
from core.forms import add_rule_error, date_param, id_param
from core.formviews import ServiceFormMixin
from core.models import AuditAction
from core.policy import CHANGE, deny, visible
from core.streaming import csv_response
from core.viewmixins import PolicyObjectMixin
from domain import disputes as dispute_rules
from domain.errors import RuleViolation, RuleViolations, violations_of
from organisations.models import FinancialMandate, Membership, Principal, User
from placements.models import Placement
from placements.policy import child_details_visible, visible_child_names
from placements.selectors import placement_name
from sip.models import Invitation, Sip, SipMeeting

from . import forms, selectors, services, signatures
from .models import Agreement, AgreementVersion, CostMeeting
from .policy import party_principal_ids, visible_pair


def _staff_for(placement: Placement, principals: tuple[Principal, Principal]) -> list[User]:
    """Staff who may take part: the placing unit, the units invited to the child's SIPs, and the
    signatories of both principals."""
    unit_ids = {placement.placing_unit_id} | set(
        Invitation.objects.filter(sip__child=placement.child)
        .exclude(unit=None)
        .values_list("unit_id", flat=True)
    )
    principal_ids = [p.pk for p in principals]
    user_ids = set(
        Membership.objects.filter(
            unit_id__in=unit_ids, unit__principal_id__in=principal_ids
        ).values_list("user_id", flat=True)
    ) | set(
        FinancialMandate.objects.filter(principal_id__in=principal_ids)
        .valid_on(timezone.localdate())
        .values_list("user_id", flat=True)
    )
    names = dict(
        Membership.objects.filter(user_id__in=user_ids, unit__principal_id__in=principal_ids)
        .order_by("-pk")
        .values_list("user_id", "unit__principal__name")
    )
    users = list(User.objects.filter(pk__in=user_ids).order_by("last_name", "first_name"))
    for user in users:
        user.principal_name = names.get(user.pk, "")
    return users


def _family_choices(placement: Placement) -> list[tuple[str, str]]:
    child = placement.child
    choices = [(f"child:{child.pk}", _("The child"))]
    for person in child.related_persons.all():
        choices.append(
            (f"{person.kind}:{person.pk}", f"{person.name} ({person.get_kind_display()})")
        )
    return choices


def _held_sip_meetings(placement: Placement) -> Any:
    return SipMeeting.objects.filter(sip__child=placement.child, ended_at__isnull=False).order_by(
        "-ended_at"
    )


def _sip_next_step(placement: Placement) -> tuple[str, str]:
    """What is missing before a cost meeting can be registered (R-MEET-1: it is based on a
    held SIP meeting of the child), and where it is done: register a booked meeting as held,
    book a meeting in the child's SIP, or start a SIP."""
    child = placement.child
    booked = (
        SipMeeting.objects.filter(sip__child=child, ended_at__isnull=True)
        .order_by("scheduled_on")
        .first()
    )
    if booked is not None:
        return (
            _("Register the SIP meeting of %(day)s as held")
            % {"day": format_date(booked.scheduled_on)},
            reverse("sip:meeting_held", args=[booked.pk]),
        )
    sip = Sip.objects.filter(child=child).order_by("-pk").first()
    if sip is not None:
        return _("Book a meeting in the child's SIP"), reverse("sip:meeting_create", args=[sip.pk])
    return _("Start a SIP for the child"), reverse("sip:sip_create", args=[child.pk])


class CostMeetingCreateView(ServiceFormMixin, PolicyObjectMixin, FormView):
    """R-MEET-1..3. Not offered when it cannot succeed: without a held SIP meeting of the
    child the page says so and links to where it is done (issue 12)."""

    policy_model = Placement
    policy_action = CHANGE
    policy_kwarg = "placement_pk"
    form_class = forms.CostMeetingForm
    template_name = "agreements/cost_meeting_form.html"
    success_message = gettext_lazy("The cost-responsibility meeting has been registered.")

    def held(self) -> list[SipMeeting]:
        if not hasattr(self, "_held"):
            self._held = list(_held_sip_meetings(self.object))
        return self._held

    def get_form_kwargs(self) -> dict[str, Any]:
        placement = self.object
        principals = services.principals_of(placement)
        return super().get_form_kwargs() | {
            "sip_meetings": _held_sip_meetings(placement),
            "staff": _staff_for(placement, principals),
            "family": _family_choices(placement),
            "principals": principals,
        }

    def get_initial(self) -> dict[str, Any]:
        held = self.held()
        return {"sip_meeting": held[0].pk} if len(held) == 1 else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = {"placement": self.object}
        if not self.held():
            label, url = _sip_next_step(self.object)
            return context | {"missing": True, "next_label": label, "next_url": url}
        return super().get_context_data(**kwargs) | context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.held():
            return self.render_to_response(self.get_context_data())
        return super().post(request, *args, **kwargs)

    def perform(self, form: forms.CostMeetingForm) -> Any:
        # The domain decides about family members; the form only knows the choices exist.
        users = {
            u.pk: u
            for u in User.objects.filter(
                pk__in=[
                    int(v.split(":")[1])
                    for v in form.cleaned_data["participants"]
                    if v.startswith("user:")
                ]
            )
        }
        choices = []
        for value in form.cleaned_data["participants"]:
            kind, _sep, pk = value.partition(":")
            if kind == "user":
                choices.append(services.ParticipantChoice(kind="staff", user=users.get(int(pk))))
            else:
                choices.append(services.ParticipantChoice(kind=kind))
        return services.cost_meeting_create(
            user=self.request.user,
            placement=self.object,
            sip_meeting=form.cleaned_data["sip_meeting"],
            started_at=form.cleaned_data["started_at"],
            ended_at=form.cleaned_data["ended_at"],
            place=form.cleaned_data["place"],
            participants=choices,
        )

    def get_success_url(self) -> str:
        return f"{_agreement_create_url(self.object)}?cost_meeting={self.result.pk}"


def _agreement_create_url(placement: Placement) -> str:
    if hasattr(placement, "agreement"):
        return reverse("agreements:agreement_detail", args=[placement.agreement.pk])
    return reverse("agreements:agreement_create", args=[placement.pk])


def _line_initial(
    cost_meeting: CostMeeting | None, principals: tuple[Principal, Principal]
) -> list[dict[str, Any]]:
    if cost_meeting is None:
        return []
    plan = getattr(cost_meeting.sip_meeting, "plan", None)
    if plan is None:
        return []
    municipality, region = principals
    rows = []
    for item in plan.interventions.select_related("responsible_unit__principal"):
        principal = item.responsible_principal
        rows.append(
            {
                "description": item.description,
                "kind": services.intervention_kind(item),
                "responsible_principal": (
                    principal.pk
                    if principal and principal.pk in (municipality.pk, region.pk)
                    else (region.pk if item.is_health_care else municipality.pk)
                ),
                "intervention_id": item.pk,
            }
        )
    return rows


class _VersionFormMixin(ServiceFormMixin, PolicyObjectMixin, FormView):
    """Shared by creating the first draft and editing a draft: the version form and its
    lines (a formset). Not offered without a cost meeting of the placement (issue 12)."""

    template_name = "agreements/version_form.html"
    success_message = gettext_lazy("The agreement draft has been saved.")

    def placement(self) -> Placement:
        return self.object

    def version(self) -> AgreementVersion | None:
        return None

    def cost_meetings(self) -> Any:
        return CostMeeting.objects.filter(placement=self.placement()).order_by("-started_at")

    def get_form(self, form_class: Any = None) -> forms.AgreementVersionForm:
        data = self.request.POST if self.request.method == "POST" else None
        cost_meeting_id = None if data is not None else id_param(self.request.GET, "cost_meeting")
        placement = self.placement()
        principals = services.principals_of(placement)
        version = self.version()
        cost_meetings = self.cost_meetings()
        initial: dict[str, Any] = {"split_method": "percent"}
        if cost_meeting_id is not None:
            initial["cost_meeting"] = cost_meeting_id
        elif version is None and cost_meetings:
            initial["cost_meeting"] = cost_meetings[0].pk
        if placement.form == Placement.Form.HVB:
            initial.update(split_unclear=True, split_method="standard")
        form = forms.AgreementVersionForm(
            data,
            instance=version,
            initial=initial if version is None else None,
            cost_meetings=cost_meetings,
            is_acute=placement.is_acute,
            first_version=version is None or version.number == 1,
        )
        if version is not None:
            lines_initial = [
                {
                    "description": line.description,
                    "responsible_principal": line.responsible_principal_id,
                    "amount_per_month": line.amount_per_month,
                    "intervention_id": line.intervention_id,
                    "kind": line.kind,
                    "deviation_reason": line.deviation_reason,
                }
                for line in version.lines.all()
            ]
        else:
            meeting = cost_meetings.filter(pk=initial.get("cost_meeting")).first()
            lines_initial = _line_initial(meeting, principals)
        self.lines = forms.LineFormSet(
            data,
            prefix="l",
            initial=lines_initial,
            form_kwargs={"principals": Principal.objects.filter(pk__in=[p.pk for p in principals])},
        )
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        placement = self.placement()
        context: dict[str, Any] = {
            "placement": placement,
            "version": self.version(),
            "standard_offered": placement.form == Placement.Form.HVB,
        }
        if not self.cost_meetings().exists():
            return context | {
                "missing": True,
                "next_url": reverse("agreements:cost_meeting_create", args=[placement.pk]),
            }
        context = super().get_context_data(**kwargs) | context
        context.setdefault("lines", self.lines)
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.cost_meetings().exists():
            return self.render_to_response(self.get_context_data())
        form = self.get_form()
        if form.is_valid() and self.lines.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form, lines=self.lines))

    def perform(self, form: forms.AgreementVersionForm) -> Any:
        data = services.VersionData(
            cost_meeting=form.cleaned_data["cost_meeting"],
            health_care_provision=form.cleaned_data["health_care_provision"],
            split_unclear=form.cleaned_data["split_unclear"],
            split_method=form.cleaned_data["split_method"],
            region_percent=form.cleaned_data.get("region_percent"),
            region_amount_per_month=form.cleaned_data.get("region_amount_per_month"),
            applies_from_start=form.cleaned_data.get("applies_from_start", False),
            effective_from=form.cleaned_data.get("effective_from"),
        )
        rows = [
            (index, row)
            for index, row in enumerate(self.lines.cleaned_data)
            if row and row.get("description")
        ]
        line_data = [
            services.LineData(
                description=row["description"],
                responsible_principal=row["responsible_principal"],
                amount_per_month=row.get("amount_per_month"),
                intervention_id=row.get("intervention_id"),
                kind=row.get("kind") or None,
                deviation_reason=row.get("deviation_reason", ""),
            )
            for _index, row in rows
        ]
        try:
            return services.agreement_draft_save(
                user=self.request.user,
                placement=self.placement(),
                data=data,
                lines=line_data,
                version=self.version(),
            )
        except RuleViolation as violation:
            # A line's violation goes next to the field of that line (R-COST-1); the others
            # to the version form, all of them at once.
            others = []
            for single in violations_of(violation):
                if isinstance(single, services.LineRuleViolation):
                    add_rule_error(self.lines.forms[rows[single.index][0]], single)
                else:
                    others.append(single)
            if others:
                raise RuleViolations(others) from None
            return self.form_invalid(form)

    def get_success_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.result.agreement_id])


class AgreementCreateView(_VersionFormMixin):
    policy_model = Placement
    policy_action = CHANGE
    policy_kwarg = "placement_pk"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if Agreement.objects.filter(placement=self.object).exists():
            return redirect("agreements:agreement_detail", pk=self.object.agreement.pk)
        return super().get(request, *args, **kwargs)


class VersionEditView(_VersionFormMixin):
    policy_model = AgreementVersion
    policy_action = CHANGE

    def placement(self) -> Placement:
        return self.object.agreement.placement

    def version(self) -> AgreementVersion:
        return self.object

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.object.is_editable:
            messages.error(request, _("Only a draft can be changed."))
            return redirect("agreements:agreement_detail", pk=self.object.agreement_id)
        return super().get(request, *args, **kwargs)


class AgreementDetailView(PolicyObjectMixin, View):
    policy_model = Agreement

    def get_policy_queryset(self, qs: Any) -> Any:
        return qs.select_related(
            "placement__child__home_municipality__region",
            "placement__placing_unit",
            "municipality",
            "region",
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        agreement = self.object
        versions = list(
            agreement.versions.select_related(
                "cost_meeting__sip_meeting", "sip_meeting"
            ).prefetch_related(
                "lines__responsible_principal",
                "declines__user",
                "cost_meeting__participant_rows__user",
                "reviews",
                "signatures__user",
            )
        )
        can_edit = visible(request.user, Agreement, CHANGE).filter(pk=agreement.pk).exists()
        disputes = list(
            agreement.disputes.select_related("temporary_split", "raised_by_principal").order_by(
                "-opened_on", "-pk"
            )
        )
        is_party = bool(party_principal_ids(request.user, agreement))
        has_open_dispute = any(d.status == "open" for d in disputes)
        # R-DISP-1: a party may open a dispute unless the domain says why not (shown instead).
        dispute_refused = dispute_rules.opening_refused(
            has_open_dispute=has_open_dispute,
            placement_started=agreement.placement.actual_start is not None,
        )
        context = {
            "agreement": agreement,
            "disputes": disputes,
            "can_open_dispute": is_party and dispute_refused is None,
            # The open dispute is listed above; only the other reason needs saying.
            "dispute_refused": _(dispute_refused)
            if is_party and dispute_refused and not has_open_dispute
            else "",
            "placement": agreement.placement,
            "show_details": child_details_visible(request.user, agreement.placement.child),
            "versions": versions,
            "can_edit": can_edit,
            "can_new_version": can_edit
            and any(v.status == "signed" for v in versions)
            and not any(v.status in ("draft", "awaiting_signatures") for v in versions),
            "signable": {
                v.pk: signatures.signable_principals(request.user, v, on=timezone.localdate())
                for v in versions
                if v.status == "awaiting_signatures"
            },
            "signing_steps": {
                v.pk: signatures.signing_steps(v)
                for v in versions
                if v.status == "awaiting_signatures"
            },
            "signature_rows": {
                v.pk: [s for s in v.signatures.all() if s.signing_round == v.signing_round]
                for v in versions
            },
        }
        audit_record(action=AuditAction.VIEW, request=request, obj=agreement)
        return render(request, "agreements/agreement_detail.html", context)


class VersionSendView(PolicyObjectMixin, View):
    policy_model = AgreementVersion
    policy_action = CHANGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.agreement_send_for_signature(user=request.user, version=self.object)
        except RuleViolation as violation:
            messages.error(request, _(violation.message))
        else:
            messages.success(request, _("The agreement has been sent for signature."))
        return redirect("agreements:agreement_detail", pk=self.object.agreement_id)


class JointReviewView(ServiceFormMixin, PolicyObjectMixin, FormView):
    """R-COST-5: record a joint review of the version in force that changed nothing."""

    policy_model = AgreementVersion
    policy_action = CHANGE
    form_class = forms.JointReviewForm
    template_name = "agreements/joint_review.html"
    success_message = gettext_lazy("The joint review has been recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"held_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"version": self.object}

    def perform(self, form: forms.JointReviewForm) -> Any:
        return services.agreement_review_record(
            user=self.request.user,
            version=self.object,
            held_on=form.cleaned_data["held_on"],
            next_review_on=form.cleaned_data["next_review_on"],
            note=form.cleaned_data["note"],
        )

    def get_success_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.object.agreement_id])


class AgreementNewVersionView(PolicyObjectMixin, View):
    policy_model = Agreement
    policy_action = CHANGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            version = services.agreement_new_version(user=request.user, agreement=self.object)
        except RuleViolation as violation:
            messages.error(request, _(violation.message))
            return redirect("agreements:agreement_detail", pk=self.object.pk)
        return redirect("agreements:version_edit", pk=version.pk)


def _month(request: HttpRequest, *, last_day: date | None = None) -> date:
    """The month asked for (``?month=2026-05``); when none or a bad one is given (a bad one
    with a message saying so), the current month, or the month of ``last_day`` when that was
    before it (a placement that has ended opens on its last month, which has days)."""
    month, error = date_param(request.GET, "month", month=True)
    if error:
        messages.error(request, error)
    if month is None:
        today = timezone.localdate()
        month = date(today.year, today.month, 1)
        if last_day is not None and last_day < month:
            month = last_day.replace(day=1)
    return month


class PlacementStatementView(PolicyObjectMixin, View):
    policy_model = Placement
    policy_kwarg = "placement_pk"

    def get(self, request: HttpRequest, placement_pk: int) -> HttpResponse:
        month = _month(request, last_day=self.object.actual_end)
        statement = selectors.placement_statement(
            placement=self.object, year=month.year, month=month.month
        )
        corrections = selectors.placement_corrections(
            placement=self.object, year=month.year, month=month.month
        )
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            obj=self.object,
            details={"statement": f"{month:%Y-%m}"},
        )
        return render(
            request,
            "agreements/placement_statement.html",
            {
                "placement": self.object,
                "statement": statement,
                "corrections": [{"line": line} for line in corrections],
                "month": month,
                "month_form": forms.MonthForm(initial={"month": month}),
            },
        )


class PairStatementView(View):
    """What each principal owes the other for a month: page, CSV and XLSX."""

    def get(self, request: HttpRequest) -> HttpResponse:
        agreements = visible(request.user, Agreement)
        # The pairs the user has agreements of, asked once: the choice lists then filter by
        # plain ids instead of the whole scope again (issue 13).
        pairs = set(agreements.order_by().values_list("municipality_id", "region_id").distinct())
        municipalities = Principal.objects.filter(pk__in={m for m, _r in pairs})
        regions = Principal.objects.filter(pk__in={r for _m, r in pairs})
        form = forms.PairForm(request.GET or None, municipalities=municipalities, regions=regions)
        # A pair outside the user's agreements is not among the page's choices: it is a
        # guessed URL, answered like any object outside the scope (404 and a denied row).
        outside = form.is_bound and form.outside_choices()
        if outside:
            deny(
                request,
                object_type="agreements.statement",
                object_id=",".join(request.GET.get(name, "") for name in outside),
                details={"action": "view", "fields": outside},
            )
        context: dict[str, Any] = {"form": form, "result": None}
        if form.is_bound and form.is_valid():
            month = form.cleaned_data["month"]
            pair = visible_pair(
                request.user,
                municipality_id=form.cleaned_data["municipality"].pk,
                region_id=form.cleaned_data["region"].pk,
            )
            fmt = request.GET.get("format", "")
            names = (form.cleaned_data["municipality"], form.cleaned_data["region"])
            if fmt in ("csv", "xlsx"):
                audit_record(
                    action=AuditAction.EXPORT,
                    request=request,
                    object_type="agreements.statement",
                    details={
                        "month": f"{month:%Y-%m}",
                        "format": fmt,
                        "pair": [p.pk for p in names],
                    },
                )
                return _export(pair, month, names, fmt)
            page_number = id_param(request.GET, "page") or 1
            start = (max(page_number, 1) - 1) * PAIR_PAGE_SIZE
            result = selectors.pair_statement(
                agreements=pair,
                year=month.year,
                month=month.month,
                start=start,
                stop=start + PAIR_PAGE_SIZE,
            )
            if result.count and start >= result.count:  # past the last page: show the last
                start = (result.count - 1) // PAIR_PAGE_SIZE * PAIR_PAGE_SIZE
                result = selectors.pair_statement(
                    agreements=pair,
                    year=month.year,
                    month=month.month,
                    start=start,
                    stop=start + PAIR_PAGE_SIZE,
                )
            page = Paginator(range(result.count), PAIR_PAGE_SIZE).get_page(
                start // PAIR_PAGE_SIZE + 1
            )
            query = request.GET.copy()
            query.pop("page", None)
            names_of = visible_child_names(
                request.user, (row.placement.child_id for row in result.rows)
            )
            row_names = {
                row.placement.pk: placement_name(
                    row.placement, show_name=row.placement.child_id in names_of
                )
                for row in result.rows
            }
            context.update(
                result=result,
                municipality=names[0],
                region=names[1],
                page_obj=page,
                paginator=page.paginator,
                is_paginated=page.paginator.num_pages > 1,
                querystring=query.urlencode(),
                row_names=row_names,
                corrections=[
                    {"line": line, "name": row_names[row.placement.pk]}
                    for row in result.rows
                    for line in row.corrections
                ],
            )
            audit_record(
                action=AuditAction.VIEW,
                request=request,
                object_type="agreements.statement",
                details={"month": f"{month:%Y-%m}", "pair": [p.pk for p in names]},
            )
        return render(request, "agreements/pair_statement.html", context)


PAIR_PAGE_SIZE = 100


def _header() -> list[str]:
    return [
        _("Placement"),
        _("Child"),
        _("Days"),
        _("Total (SEK)"),
        _("Municipality (SEK)"),
        _("Region (SEK)"),
    ]


def _export_rows(pair: Any, month: date) -> Iterator[list[Any]]:
    """Rows without personal data (the placement number and the child's initials), streamed
    one placement at a time, then the sums and what each principal owes the other."""
    totals = selectors.PairTotals()
    for row in selectors.pair_rows(agreements=pair, year=month.year, month=month.month):
        totals.add(row)
        yield [
            row.placement.pk,
            row.placement.child.shareable_initials,
            row.statement.days,
            row.statement.total,
            row.statement.municipality,
            row.statement.region,
        ]
        # R-DISP-1: a retroactive recommendation's correction lines, per month adjusted.
        for line in row.corrections:
            yield [
                row.placement.pk,
                _("Correction %(month)s") % {"month": f"{line.year}-{line.month:02d}"},
                "",
                line.region_difference + line.municipality_difference,
                line.municipality_difference,
                line.region_difference,
            ]
    yield [_("Sum"), "", "", totals.total, totals.municipality_part, totals.region_part]
    yield [_("Region owes the municipality"), "", "", totals.region_owes, "", ""]
    yield [_("Municipality owes the region"), "", "", totals.municipality_owes, "", ""]


def _export(
    pair: Any, month: date, names: tuple[Principal, Principal], fmt: str
) -> HttpResponseBase:
    filename = f"kostnadsfordelning-{month:%Y-%m}"
    if fmt == "csv":
        # Decimal commas without thousands separators: a spreadsheet reads them as numbers.
        def csv_rows() -> Iterator[list[Any]]:
            for row in _export_rows(pair, month):
                yield [
                    f"{v.quantize(Decimal('0.01')):f}".replace(".", ",")
                    if isinstance(v, Decimal)
                    else v
                    for v in row
                ]

        return csv_response(_header(), csv_rows(), filename=f"{filename}.csv")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    # A write-only workbook keeps no rows in memory; it is written to a temporary file that
    # is then streamed (issue 13).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{month:%Y-%m}")
    for column, width in zip("ABCDEF", (34, 8, 8, 16, 18, 16), strict=True):
        sheet.column_dimensions[column].width = width
    # The month as a date (shown ÅÅÅÅ-MM), the amounts as numbers with a number format, so
    # that the sheet computes with them and shows Swedish separators (issue 12).
    month_cell = WriteOnlyCell(sheet, value=date(month.year, month.month, 1))
    month_cell.number_format = "yyyy-mm"
    sheet.append([f"{names[0].name} – {names[1].name}", month_cell])
    sheet.append(_header())
    for row in _export_rows(pair, month):
        cells: list[Any] = []
        for value in row:
            if isinstance(value, Decimal):
                amount_cell = WriteOnlyCell(sheet, value=value)
                amount_cell.number_format = XLSX_AMOUNT_FORMAT
                cells.append(amount_cell)
            else:
                cells.append(value)
        sheet.append(cells)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
