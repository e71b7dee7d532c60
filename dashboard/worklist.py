"""The lists of work on the start page and "my deadlines" (issue 12): the open deadlines grouped
per child, each with its kind once, its due date, how many days are left or late, and one link
to the page where the step is done.

The wording and the grouping are pure functions over the rows already fetched (no queries);
whether a child's name may be shown is decided by the selector (``selectors.child_names``),
under the protected-identity rule (``placements.policy.child_details_visible``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from domain.deadlines import DeadlineKind, DeadlineStatus

# What to do, said once per deadline: the link's text. The link goes to the deadline's page
# (Deadline.url), where the step is done.
ACTION_LABELS: dict[str, Promise] = {
    DeadlineKind.SIP_FIRST_MEETING: _("Hold the first SIP meeting"),
    DeadlineKind.ACUTE_SETTLEMENT: _("Settle the cost split of the acute placement"),
    DeadlineKind.AGREEMENT_BEFORE_START: _("Have the agreement signed before the start"),
    DeadlineKind.HEALTH_EXAM_OFFER: _("Offer the health examination"),
    DeadlineKind.SIP_FOLLOW_UP: _("Hold the SIP follow-up"),
    DeadlineKind.AGREEMENT_REVIEW: _("Review the cost split together"),
    DeadlineKind.POST_PLACEMENT_FOLLOW_UP: _("Follow up after the placement"),
    DeadlineKind.INVESTIGATION_DECISION: _("Decide whether to investigate"),
    DeadlineKind.INVESTIGATION_COMPLETION: _("Complete the investigation"),
    DeadlineKind.CARE_CONTACT: _("Appoint a permanent care contact"),
    DeadlineKind.POWER_OF_ATTORNEY: _("Have the power of attorney issued"),
    DeadlineKind.PLACEMENT_FOLLOW_UP: _("Record the joint follow-up of the placement"),
    DeadlineKind.DISPUTE_SUB_REGIONAL: _("Solve the dispute or pass it to the regional level"),
    DeadlineKind.DISPUTE_REGIONAL: _("Prepare the dispute and issue a recommendation"),
}


def days_left(due_on: date, today: date) -> int:
    """Days until the deadline: positive ahead, 0 on the day, negative when late."""
    return (due_on - today).days


def due_phrase(days: int) -> str:
    """ "om 3 dagar", "om 1 dag", "i dag", "1 dag sen", "5 dagar sen"."""
    if days > 0:
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    if days == 0:
        return gettext("today")
    late = -days
    return ngettext("%(count)d day late", "%(count)d days late", late) % {"count": late}


def urgency(days: int, *, due_soon_days: int) -> str:
    """``overdue``, ``due_soon`` or ``open``: the same boundaries as the status the database
    computes (``DeadlineQuerySet.with_status``) for a deadline not yet met."""
    if days < 0:
        return "overdue"
    if days <= due_soon_days:
        return "due_soon"
    return "open"


@dataclass(frozen=True)
class WorkItem:
    deadline: Any
    days: int
    phrase: str
    urgency: str

    @property
    def action(self) -> str:
        label = ACTION_LABELS.get(self.deadline.kind)
        text = str(label) if label is not None else self.deadline.get_kind_display()
        detail = _detail(self.deadline)
        return f"{text}: {detail}" if detail else text


def _detail(deadline: Any) -> str:
    """What tells two deadlines of one kind and child apart: the examination's kind, which the
    deadline's key ends with (``placement:<pk>:exam:<kind>``, dashboard.sync)."""
    from placements.models import ExamKind

    prefix, _sep, exam_kind = str(getattr(deadline, "key", "")).rpartition(":exam:")
    if prefix and exam_kind in ExamKind.values:
        label = str(ExamKind(exam_kind).label)
        return label[:1].lower() + label[1:]
    return ""


@dataclass
class ChildGroup:
    child_id: int
    # None when the user may not see the name (protected identity): the template then says
    # "protected identity" and shows the masked number.
    name: str | None
    masked_identifier: str
    items: list[WorkItem] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.urgency == "overdue")


def work_item(deadline: Any, *, today: date, due_soon_days: int) -> WorkItem:
    days = days_left(deadline.due_on, today)
    met_on = getattr(deadline, "met_on", None)
    if met_on is not None:  # the drill-down lists met deadlines too: no days left or late
        from .models import STATUS_LABELS

        on_time = met_on <= deadline.due_on
        status = DeadlineStatus.MET_ON_TIME if on_time else DeadlineStatus.MET_LATE
        return WorkItem(
            deadline=deadline, days=days, phrase=str(STATUS_LABELS[status]), urgency="met"
        )
    return WorkItem(
        deadline=deadline,
        days=days,
        phrase=due_phrase(days),
        urgency=urgency(days, due_soon_days=due_soon_days),
    )


def group_by_child(
    deadlines: Iterable[Any], *, today: date, names: Mapping[int, str], due_soon_days: int
) -> list[ChildGroup]:
    """One group per child in the order the children's first deadlines come (the rows are
    ordered by due date, so the most urgent child is first); ``names`` holds the names of the
    children whose name the user may see."""
    groups: dict[int, ChildGroup] = {}
    for deadline in deadlines:
        group = groups.get(deadline.child_id)
        if group is None:
            child = deadline.child
            group = groups[deadline.child_id] = ChildGroup(
                child_id=deadline.child_id,
                name=names.get(deadline.child_id),
                masked_identifier=child.identifier_masked,
            )
        group.items.append(work_item(deadline, today=today, due_soon_days=due_soon_days))
    return list(groups.values())
