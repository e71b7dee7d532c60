"""SIP: the coordinated individual plan — consent, invitations, meetings and plan versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_plausible_date
from organisations.models import Principal, Unit
from placements.models import Child, Placement, RelatedPerson


class Sip(models.Model):
    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="sips"
    )
    placements = models.ManyToManyField(
        Placement, verbose_name=_("placements"), blank=True, related_name="sips"
    )
    initiating_unit = models.ForeignKey(
        Unit, verbose_name=_("initiating unit"), on_delete=models.PROTECT, related_name="+"
    )
    need_noticed_on = models.DateField(
        _("need for coordination noticed on"), validators=[validate_plausible_date]
    )
    need_description = models.TextField(_("why coordination is needed"), blank=True)
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIPs")
        ordering = ["-need_noticed_on", "-pk"]

    def __str__(self) -> str:
        return f"SIP {self.need_noticed_on:%Y-%m-%d}"

    def audit_child_id(self) -> int:
        return self.child_id


class Consent(models.Model):
    """R-SIP-2: one person's consent. History is never overwritten: a revocation is a row of
    its own."""

    class GivenBy(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        YOUNG_PERSON = "young_person", _("The young person")

    class Form(models.TextChoices):
        WRITTEN = "written", _("Written")
        ORAL = "oral", _("Oral")

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="consents")
    given_by_kind = models.CharField(_("given by"), max_length=20, choices=GivenBy.choices)
    guardian = models.ForeignKey(
        RelatedPerson,
        verbose_name=_("guardian"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "guardian"},
    )
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    given_on = models.DateField(_("given on"), validators=[validate_plausible_date])
    scope = models.TextField(_("scope: which parties may share what"))
    scope_units = models.ManyToManyField(
        Unit, verbose_name=_("parties covered"), blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by_kind="young_person", guardian__isnull=True)
                | Q(given_by_kind="guardian", guardian__isnull=False),
                name="consent_guardian_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.giver_name

    def audit_child_id(self) -> int:
        return self.sip.child_id

    @property
    def giver_name(self) -> str:
        return self.guardian.name if self.guardian_id else str(_("The young person"))


class ConsentRevocation(models.Model):
    """A revocation of a consent: date, by whom, from when; and which parties lose access."""

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="revocation")
    revoked_on = models.DateField(_("revoked on"), validators=[validate_plausible_date])
    revoked_by_name = models.CharField(_("revoked by"), max_length=200)
    effective_from = models.DateField(_("effective from"), validators=[validate_plausible_date])
    units = models.ManyToManyField(
        Unit, verbose_name=_("parties that lose access"), related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent revocation")
        verbose_name_plural = _("consent revocations")

    def __str__(self) -> str:
        return f"{self.consent} – {self.effective_from}"


class Invitation(models.Model):
    """R-SIP-4: an invited unit (or another participant such as HVB staff) and its answer."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        FORWARDED = "forwarded", _("Forwarded")

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="invitations")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("invited unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sip_invitations",
    )
    external_name = models.CharField(
        _("other participant (name and role)"),
        max_length=200,
        blank=True,
        help_text=_("For example staff of the foster home or HVB."),
    )
    invited_on = models.DateField(_("invited on"), validators=[validate_plausible_date])
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    response_note = models.TextField(_("note"), blank=True)
    responded_at = models.DateTimeField(
        _("answered at"), null=True, blank=True, validators=[validate_plausible_date]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    forwarded_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="forwarded_to"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["invited_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(external_name=""),
                name="invitation_has_invitee",
            ),
        ]

    def __str__(self) -> str:
        return self.unit.name if self.unit_id else self.external_name

    def audit_child_id(self) -> int:
        return self.sip.child_id


class SipMeeting(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial meeting")
        FOLLOW_UP = "follow_up", _("Follow-up meeting")
        CLOSING = "closing", _("Closing meeting")

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    scheduled_on = models.DateField(_("date"), validators=[validate_plausible_date])
    scheduled_time = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    individual_offered_on = models.DateField(
        _("the child and guardians were offered to take part on"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
    )
    started_at = models.DateTimeField(
        _("started at"), null=True, blank=True, validators=[validate_plausible_date]
    )
    ended_at = models.DateTimeField(
        _("ended at"), null=True, blank=True, validators=[validate_plausible_date]
    )
    child_views = models.TextField(_("the child's views"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("SIP meeting")
        verbose_name_plural = _("SIP meetings")
        ordering = ["scheduled_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="sip_meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_on:%Y-%m-%d}"

    def audit_child_id(self) -> int:
        return self.sip.child_id

    @property
    def is_held(self) -> bool:
        return self.ended_at is not None


class MeetingParticipant(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CHILD = "child", _("The child")
        GUARDIAN = "guardian", _("Guardian")
        CLOSE_PERSON = "close_person", _("Close person")
        OTHER = "other", _("Other participant")

    meeting = models.ForeignKey(SipMeeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    related_person = models.ForeignKey(
        RelatedPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """R-SIP-5: the written plan as drawn up at one held meeting. Earlier versions stay."""

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="plan_versions")
    meeting = models.OneToOneField(SipMeeting, on_delete=models.PROTECT, related_name="plan")
    number = models.PositiveIntegerField(_("version"))
    needs = models.TextField(_("the child's needs"))
    overall_responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("overall responsibility for the plan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    next_follow_up_on = models.DateField(_("next follow-up"), validators=[validate_plausible_date])
    care_contact_name = models.CharField(_("permanent care contact"), max_length=200, blank=True)
    care_contact_unit = models.ForeignKey(
        Unit,
        verbose_name=_("care contact's unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["sip", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sip", "number"], name="plan_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.sip} v{self.number}"

    def audit_child_id(self) -> int:
        return self.sip.child_id


class Intervention(models.Model):
    """One intervention of the plan and who is responsible for it (R-SIP-5)."""

    class ResponsibleKind(models.TextChoices):
        UNIT = "unit", _("A principal's unit")
        THIRD_PARTY = "third_party", _("A third party")
        CLOSE_PERSON = "close_person", _("A close person")
        INDIVIDUAL = "individual", _("The individual")

    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="interventions")
    description = models.TextField(_("intervention"))
    responsible_kind = models.CharField(
        _("responsible"), max_length=20, choices=ResponsibleKind.choices
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_name = models.CharField(_("responsible (name)"), max_length=200, blank=True)
    is_health_care = models.BooleanField(_("health care"), default=False)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def responsible_principal(self) -> Principal | None:
        return self.responsible_unit.principal if self.responsible_unit_id else None

    @property
    def responsible_display(self) -> str:
        if self.responsible_unit_id:
            return str(self.responsible_unit)
        return f"{self.get_responsible_kind_display()}: {self.responsible_name}"
