"""A maintained table of deadlines, derived from the case records by the deadline engine
(domain.deadlines) whenever they change, so the dashboard can count in the database."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from domain.deadlines import DeadlineKind, DeadlineStatus

KIND_LABELS = {
    DeadlineKind.SIP_FIRST_MEETING: _("First SIP meeting (3 weeks)"),
    DeadlineKind.ACUTE_SETTLEMENT: _("Acute placement: cost split settled (30 days)"),
    DeadlineKind.AGREEMENT_BEFORE_START: _("Agreement signed before the placement starts"),
    DeadlineKind.HEALTH_EXAM_OFFER: _("Health examination offered (4 weeks)"),
    DeadlineKind.SIP_FOLLOW_UP: _("SIP follow-up"),
    DeadlineKind.AGREEMENT_REVIEW: _("Joint review of the cost split"),
    DeadlineKind.POST_PLACEMENT_FOLLOW_UP: _("Follow-up after the placement (2 months)"),
    DeadlineKind.INVESTIGATION_DECISION: _("Decision to investigate (2 weeks)"),
    DeadlineKind.INVESTIGATION_COMPLETION: _("Investigation completed (4 months)"),
    DeadlineKind.CARE_CONTACT: _("Permanent care contact appointed"),
    DeadlineKind.POWER_OF_ATTORNEY: _("Power of attorney issued (LVU)"),
    DeadlineKind.PLACEMENT_FOLLOW_UP: _("Joint follow-up of the placement"),
    DeadlineKind.DISPUTE_SUB_REGIONAL: _("Dispute solved sub-regionally (30 days)"),
    DeadlineKind.DISPUTE_REGIONAL: _("Dispute prepared by the regional level (30 days)"),
}
STATUS_LABELS = {
    DeadlineStatus.MET_ON_TIME: _("Met on time"),
    DeadlineStatus.MET_LATE: _("Met late"),
    DeadlineStatus.OPEN: _("Open"),
    DeadlineStatus.DUE_SOON: _("Due soon"),
    DeadlineStatus.OVERDUE: _("Overdue"),
}


# The statuses of a deadline not met, in the order of their due dates: overdue before today,
# due soon from today through the due-soon window, open after it.
_UNMET_ORDER = ("overdue", "due_soon", "open")


def status_q(statuses: Iterable[str], *, today: date, due_soon_days: int) -> Q:
    """The deadlines whose status (``with_status``) is one of ``statuses``, said on the columns:
    PostgreSQL estimates and indexes ``met_on IS NULL AND due_on <= …`` (the partial index of
    unmet deadlines), not a CASE expression, which it guessed at 100 rows of 4,000 (issue 13).
    The same boundaries as ``with_status`` (a test compares them for every set of statuses).
    Adjacent unmet statuses become one date range."""
    wanted = set(statuses)
    soon = today + timedelta(days=due_soon_days)
    bounds = {
        "overdue": (None, today - timedelta(days=1)),
        "due_soon": (today, soon),
        "open": (soon + timedelta(days=1), None),
    }
    ranges: list[list[date | None]] = []
    previous = False
    for name in _UNMET_ORDER:
        if name in wanted:
            low, high = bounds[name]
            if previous:
                ranges[-1][1] = high  # adjacent: extend the range
            else:
                ranges.append([low, high])
        previous = name in wanted
    parts = []
    for low, high in ranges:
        part = Q(met_on__isnull=True)
        if low is not None:
            part &= Q(due_on__gte=low)
        if high is not None:
            part &= Q(due_on__lte=high)
        parts.append(part)
    if "met_on_time" in wanted:
        parts.append(Q(met_on__isnull=False, met_on__lte=F("due_on")))
    if "met_late" in wanted:
        parts.append(Q(met_on__isnull=False, met_on__gt=F("due_on")))
    if not parts:
        return Q(pk__in=[])
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def in_status(self, *statuses: str, today: date, due_soon_days: int) -> DeadlineQuerySet:
        """Only the deadlines of these statuses (``status_q``)."""
        return self.filter(status_q(statuses, today=today, due_soon_days=due_soon_days))

    def with_status(self, *, today: date, due_soon_days: int) -> DeadlineQuerySet:
        """The status computed in the database: the same boundaries as
        domain.deadlines.deadline_status (a test compares them day by day)."""
        soon = today + timedelta(days=due_soon_days)
        return self.annotate(
            status=Case(
                When(met_on__isnull=False, met_on__lte=F("due_on"), then=Value("met_on_time")),
                When(met_on__isnull=False, then=Value("met_late")),
                When(due_on__lt=today, then=Value("overdue")),
                When(due_on__lte=soon, then=Value("due_soon")),
                default=Value("open"),
                output_field=models.CharField(),
            )
        )


class Deadline(models.Model):
    kind = models.CharField(
        _("kind"), max_length=40, choices=[(k.value, KIND_LABELS[k]) for k in DeadlineKind]
    )
    key = models.CharField(max_length=100, unique=True)  # kind + object: the upsert key
    due_on = models.DateField(_("due on"), db_index=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    child = models.ForeignKey("placements.Child", on_delete=models.CASCADE, related_name="+")
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sip = models.ForeignKey(
        "sip.Sip", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The other party's unit that acts on the deadline, e.g. the region unit that offers a
    # health examination: its members see the deadline too ("my deadlines", reminders, their
    # managers' dashboard). SIP deadlines reach the invited units through the SIP instead.
    partner_unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("partner unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rule = models.CharField(_("rule"), max_length=20)
    url = models.CharField(max_length=200)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["unit", "due_on"], name="deadline_unit_due"),
            # The unmet deadlines (a small share of the table at national scale: every list
            # of work asks for them first, issue 13).
            models.Index(
                fields=["unit", "due_on"],
                condition=models.Q(met_on__isnull=True),
                name="deadline_unmet_unit_due",
            ),
            models.Index(
                fields=["due_on"],
                condition=models.Q(met_on__isnull=True),
                name="deadline_unmet_due",
            ),
            # The annual follow-up counts R-SIP-1 rows by kind over a period.
            models.Index(fields=["kind", "due_on"], name="deadline_kind_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in DeadlineKind]), name="deadline_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"


class ReminderPreference(models.Model):
    """The kinds a person does not want reminders about."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    disabled_kinds = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return str(self.user)


class ReminderLog(models.Model):
    """One digest per person and day at most (the unique constraint makes it so)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    items = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret of a personal calendar feed. Renewing replaces it: the old URL dies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.user)
