"""Deviations (avvikelser) from the agreements between the principals, and the steps taken on
them (R-DEV-1; 003 §4.2, 002 §4.2).

A deviation is reported by a unit of one principal (or a school) about the other principal: what
was agreed and what happened. The receiving principal receives and answers it within the area's
time limit (``SubRegion.deviation_feedback_days``); it is handled locally and closed with an
outcome, or passed to the sub-regional cooperation (and from there to the regional level). Every
step is a row of ``DeviationEvent``; the report itself is never edited after it was made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_plausible_date
from domain.levels import Level


class DeviationCategory(models.TextChoices):
    SIP_NOT_IN_TIME = "sip_not_in_time", _("SIP not held in time")
    INTERVENTION_NOT_PROVIDED = "intervention_not_provided", _("Intervention not provided")
    COST_NOT_PAID = "cost_not_paid", _("Cost not paid as agreed")
    AGREEMENT_NOT_FOLLOWED = "agreement_not_followed", _("Agreement not followed")
    HEALTH_EXAM_NOT_PROVIDED = "health_exam_not_provided", _("Health examination not provided")
    INFORMATION_NOT_SHARED = "information_not_shared", _("Information not shared")
    OTHER = "other", _("Other")


class DeviationStatus(models.TextChoices):
    """Mirrors domain.deviations.Status (a test keeps them equal)."""

    REPORTED = "reported", _("Reported")
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")
    ESCALATED = "escalated", _("Passed to a higher level")
    CLOSED = "closed", _("Closed")


class LevelChoices(models.TextChoices):
    LOCAL = Level.LOCAL.value, _("Local")
    SUB_REGIONAL = Level.SUB_REGIONAL.value, _("Sub-regional")
    REGIONAL = Level.REGIONAL.value, _("Regional")


class Deviation(models.Model):
    reporting_unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("reporting unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporting_principal = models.ForeignKey(
        "organisations.Principal",
        verbose_name=_("reporting principal"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_principal = models.ForeignKey(
        "organisations.Principal",
        verbose_name=_("principal concerned"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The cooperation area of the municipality concerned: decides which sub-regional body
    # handles it and where it is counted in the area's report.
    sub_region = models.ForeignKey(
        "organisations.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(
        _("category"), max_length=40, choices=DeviationCategory.choices, db_index=True
    )
    occurred_on = models.DateField(_("date of the deviation"), validators=[validate_plausible_date])
    agreed = models.TextField(_("what was agreed"), max_length=4000)
    happened = models.TextField(_("what happened"), max_length=4000)
    # Optional links to a case: personal data only where needed (R-DEV-1).
    child = models.ForeignKey(
        "placements.Child",
        verbose_name=_("child"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    placement = models.ForeignKey(
        "placements.Placement",
        verbose_name=_("placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeviationStatus.choices,
        default=DeviationStatus.REPORTED,
        db_index=True,
    )
    level = models.CharField(
        _("level"), max_length=20, choices=LevelChoices.choices, default=LevelChoices.LOCAL
    )
    answer_due_on = models.DateField(_("answer due on"))
    outcome = models.TextField(_("outcome"), blank=True, max_length=4000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("reported on"), db_index=True)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deviation")
        verbose_name_plural = _("deviations")
        ordering = ["-reported_on", "-pk"]
        indexes = [
            models.Index(fields=["sub_region", "reported_on"], name="deviation_area_reported"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reporting_principal=models.F("receiving_principal")),
                name="deviation_between_two_principals",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DeviationStatus]),
                name="deviation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in DeviationCategory]),
                name="deviation_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return _("Deviation %(number)s") % {"number": self.pk}

    def audit_child_id(self) -> int | None:
        return self.child_id


class DeviationEvent(models.Model):
    """One recorded step on a deviation: received, answered, passed on, closed, a comment."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Reported")
        RECEIVED = "received", _("Received")
        ANSWERED = "answered", _("Answered")
        ESCALATED = "escalated", _("Passed to a higher level")
        CLOSED = "closed", _("Closed")
        COMMENT = "comment", _("Comment")

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=LevelChoices.choices)
    text = models.TextField(_("text"), blank=True, max_length=4000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deviation step")
        verbose_name_plural = _("deviation steps")
        ordering = ["deviation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class AreaReport(models.Model):
    """The sub-regional area's regular report to the regional level (003 §4.2): the counts are
    computed from the deviations of the period; the texts (system deficiencies found, measures
    taken locally or sub-regionally, proposals for the regional level) are written by the
    area's cooperation body. No personal data."""

    sub_region = models.ForeignKey(
        "organisations.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("from"), validators=[validate_plausible_date])
    period_end = models.DateField(_("to"), validators=[validate_plausible_date])
    system_deficiencies = models.TextField(_("identified system deficiencies"), blank=True)
    measures_taken = models.TextField(_("measures taken locally or sub-regionally"), blank=True)
    proposals = models.TextField(_("proposed measures at the regional level"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("area report on deviations")
        verbose_name_plural = _("area reports on deviations")
        ordering = ["sub_region", "-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="area_report_period_valid",
            ),
            models.UniqueConstraint(
                fields=["sub_region", "period_start", "period_end"],
                name="one_area_report_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_region} {self.period_start}–{self.period_end}"
