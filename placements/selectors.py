"""Reads for children and placements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.policy import VIEW, fetched_through_policy, visible

from .models import Child, Placement, PlacementForm


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # "placement", "sip", "agreement", …
    title: str
    detail: str
    url: str


# Later apps (SIP, agreements) append providers: (child, user) -> list[TimelineEntry].
TIMELINE_PROVIDERS: list[Callable[[Child, Any], list[TimelineEntry]]] = []


# Short names of the forms, for naming a placement ("Alva Andersson – HVB").
SHORT_FORM_LABELS = {
    PlacementForm.HVB: gettext_lazy("HVB"),
    PlacementForm.FOSTER_HOME: gettext_lazy("Foster home"),
    PlacementForm.EMERGENCY_FOSTER_HOME: gettext_lazy("Emergency foster home"),
    PlacementForm.SIS: gettext_lazy("SiS youth home"),
    PlacementForm.SUPPORTED_HOUSING: gettext_lazy("Supported housing"),
    PlacementForm.SHORT_TERM_HOME: gettext_lazy("Short-term home"),
}


def placement_name(placement: Placement, *, show_name: bool) -> str:
    """A placement as people name it: the child and the form ("Alva Andersson – HVB"), or
    "protected identity – HVB" where this user may not see the child's name; never an id."""
    short = SHORT_FORM_LABELS.get(placement.form, placement.get_form_display())  # type: ignore[call-overload]
    who = placement.child.full_name if show_name else _("protected identity")
    return f"{who} – {short}"


# The agreement's status in the list, from the versions (R-COST-4): the version in force wins,
# then one awaiting signatures, an ended one, a draft; "none" without any version.
AGREEMENT_LIST_STATUS = ("none", "draft", "ended", "awaiting_signatures", "signed")


def _agreement_rank() -> Case:
    return Case(
        When(status="signed", then=Value(4)),
        When(status="awaiting_signatures", then=Value(3)),
        When(status="ended", then=Value(2)),
        When(status="draft", then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def with_list_columns(qs: QuerySet[Placement]) -> QuerySet[Placement]:
    """The list's computed columns, in the same query as the rows (no query per row):

    - ``agreement_status``: through the reverse relations ``agreement`` → ``versions``;
    - ``next_deadline_kind`` / ``next_deadline_due_on``: the placement's first open deadline of
      the maintained deadline table (``dashboard.Deadline``, computed by the one engine in
      domain.deadlines). Placements sit below the dashboard (import-linter layers), so the
      model is named, as the string reference to sip.SipMeeting in placements.models is, not
      imported.
    """
    agreement_model: Any = Placement._meta.get_field("agreement").related_model
    versions: Any = agreement_model._meta.get_field("versions").related_model
    latest = (
        versions.objects.filter(agreement__placement=OuterRef("pk"))
        .annotate(rank=_agreement_rank())
        .order_by("-rank", "-number")
        .values("status")[:1]
    )
    qs = qs.annotate(agreement_status=Subquery(latest))
    if not apps.is_installed("dashboard"):
        return qs
    deadlines = apps.get_model("dashboard", "Deadline")
    first_open = deadlines.objects.filter(
        placement=OuterRef("pk"), met_on__isnull=True, sip__isnull=True
    ).order_by("due_on", "pk")
    return qs.annotate(
        next_deadline_kind=Subquery(first_open.values("kind")[:1]),
        next_deadline_due_on=Subquery(first_open.values("due_on")[:1]),
    )


def deadline_kind_labels() -> dict[str, str]:
    """The labels of the deadline kinds, from the deadline table's choices (named, see above)."""
    if not apps.is_installed("dashboard"):
        return {}
    field = apps.get_model("dashboard", "Deadline")._meta.get_field("kind")
    return {str(value): str(label) for value, label in field.flatchoices}


def list_columns(qs: QuerySet[Placement]) -> QuerySet[Placement]:
    """What a row of the list shows besides the placement: the related names and the
    computed columns (``with_list_columns``)."""
    return with_list_columns(
        qs.select_related("child", "placing_unit__principal", "caseworker", "provider_municipality")
    )


class DeferredJoin:
    """The list for a paginator in two steps (issue 13): the page's ids from the scoped,
    filtered and ordered query without its joins and computed columns, then the rows with
    them for those ids alone. PostgreSQL otherwise joined every visible placement (2,700 in
    Göteborg) before it kept the 25 of the page. Only ids the first query found are read.

    Told the page it will be asked for (``expected``, a slice), the count comes with that
    page's ids in one query (``COUNT(*) OVER ()``); an empty or other slice falls back to a
    plain count and its own ids query."""

    def __init__(self, qs: QuerySet[Placement], *, expected: slice | None = None) -> None:
        self.qs = qs
        self.expected = expected
        self._ids: list[int] | None = None
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            if self.expected is not None:
                rows = list(
                    self.qs.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
                        self.expected
                    ]
                )
                if rows:
                    self._ids = [pk for pk, _total in rows]
                    self._count = rows[0][1]
            if self._count is None:
                self._count = self.qs.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Placement]:
        expected, known = self.expected, self._ids
        if (
            known is not None
            and expected is not None
            and index.start == expected.start
            and index.stop is not None
            and index.stop - (index.start or 0) <= len(known)
        ):
            ids = known[: index.stop - (index.start or 0)]
        else:
            ids = list(self.qs.values_list("pk", flat=True)[index])
        rows = {p.pk: p for p in list_columns(Placement.objects.filter(pk__in=ids))}
        return [rows[pk] for pk in ids if pk in rows]


def placement_page_source(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    form: str = "",
    expected: slice | None = None,
) -> DeferredJoin:
    """The placement list as the list page paginates it (``DeferredJoin``); ``expected``: the
    rows of the page the request asks for, if known."""
    return DeferredJoin(
        _filtered(visible(user, Placement), q=q, status=status, form=form), expected=expected
    )


def placement_list(
    *, user: Any, q: str = "", status: str = "", form: str = ""
) -> QuerySet[Placement]:
    return list_columns(_filtered(visible(user, Placement), q=q, status=status, form=form))


def _filtered(qs: QuerySet[Placement], *, q: str, status: str, form: str) -> QuerySet[Placement]:
    if status:
        qs = qs.filter(status=status)
    if form:
        qs = qs.filter(form=form)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        cond = Q(provider_name__icontains=q) | Q(child__reserve_number__iexact=q)
        # Names of children with protected identity are not searchable.
        cond |= Q(child__protected_identity=False) & (
            Q(child__first_name__icontains=q) | Q(child__last_name__icontains=q)
        )
        if len(digits) >= 6:
            cond |= Q(child__identity_number__contains=digits)
        qs = qs.filter(cond)
    return qs.order_by("-planned_start", "-pk")


def child_timeline(*, child: Child, user: Any) -> list[TimelineEntry]:
    """The child's history for someone who sees the child; nothing for anyone else. The parts
    read by child below (placements, cost meetings, agreement versions) rest on this check:
    whoever sees a child sees them."""
    from django.urls import reverse
    from django.utils import timezone

    if (
        not fetched_through_policy(child, user, VIEW)
        and not visible(user, Child).filter(pk=child.pk).exists()
    ):
        return []
    placements = list(child.placements.all())
    entries = [
        TimelineEntry(
            on=p.start_date,
            kind="placement",
            title=f"{p.get_form_display()} – {p.provider_name}",
            detail=p.get_status_display(),
            url=reverse("placements:placement_detail", args=[p.pk]),
        )
        for p in placements
    ]
    # The cost-responsibility meetings (R-MEET-1: a meeting of their own, after the SIP
    # meeting), read through the reverse relation by name: whoever sees the child sees the
    # cost meetings of its placements (agreements.policy).
    forms = {p.pk: p for p in placements}
    meetings = (
        Placement.objects.filter(child=child, cost_meetings__isnull=False)
        .order_by("cost_meetings__started_at")
        .values_list("pk", "cost_meetings__started_at")
    )
    for placement_id, started_at in meetings:
        placement = forms.get(placement_id)
        entries.append(
            TimelineEntry(
                on=timezone.localdate(started_at),
                kind="cost_meeting",
                title=_("Cost-responsibility meeting"),
                detail=(
                    f"{placement.get_form_display()} – {placement.provider_name}"
                    if placement
                    else ""
                ),
                url=reverse("placements:placement_detail", args=[placement_id]),
            )
        )
    for provider in TIMELINE_PROVIDERS:
        entries.extend(provider(child, user))
    return sorted(entries, key=lambda e: e.on, reverse=True)
