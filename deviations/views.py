"""Deviation pages (R-DEV-1): thin views; the policy fetches, the services write, the rules come
back as form errors next to their fields."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.audit import audit_record
from core.formats import format_date
from core.forms import id_param
from core.formviews import ServiceFormMixin
from core.formviews import submit as submit_form
from core.models import AuditAction
from core.policy import deny
from core.streaming import csv_response
from core.viewmixins import PolicyObjectMixin
from domain import deviations as rules
from domain.levels import Level
from organisations.models import SubRegion
from placements.policy import visible_child_names

from . import forms, selectors, services
from .models import AreaReport, Deviation, DeviationCategory, DeviationStatus
from .policy import EDIT_REPORT, is_body_member, parties_of, report_areas

STEP_LABELS = {
    rules.Action.RECEIVE: gettext_lazy("Confirm that the deviation has been received"),
    rules.Action.ANSWER: gettext_lazy("Answer the deviation"),
    rules.Action.ESCALATE: gettext_lazy("Pass the deviation to the next level"),
    rules.Action.CLOSE: gettext_lazy("Close the deviation with an outcome"),
    rules.Action.COMMENT: gettext_lazy("Add a comment"),
}
STEP_BUTTONS = {
    rules.Action.RECEIVE: gettext_lazy("Mark as received"),
    rules.Action.ANSWER: gettext_lazy("Send the answer"),
    rules.Action.ESCALATE: gettext_lazy("Pass on"),
    rules.Action.CLOSE: gettext_lazy("Close the deviation"),
    rules.Action.COMMENT: gettext_lazy("Add the comment"),
}
STEP_URLS = {
    rules.Action.RECEIVE: "deviations:deviation_receive",
    rules.Action.ANSWER: "deviations:deviation_answer",
    rules.Action.ESCALATE: "deviations:deviation_escalate",
    rules.Action.CLOSE: "deviations:deviation_close",
    rules.Action.COMMENT: "deviations:deviation_comment",
}
STEP_ORDER = (
    rules.Action.RECEIVE,
    rules.Action.ANSWER,
    rules.Action.CLOSE,
    rules.Action.ESCALATE,
    rules.Action.COMMENT,
)
LEVEL_LABELS = {
    Level.LOCAL: gettext_lazy("local"),
    Level.SUB_REGIONAL: gettext_lazy("sub-regional"),
    Level.REGIONAL: gettext_lazy("regional"),
}


def _deadline(deviation: Deviation, today: date) -> dict[str, Any]:
    status = rules.Status(deviation.status)
    awaiting = status in rules.AWAITING_ANSWER
    overdue = rules.is_overdue(status=status, due_on=deviation.answer_due_on, today=today)
    return {"awaiting": awaiting, "overdue": overdue, "due_on": deviation.answer_due_on}


def _actions(user: Any, deviation: Deviation) -> list[rules.Action]:
    allowed = rules.allowed_actions(
        status=rules.Status(deviation.status),
        level=Level(deviation.level),
        parties=parties_of(user, deviation),
        has_area=deviation.sub_region_id is not None,
    )
    return [a for a in STEP_ORDER if a in allowed]


def next_step_text(deviation: Deviation, today: date) -> str:
    """R-DEV-1, what comes next, in words: who must do what by when."""
    step = rules.next_step(
        status=rules.Status(deviation.status),
        level=Level(deviation.level),
        due_on=deviation.answer_due_on,
        today=today,
    )
    receiver = (
        deviation.receiving_unit.name
        if deviation.receiving_unit is not None
        else deviation.receiving_principal.name
    )
    body = (
        _("the sub-regional cooperation of %(area)s") % {"area": deviation.sub_region}
        if deviation.level == Level.SUB_REGIONAL
        else _("the regional level (LiSA)")
    )
    due = format_date(step.due_on) if step.due_on else ""
    if step.action is None:
        return _("The deviation is closed. Nothing more is to be done.")
    if step.party == rules.Party.RECEIVER and step.action == rules.Action.RECEIVE:
        text = _("%(who)s confirms that the deviation has been received and answers it by %(due)s.")
        return text % {"who": receiver, "due": due}
    if step.party == rules.Party.RECEIVER:
        return _("%(who)s answers the deviation by %(due)s.") % {"who": receiver, "due": due}
    if step.party == rules.Party.BODY and step.action == rules.Action.ANSWER:
        return capfirst(_("%(who)s answers the deviation by %(due)s.") % {"who": body, "due": due})
    if step.party == rules.Party.BODY and deviation.level == Level.REGIONAL:
        return capfirst(_("%(who)s closes the deviation with an outcome.") % {"who": body})
    if step.party == rules.Party.BODY:
        return capfirst(
            _("%(who)s closes the deviation with an outcome, or passes it on.") % {"who": body}
        )
    return _(
        "The answer has been given. %(reporter)s or %(receiver)s closes the deviation with an "
        "outcome, or passes it to the sub-regional level if it is not solved locally."
    ) % {"reporter": deviation.reporting_unit.name, "receiver": receiver}


class DeviationListView(ListView):  # type: ignore[type-arg]
    """Mine, my principal's, my body's: filters by status and category; the answer deadline
    and whether it is overdue on every row."""

    template_name = "deviations/deviation_list.html"
    paginate_by = 25
    context_object_name = "deviations"

    def get_queryset(self) -> Any:
        self.filter_form = forms.DeviationFilterForm(self.request.GET or None)
        params = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.deviation_list(
            user=self.request.user,
            whose=params.get("whose", ""),
            status=params.get("status", ""),
            category=params.get("category", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = list(context["deviations"])
        names = visible_child_names(self.request.user, [d.child_id for d in rows])
        for deviation in rows:
            deviation.deadline = _deadline(deviation, today)
            deviation.child_name = selectors.child_label(self.request.user, deviation, names)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            deviations=rows,
            filter_form=self.filter_form,
            querystring=query.urlencode(),
            can_report=bool(services.reporting_units(self.request.user)),
            can_see_reports=is_body_member(self.request.user),
        )
        audit_record(
            action=AuditAction.SEARCH,
            request=self.request,
            object_type="deviations.deviation",
            details={"list": True, "count": context["paginator"].count},
        )
        return context


class DeviationCreateView(ServiceFormMixin, FormView):  # type: ignore[type-arg]
    """R-DEV-1: report a deviation to the other principal."""

    form_class = forms.DeviationForm
    template_name = "deviations/deviation_form.html"
    success_message = gettext_lazy(
        "The deviation has been reported. The other principal has been given a deadline to answer."
    )

    def units(self) -> list[Any]:
        if not hasattr(self, "_units"):
            self._units = list(services.reporting_units(self.request.user))
        return self._units

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.units():
            # A person without a unit (a body member, an administrator) reports nothing.
            return render(request, "deviations/deviation_no_unit.html", status=200)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"user": self.request.user, "units": self.units()}

    def get_initial(self) -> dict[str, Any]:
        """A link from a case page may name the child, placement or agreement
        (``?placering=12``); the form offers it only if it is among this person's choices."""
        initial = super().get_initial()
        for param, field in (("barn", "child"), ("placering", "placement"), ("avtal", "agreement")):
            value = id_param(self.request.GET, param)
            if value is not None:
                initial[field] = value
        return initial

    def perform(self, form: forms.DeviationForm) -> Deviation:
        data = form.cleaned_data
        unit = next(u for u in self.units() if u.pk == data["unit"])
        return services.report_deviation(
            user=self.request.user,
            unit=unit,
            data=services.DeviationData(
                category=data["category"],
                occurred_on=data["occurred_on"],
                agreed=data["agreed"],
                happened=data["happened"],
                receiving_principal_id=data.get("receiving_principal"),
                receiving_unit_id=data.get("receiving_unit"),
                child_id=data.get("child"),
                placement_id=data.get("placement"),
                agreement_id=data.get("agreement"),
            ),
        )

    def get_success_url(self) -> str:
        return reverse("deviations:deviation_detail", args=[self.result.pk])


def _deviation_queryset(qs: Any) -> Any:
    return qs.select_related(
        "reporting_unit",
        "reporting_principal",
        "receiving_principal",
        "receiving_unit",
        "sub_region",
        "reported_by",
        "placement",
        "agreement",
    )


class DeviationDetailView(PolicyObjectMixin, TemplateView):
    """One deviation: what was reported, the steps so far, what comes next and the steps this
    person can take now (only those that can succeed)."""

    policy_model = Deviation
    template_name = "deviations/deviation_detail.html"

    def get_policy_queryset(self, qs: Any) -> Any:
        return _deviation_queryset(qs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        deviation: Any = self.object
        today = timezone.localdate()
        actions = _actions(self.request.user, deviation)
        audit_record(action=AuditAction.VIEW, request=self.request, obj=deviation)
        return super().get_context_data(**kwargs) | {
            "deviation": deviation,
            "events": selectors.events_of(deviation),
            "child_name": selectors.child_label(self.request.user, deviation),
            "deadline": _deadline(deviation, today),
            "next_step": next_step_text(deviation, today),
            "level_label": LEVEL_LABELS[Level(deviation.level)],
            "steps": [
                {
                    "action": action.value,
                    "url": reverse(STEP_URLS[action], args=[deviation.pk]),
                    "title": STEP_LABELS[action],
                    "button": STEP_BUTTONS[action],
                    "form": forms.StepForm(action=action, prefix=action.value),
                    "needs_text": action != rules.Action.RECEIVE,
                }
                for action in actions
            ],
        }


class DeviationStepView(ServiceFormMixin, PolicyObjectMixin, FormView):  # type: ignore[type-arg]
    """One step (R-DEV-1). Offered only when it can succeed; asked for anyway (a stale page, a
    guessed URL) the page says why not, and a POST is refused by the service with the rule."""

    policy_model = Deviation
    form_class = forms.StepForm
    template_name = "deviations/deviation_step.html"
    action: ClassVar[rules.Action]
    object: Any

    def get_policy_queryset(self, qs: Any) -> Any:
        return _deviation_queryset(qs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"action": self.action, "prefix": self.action.value}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "deviation": self.object,
            "possible": self.action in _actions(self.request.user, self.object),
            "title": STEP_LABELS[self.action],
            "button": STEP_BUTTONS[self.action],
            "needs_text": self.action != rules.Action.RECEIVE,
            "next_step": next_step_text(self.object, timezone.localdate()),
        }

    def get_success_message(self) -> str:
        return {
            rules.Action.RECEIVE: _("The deviation has been marked as received."),
            rules.Action.ANSWER: _("The answer has been recorded."),
            rules.Action.ESCALATE: _("The deviation has been passed to the next level."),
            rules.Action.CLOSE: _("The deviation has been closed."),
            rules.Action.COMMENT: _("The comment has been added."),
        }[self.action]

    def perform(self, form: forms.StepForm) -> Deviation:
        return services.deviation_step(
            user=self.request.user,
            deviation=self.object,
            action=self.action,
            text=form.cleaned_data["text"],
        )

    def get_success_url(self) -> str:
        return reverse("deviations:deviation_detail", args=[self.object.pk])


def step_view(action: rules.Action) -> Any:
    return type(f"Deviation{action.value.title()}View", (DeviationStepView,), {"action": action})


# --- the area report ----------------------------------------------------------------------------


class _AreaReportMixin:
    """The area and period from the query string: the areas the person may read are the
    choices; another area is a guessed URL, a 404 with a denied row."""

    request: HttpRequest

    def load(self, request: HttpRequest) -> dict[str, Any]:
        areas = list(report_areas(request.user))
        if not areas:
            deny(request, object_type="deviations.areareport", details={"action": "view"})
        today = timezone.localdate()
        default = selectors.default_period(today)
        initial = {"area": areas[0].pk, "start": default.start, "end": default.end}
        form = forms.AreaReportPeriodForm(
            request.GET if "area" in request.GET else None, areas=areas, initial=initial
        )
        if form.is_bound and not form.is_valid() and "area" in form.errors:
            deny(
                request,
                object_type="organisations.subregion",
                object_id=request.GET.get("area", ""),
                details={"action": "view", "page": "area_report"},
            )
        params = form.cleaned_data if form.is_bound and form.is_valid() else initial
        area = next(a for a in areas if a.pk == params["area"])
        period = rules.Period(start=params["start"], end=params["end"])
        query = f"area={area.pk}&start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
        return {"areas": areas, "form": form, "area": area, "period": period, "query": query}


def _report_of(area: SubRegion, period: rules.Period) -> AreaReport | None:
    return AreaReport.objects.filter(
        sub_region=area, period_start=period.start, period_end=period.end
    ).first()


class AreaReportView(_AreaReportMixin, View):
    """R-DEV-1 (003 §4.2): the area's report to the regional level, per period: counts per
    category and status, the trend against the previous period of equal length, the most
    frequent categories, and the body's three texts, editable until submitted. Numbers only:
    no personal data."""

    template_name = "deviations/area_report.html"

    def context(self, request: HttpRequest, texts_form: Any = None) -> dict[str, Any]:
        loaded = self.load(request)
        area, period = loaded["area"], loaded["period"]
        data = selectors.area_report_data(sub_region=area, period=period)
        report = _report_of(area, period)
        may_edit = report_areas(request.user, EDIT_REPORT).filter(pk=area.pk).exists()
        editable = may_edit and (report is None or report.submitted_at is None)
        if texts_form is None and editable:
            texts_form = forms.AreaReportTextsForm(
                initial={
                    "system_deficiencies": report.system_deficiencies if report else "",
                    "measures_taken": report.measures_taken if report else "",
                    "proposals": report.proposals if report else "",
                }
            )
        categories = dict(DeviationCategory.choices)
        rows = [
            {
                "label": categories[row.category],
                "cells": [row.by_status[s] for s in DeviationStatus.values],
                "total": row.total,
                "previous": row.previous,
                "change": row.change,
                "trend": rules.trend(current=row.total, previous=row.previous).value,
            }
            for row in data.counts.rows
        ]
        return {
            **loaded,
            "data": data,
            "rows": rows,
            "statuses": DeviationStatus.choices,
            "totals": [data.counts.by_status[s] for s in DeviationStatus.values],
            "overall_trend": rules.trend(
                current=data.counts.total, previous=data.counts.previous
            ).value,
            "most_frequent": [(categories[r.category], r.total) for r in data.most_frequent],
            "levels": [(LEVEL_LABELS[lvl], data.by_level[lvl.value]) for lvl in Level],
            "report": report,
            "texts_form": texts_form if editable else None,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        context = self.context(request)
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            object_type="deviations.areareport",
            object_id=context["report"].pk if context["report"] else "",
            details={
                "area": context["area"].pk,
                "start": context["period"].start,
                "end": context["period"].end,
            },
        )
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        loaded = self.load(request)
        area, period = loaded["area"], loaded["period"]
        if not report_areas(request.user, EDIT_REPORT).filter(pk=area.pk).exists():
            deny(
                request,
                object_type="organisations.subregion",
                object_id=str(area.pk),
                details={"action": "change", "page": "area_report"},
            )
        texts_form = forms.AreaReportTextsForm(request.POST)
        submit = "submit" in request.POST
        if loaded["form"].errors:
            # The texts belong to the period asked for: a wrong period saves nothing.
            return render(request, self.template_name, self.context(request, texts_form=texts_form))

        def perform() -> AreaReport:
            return services.area_report_save(
                user=request.user,
                sub_region=area,
                period=period,
                texts=services.AreaReportTexts(**texts_form.cleaned_data),
                submit=submit,
            )

        outcome = submit_form(
            request,
            texts_form,
            perform,
            success_message=(
                _("The report has been submitted to the regional level.")
                if submit
                else _("The report has been saved.")
            ),
        )
        if outcome.ok:
            return HttpResponseRedirect(f"{request.path}?{loaded['query']}")
        return render(request, self.template_name, self.context(request, texts_form=texts_form))


class AreaReportCsvView(_AreaReportMixin, View):
    """The area report's table as CSV (numbers only, no personal data)."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        loaded = self.load(request)
        area, period = loaded["area"], loaded["period"]
        data = selectors.area_report_data(sub_region=area, period=period)
        audit_record(
            action=AuditAction.EXPORT,
            request=request,
            object_type="deviations.areareport",
            details={"area": area.pk, "start": period.start, "end": period.end, "format": "csv"},
        )
        header = [
            _("Category"),
            *[str(label) for _v, label in DeviationStatus.choices],
            _("Total"),
            _("Previous period"),
            _("Change since the previous period"),
        ]
        return csv_response(
            header,
            selectors.area_report_csv_rows(data),
            filename=f"avvikelser-{area.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv",
        )
