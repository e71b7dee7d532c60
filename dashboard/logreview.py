"""Log review (loggkontroll, issue 10): selectors over the audit log for the managers and
administrators of a principal.

**Scope.** A reviewer reads the rows about their principal's staff and data: a row is in the
scope of principal P when

- its person (``user``) is today a member of a unit of P, or
- its acting unit (``unit``) belongs to P, or
- its child is one of P's cases: the child's responsible unit belongs to P, or a unit of P
  placed the child.

A reviewer of several principals reads the union. Rows with none of the three (a failed
sign-in with an unknown e-mail address) are in nobody's scope.

**Outside the person's own cases.** A view or download of a child's records by a person who
today belongs to neither the child's responsible unit nor a unit that placed the child (the
"own children" of ``placements.policy.own_children_q``, by any role). Access through a SIP
invitation, a health examination or an agreement is legitimate but lands here too: that is
what is worth checking.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import AuditAction, AuditEvent
from core.policy import actor_for
from domain.identity import mask_identity_number
from organisations.models import Membership, Role, Unit, User
from placements.models import Child, Placement
from placements.policy import visible_child_names

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REVIEWER_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)
# "Views" in the quick views: reading a child's records on screen or as a file.
READ_ACTIONS = (AuditAction.VIEW, AuditAction.DOWNLOAD)

QUICK_VIEWS: dict[str, Any] = {
    "": _("All events"),
    "denied": _("Denied attempts"),
    "protected": _("Views of children with protected identity"),
    "outside": _("Views outside the person's own cases"),
}

# Detail keys shown on the page and in the export: never values that may hold personal data
# (a created child's snapshot, a changed address), only these. (A log review's own filter holds
# ids, dates and a masked number.)
SAFE_DETAIL_KEYS = (
    "action",
    "page",
    "pdf",
    "statement",
    "month",
    "found",
    "number",
    "filters",
    "format",
)
# The details' keys as the reviewer reads them (the values are shown as recorded).
DETAIL_LABELS = {
    "action": _("action"),
    "page": _("page"),
    "pdf": _("PDF"),
    "statement": _("statement"),
    "month": _("month"),
    "found": _("hits"),
    "number": _("number"),
    "filters": _("filters"),
    "format": _("format"),
    "fields": _("fields"),
}
# Audited things that are no model (a statement, a report): their names for the reviewer.
PSEUDO_TYPE_LABELS = {
    "agreements.statement": _("Cost statement"),
    "agreements.verification": _("Signature verification"),
    "followup.report": _("Annual follow-up report"),
    "exports.import": _("Import"),
}


def reviewer_principal_ids(user: Any) -> set[int]:
    """The principals whose log this user may review (as manager or administrator)."""
    return actor_for(user).principal_ids(*REVIEWER_ROLES)


def principal_children(principal_ids: Iterable[int]) -> QuerySet[Child]:
    """The principals' cases: children they are responsible for or have placed."""
    ids = list(principal_ids)
    return Child.objects.filter(
        Q(responsible_unit__principal_id__in=ids)
        | Q(pk__in=Placement.objects.filter(placing_unit__principal_id__in=ids).values("child_id"))
    )


def events_in_scope(principal_ids: Iterable[int]) -> QuerySet[AuditEvent]:
    """The audit rows about these principals' staff and data (see the module docstring)."""
    ids = list(principal_ids)
    if not ids:
        return AuditEvent.objects.none()
    members = Membership.objects.filter(unit__principal_id__in=ids).values("user_id")
    units = Unit.objects.filter(principal_id__in=ids).values("pk")
    return AuditEvent.objects.filter(
        Q(user_id__in=members)
        | Q(unit_id__in=units)
        | Q(child_id__in=principal_children(ids).values("pk"))
    )


def outside_own_cases(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Views of a child by a person outside the child's responsible and placing units."""
    responsible = Membership.objects.filter(
        user_id=OuterRef("user_id"), unit__responsible_for_children__pk=OuterRef("child_id")
    )
    placing = Membership.objects.filter(
        user_id=OuterRef("user_id"), unit__placements__child_id=OuterRef("child_id")
    )
    return events.filter(
        action__in=READ_ACTIONS, user__isnull=False, child_id__isnull=False
    ).filter(~Exists(responsible), ~Exists(placing))


def apply_quick_view(events: QuerySet[AuditEvent], view: str) -> QuerySet[AuditEvent]:
    if view == "denied":
        return events.filter(action=AuditAction.DENIED)
    if view == "protected":
        return events.filter(
            action__in=READ_ACTIONS,
            child_id__in=Child.objects.filter(protected_identity=True).values("pk"),
        )
    if view == "outside":
        return outside_own_cases(events)
    return events


def day_start(day: date) -> datetime:
    """Midnight at the start of the day, Swedish time."""
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM)


@dataclass(frozen=True)
class ChildRef:
    """What the filter's "child" names: a child by its id, its personnummer or reserve number."""

    pk: int | None = None
    identity_number: str = ""
    reserve_number: str = ""

    def child_ids(self) -> QuerySet[Child] | list[int]:
        if self.pk is not None:
            return [self.pk]
        if self.identity_number:
            return Child.objects.filter(identity_number=self.identity_number).values("pk")
        return Child.objects.filter(reserve_number=self.reserve_number).values("pk")

    def for_audit(self) -> str:
        """For the log of the log: never the whole personnummer."""
        if self.pk is not None:
            return f"id {self.pk}"
        if self.identity_number:
            return mask_identity_number(self.identity_number)
        return self.reserve_number


def filtered_events(
    principal_ids: Iterable[int],
    *,
    person: User | None = None,
    unit: Unit | None = None,
    child: ChildRef | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    view: str = "",
) -> QuerySet[AuditEvent]:
    """The reviewer's rows, filtered, newest first, with what the list shows (one query)."""
    events = apply_quick_view(events_in_scope(principal_ids), view)
    if person is not None:
        events = events.filter(user=person)
    if unit is not None:
        events = events.filter(unit=unit)
    if child is not None:
        events = events.filter(child_id__in=child.child_ids())
    if action:
        events = events.filter(action=action)
    if date_from is not None:
        events = events.filter(at__gte=day_start(date_from))
    if date_to is not None:
        events = events.filter(at__lt=day_start(date_to + timedelta(days=1)))
    child_row = Child.objects.filter(pk=OuterRef("child_id"))
    return (
        events.select_related("user", "unit", "unit__principal")
        .annotate(
            child_identity_number=Subquery(child_row.values("identity_number")[:1]),
            child_reserve_number=Subquery(child_row.values("reserve_number")[:1]),
            child_protected=Subquery(child_row.values("protected_identity")[:1]),
        )
        .order_by("-at", "-id")
    )


def masked_identifier(event: AuditEvent) -> str:
    """``YYYYMMDD-XXXX`` (or the reserve number) of the row's child, from the annotations."""
    number = getattr(event, "child_identity_number", None)
    if number:
        return mask_identity_number(number)
    return getattr(event, "child_reserve_number", None) or ""


def child_names(user: Any, child_ids: Iterable[int]) -> dict[int, str]:
    """The names of these children the user may see (``placements.policy``); any other child
    is shown by its masked number. One query."""
    return visible_child_names(user, child_ids)


def object_type_label(object_type: str) -> str:
    """``placements.child`` -> "Barn" (the model's verbose name), a statement or report by
    its name (``PSEUDO_TYPE_LABELS``), else the raw type."""
    if not object_type:
        return ""
    if object_type in PSEUDO_TYPE_LABELS:
        return str(PSEUDO_TYPE_LABELS[object_type])
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(capfirst(model._meta.verbose_name))


def safe_details(event: AuditEvent) -> str:
    """The row's details that carry no personal data, as ``key: value`` pairs."""
    details = event.details if isinstance(event.details, dict) else {}
    parts = [
        f"{DETAIL_LABELS[key]}: {_detail_value(key, details[key])}"
        for key in SAFE_DETAIL_KEYS
        if key in details
    ]
    if event.action == AuditAction.UPDATE and details:
        fields = sorted(k for k in details if k not in SAFE_DETAIL_KEYS)
        if fields:
            parts.append(f"{DETAIL_LABELS['fields']}: " + ", ".join(fields))
    return "; ".join(parts)


def _detail_value(key: str, value: Any) -> str:
    """The value as recorded; an ``action`` that is one of the log's events by its name."""
    if key == "action" and value in AuditAction.values:
        return str(AuditAction(value).label).lower()
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def page_path(event: AuditEvent) -> str:
    """The page's address without its query string (a search's terms stay out of the list)."""
    return event.path.split("?", 1)[0]
