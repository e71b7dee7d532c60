"""Cost-responsibility meetings and agreements with versions, lines and signatures."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_plausible_date
from domain import agreements as rules
from organisations.models import Principal
from placements.models import Placement
from sip.models import Intervention, SipMeeting


class CostMeeting(models.Model):
    """The cost-responsibility meeting: a record of its own kind, never a SIP meeting
    (R-MEET-1), with staff of the two principals only (R-MEET-2)."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.PROTECT,
        related_name="cost_meetings",
    )
    sip_meeting = models.ForeignKey(
        SipMeeting,
        verbose_name=_("the held SIP meeting it is based on"),
        on_delete=models.PROTECT,
        related_name="cost_meetings",
    )
    started_at = models.DateTimeField(_("starts at"), validators=[validate_plausible_date])
    ended_at = models.DateTimeField(
        _("ends at"), null=True, blank=True, validators=[validate_plausible_date]
    )
    place = models.CharField(_("place or video link"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CostMeetingParticipant",
        verbose_name=_("participants"),
        related_name="cost_meetings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cost-responsibility meeting")
        verbose_name_plural = _("cost-responsibility meetings")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return _("Cost meeting %(date)s") % {"date": f"{self.started_at:%Y-%m-%d}"}

    def audit_child_id(self) -> int:
        return self.placement.child_id


class CostMeetingParticipant(models.Model):
    meeting = models.ForeignKey(
        CostMeeting, on_delete=models.CASCADE, related_name="participant_rows"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    principal = models.ForeignKey(Principal, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="cost_participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.principal})"


class Agreement(models.Model):
    """One agreement per placement and pair of principals; its content lives in versions."""

    placement = models.OneToOneField(
        Placement, verbose_name=_("placement"), on_delete=models.PROTECT, related_name="agreement"
    )
    municipality = models.ForeignKey(
        Principal, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Principal, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cost-responsibility agreement")
        verbose_name_plural = _("cost-responsibility agreements")

    def __str__(self) -> str:
        return _("Agreement for %(placement)s") % {"placement": self.placement}

    def audit_child_id(self) -> int:
        return self.placement.child_id

    @property
    def principal_ids(self) -> tuple[int, int]:
        return (self.municipality_id, self.region_id)


class RegionPart(models.Model):
    """The region's part of a split: a percentage or kronor per month (R-COST-2), as an
    agreement version, a dispute's temporary split and a recommendation state it."""

    region_percent = models.DecimalField(
        _("region's share (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    region_amount_per_month = models.DecimalField(
        _("region's part (SEK per month)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True


class AgreementVersion(RegionPart):
    class Status(models.TextChoices):
        """Mirrors domain.agreements.AgreementStatus (a test keeps them equal)."""

        DRAFT = "draft", _("Draft")
        AWAITING_SIGNATURES = "awaiting_signatures", _("Awaiting signatures")
        SIGNED = "signed", _("Signed")
        SUPERSEDED = "superseded", _("Superseded")
        ENDED = "ended", _("Ended")

    class SplitMethod(models.TextChoices):
        STANDARD = "standard", _("Standard split: region one third, municipality two thirds")
        PERCENT = "percent", _("Agreed percentage")
        AMOUNT = "amount", _("Region's part in kronor per month")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default="draft")
    sip_meeting = models.ForeignKey(
        SipMeeting,
        verbose_name=_("the SIP meeting it is based on"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cost_meeting = models.ForeignKey(
        CostMeeting,
        verbose_name=_("the cost-responsibility meeting"),
        on_delete=models.PROTECT,
        related_name="agreement_versions",
    )
    health_care_provision = models.TextField(_("how the health-care interventions are provided"))
    split_unclear = models.BooleanField(
        _("the split is unclear (HVB with both social and health-care interventions)"),
        default=False,
    )
    split_method = models.CharField(
        _("split of the placement cost"), max_length=20, choices=SplitMethod.choices
    )
    applies_from_start = models.BooleanField(
        _("both principals agree that the split applies from the placement start"), default=False
    )
    effective_from = models.DateField(
        _("effective from"), null=True, blank=True, validators=[validate_plausible_date]
    )
    effective_until = models.DateField(
        _("effective until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    review_on = models.DateField(
        _("next joint review"), null=True, blank=True, validators=[validate_plausible_date]
    )
    sent_at = models.DateTimeField(
        _("sent for signature at"), null=True, blank=True, validators=[validate_plausible_date]
    )
    signing_round = models.PositiveIntegerField(
        _("signing round"), default=0, help_text=_("Raised each time the version is sent.")
    )
    signed_at = models.DateTimeField(
        _("signed by both at"), null=True, blank=True, validators=[validate_plausible_date]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in rules.AgreementStatus]),
                name="agreement_status_valid",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=["draft", "awaiting_signatures"]),
                name="one_open_version_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return _("Version %(n)s") % {"n": self.number}

    def audit_child_id(self) -> int:
        return self.agreement.placement.child_id

    @property
    def is_editable(self) -> bool:
        """Nothing signed is ever edited: only drafts change."""
        return self.status == rules.AgreementStatus.DRAFT


class AgreementLine(models.Model):
    """One intervention of the SIP and its responsible principal (R-COST-1, R-COST-2), with its
    cost in kronor per month where there is one. Its kind says whose it is by the main rule
    (health care the region's, social services and school the municipality's); a line that puts
    it otherwise states why."""

    class Kind(models.TextChoices):
        """Mirrors domain.agreements.InterventionKind (a test keeps them equal)."""

        SOCIAL = "social", _("Social services")
        SCHOOL = "school", _("School")
        HEALTH_CARE = "health_care", _("Health care")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="lines")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("intervention"), max_length=500)
    responsible_principal = models.ForeignKey(
        Principal,
        verbose_name=_("responsible principal"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_per_month = models.DecimalField(
        _("cost (SEK per month)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    kind = models.CharField(_("kind of intervention"), max_length=20, choices=Kind.choices)
    deviation_reason = models.TextField(
        _("reason the other principal bears it"),
        blank=True,
        help_text=_("Only when the line departs from the main rule (L15)."),
    )

    class Meta:
        verbose_name = _("agreement line")
        verbose_name_plural = _("agreement lines")
        ordering = ["version", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in rules.InterventionKind]),
                name="agreement_line_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class JointReview(models.Model):
    """R-COST-5: a joint review of the version in force that changed nothing. Append-only:
    the signed version itself is never edited; the review sets the next review date."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("held on"), validators=[validate_plausible_date])
    next_review_on = models.DateField(_("next joint review"), validators=[validate_plausible_date])
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("joint review")
        verbose_name_plural = _("joint reviews")
        ordering = ["version", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on}"

    def audit_child_id(self) -> int:
        return self.version.agreement.placement.child_id


class DeclineRecord(models.Model):
    """A declined signature: the version went back to draft; the reason is kept."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="declines")
    principal = models.ForeignKey(Principal, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    declined_at = models.DateTimeField(_("declined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declined signature")
        verbose_name_plural = _("declined signatures")

    def __str__(self) -> str:
        return self.reason[:60]


class SignedDocument(models.Model):
    """One revision of the agreement PDF: 0 is the rendered document, then one per signature,
    then the final document timestamp. Stored with its SHA-256 in the same transaction as the
    signature row; never overwritten (unique revision numbers, no update path)."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="documents"
    )
    revision = models.PositiveIntegerField(_("revision"))
    signing_round = models.PositiveIntegerField(_("signing round"))
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    is_final = models.BooleanField(_("fully signed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        ordering = ["version", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "revision"], name="document_revision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} r{self.revision}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("A signed document is never overwritten.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Signature(models.Model):
    """R-MEET-3: one signature per principal, by a person with a financial mandate."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    principal = models.ForeignKey(Principal, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), validators=[validate_plausible_date])
    authentication = models.CharField(_("how the signer authenticated"), max_length=200)
    second_factor_at = models.DateTimeField(
        _("second factor confirmed at"), validators=[validate_plausible_date]
    )
    document = models.OneToOneField(
        SignedDocument, on_delete=models.PROTECT, related_name="signature"
    )
    signing_round = models.PositiveIntegerField(_("signing round"))
    sequence = models.PositiveIntegerField(_("order"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["version", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "signing_round", "principal"], name="one_signature_per_principal"
            ),
            models.UniqueConstraint(
                fields=["version", "signing_round", "sequence"], name="signature_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.principal}"


# --- disputes (R-DISP-1) ------------------------------------------------------------------------


class Dispute(models.Model):
    """R-DISP-1: a dispute between the two principals about how the agreement is to be read in
    the case (responsibility or cost). Solved locally, then sub-regionally, then the regional
    level issues a recommendation. Every step is a ``DisputeStep``; the signed versions are
    never edited — a temporary split and a recommendation are records of their own that the
    statements read."""

    class Subject(models.TextChoices):
        RESPONSIBILITY = "responsibility", _("Responsibility for an intervention")
        COST = "cost", _("The split of the cost")

    class Status(models.TextChoices):
        """Mirrors domain.disputes.DisputeStatus (a test keeps them equal)."""

        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Solved by the parties")
        RECOMMENDED = "recommended", _("Closed by a recommendation")

    class Level(models.TextChoices):
        LOCAL = "local", _("Local")
        SUB_REGIONAL = "sub_regional", _("Sub-regional")
        REGIONAL = "regional", _("Regional")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="disputes"
    )
    subject = models.CharField(_("the dispute is about"), max_length=20, choices=Subject.choices)
    question = models.TextField(_("how each principal reads the agreement"), max_length=4000)
    raised_by_principal = models.ForeignKey(
        Principal, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default="local")
    # The area of the child's home municipality: its sub-regional body handles the dispute.
    sub_region = models.ForeignKey(
        "organisations.SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"), validators=[validate_plausible_date])
    sub_regional_since = models.DateField(
        _("at the sub-regional level since"), null=True, blank=True
    )
    regional_since = models.DateField(_("at the regional level since"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    resolution = models.TextField(_("how it was solved"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "resolved", "recommended"]),
                name="dispute_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(level="local")
                | (Q(level="sub_regional") & Q(sub_regional_since__isnull=False))
                | (Q(level="regional") & Q(regional_since__isnull=False)),
                name="dispute_level_has_its_date",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="open"),
                name="one_open_dispute_per_agreement",
            ),
        ]

    def __str__(self) -> str:
        return _("Dispute %(number)s") % {"number": self.pk}

    def audit_child_id(self) -> int:
        return self.agreement.placement.child_id


class DisputeStep(models.Model):
    """A recorded step of a dispute: opened, passed on (by whom, or automatically on day 31),
    solved, recommendation issued, a comment."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened with a temporary split")
        ESCALATED = "escalated", _("Passed to a higher level")
        RESOLVED = "resolved", _("Solved")
        RECOMMENDATION = "recommendation", _("Recommendation issued")
        COMMENT = "comment", _("Comment")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Dispute.Level.choices)
    on = models.DateField(_("date"))
    text = models.TextField(_("text"), blank=True, max_length=4000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the step was taken automatically (day 31)."),
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute step")
        verbose_name_plural = _("dispute steps")
        ordering = ["dispute", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class TemporarySplit(RegionPart):
    """R-DISP-1: the temporary agreement version the parties agree at once, through the SIP,
    when a dispute is opened; the statements use it from ``effective_from`` until the dispute
    is closed (then ``effective_until`` is the day before). Never signed, never edited."""

    dispute = models.OneToOneField(
        Dispute, on_delete=models.PROTECT, related_name="temporary_split"
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="temporary_splits"
    )
    sip_meeting = models.ForeignKey(
        SipMeeting,
        verbose_name=_("the SIP meeting where it was agreed"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_from = models.DateField(_("applies from"), validators=[validate_plausible_date])
    effective_until = models.DateField(_("applies until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("temporary split")
        verbose_name_plural = _("temporary splits")
        ordering = ["agreement", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region_percent__isnull=True, region_amount_per_month__isnull=False)
                | Q(region_percent__isnull=False, region_amount_per_month__isnull=True),
                name="temporary_split_percent_or_amount",
            ),
        ]

    def __str__(self) -> str:
        return _("Temporary split from %(date)s") % {"date": self.effective_from.isoformat()}

    def audit_child_id(self) -> int:
        return self.agreement.placement.child_id


class Recommendation(RegionPart):
    """R-DISP-1: the regional level's recommendation that closes a dispute. It may adjust
    responsibility retroactively from the day a joint split existed (``adjusted_from``, with the
    recommended split); the statements then carry correction lines for the months already
    invoiced, and use the recommended split from then on."""

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="recommendation")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="recommendations"
    )
    issued_on = models.DateField(_("issued on"), validators=[validate_plausible_date])
    text = models.TextField(_("recommendation"), max_length=8000)
    adjusted_from = models.DateField(
        _("responsibility adjusted from"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
        help_text=_("Empty when the recommendation changes no split."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["agreement", "issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    adjusted_from__isnull=True,
                    region_percent__isnull=True,
                    region_amount_per_month__isnull=True,
                )
                | Q(
                    adjusted_from__isnull=False,
                    region_percent__isnull=True,
                    region_amount_per_month__isnull=False,
                )
                | Q(
                    adjusted_from__isnull=False,
                    region_percent__isnull=False,
                    region_amount_per_month__isnull=True,
                ),
                name="recommendation_adjustment_complete",
            ),
        ]

    def __str__(self) -> str:
        return _("Recommendation %(date)s") % {"date": self.issued_on.isoformat()}

    def audit_child_id(self) -> int:
        return self.agreement.placement.child_id
