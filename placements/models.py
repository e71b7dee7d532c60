"""Children, guardians and close persons, placements, health examinations."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_not_negative, validate_plausible_date
from domain import placements as rules
from domain.identity import format_identity_number, mask_identity_number
from organisations.models import Principal, Unit
from organisations.validators import validate_organisation_number


class Child(models.Model):
    """The child or young person (0–20) placed outside the home."""

    identity_number = models.CharField(
        _("personal identity number"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Personnummer or samordningsnummer, stored as 12 digits."),
    )
    reserve_number = models.CharField(
        _("reserve number"), max_length=20, unique=True, null=True, blank=True
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), validators=[validate_plausible_date])
    home_municipality = models.ForeignKey(
        Principal,
        verbose_name=_("home municipality"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Principal.Kind.MUNICIPALITY},
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="responsible_for_children",
    )
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    address = models.TextField(_("address"), blank=True)
    own_views = models.TextField(_("the child's own views"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(identity_number__isnull=False) | Q(reserve_number__isnull=False),
                name="child_has_an_identifier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def audit_child_id(self) -> int:
        return self.pk

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def identifier_display(self) -> str:
        if self.identity_number:
            return format_identity_number(self.identity_number)
        return self.reserve_number or ""

    @property
    def identifier_masked(self) -> str:
        if self.identity_number:
            return mask_identity_number(self.identity_number)
        return self.reserve_number or ""

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    @property
    def shareable_initials(self) -> str:
        """The initials where lists, exports, e-mails and feeds may show them: none for a
        child with protected identity."""
        return "" if self.protected_identity else self.initials


class RelatedPerson(models.Model):
    """A guardian (vårdnadshavare; 0, 1 or 2) or another close person (närstående)."""

    class Kind(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        CLOSE_PERSON = "close_person", _("Close person")

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="related_persons"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to the child"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    address = models.TextField(_("address"), blank=True)

    class Meta:
        verbose_name = _("guardian or close person")
        verbose_name_plural = _("guardians and close persons")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_child_id(self) -> int:
        return self.child_id


class PlacementStatus(models.TextChoices):
    """Mirrors domain.placements.PlacementStatus (a test keeps them equal)."""

    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class PlacementForm(models.TextChoices):
    HVB = "hvb", _("HVB (residential care home)")
    FOSTER_HOME = "foster_home", _("Foster home (familjehem)")
    EMERGENCY_FOSTER_HOME = "emergency_foster_home", _("Emergency foster home (jourhem)")
    SIS = "sis", _("SiS special youth home")
    SUPPORTED_HOUSING = "supported_housing", _("Supported housing (stödboende)")
    SHORT_TERM_HOME = "short_term_home", _("Short-term home / home for other 24-hour care")


class LegalBasis(models.TextChoices):
    SOL = "sol", "SoL"
    LVU = "lvu", "LVU"
    LVM = "lvm", "LVM"
    LSS = "lss", "LSS"


class ReasonCategory(models.TextChoices):
    """The main reason for the placement, as a category for the annual follow-up of HVB
    placements' motives (R-FOLLOW-1, 003 §4.4). Socialstyrelsen's national statistics only
    distinguish the LVU grounds (the home environment, LVU 2 §; the young person's own
    behaviour, LVU 3 §); these finer categories fold into them (domain.followup.REASON_GROUPS)."""

    BEHAVIOUR = "behaviour", _("Own behaviour or criminality")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    PSYCHIATRIC = "psychiatric", _("Psychiatric problems")
    NEGLECT_ABUSE = "neglect_abuse", _("Neglect or abuse in the home")
    HONOUR = "honour", _("Honour-related violence or oppression")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied minor")
    OTHER = "other", _("Other reason")


class Provision(models.TextChoices):
    """Mirrors domain.placements.Provision (R-PLAC-1, L13)."""

    ITSELF = "itself", _("Itself")
    OTHER_PARTY = "other_party", _("Through another party")
    BOTH = "both", _("Partly itself, partly through another party")


class ExamKind(models.TextChoices):
    PHYSICAL_MENTAL = "physical_mental", _("Physical and mental health")
    ORAL = "oral", _("Oral health (Folktandvården)")


class Placement(models.Model):
    """One placement period of a child in one home. A move is a new period linked to this."""

    Status = PlacementStatus
    Form = PlacementForm
    LegalBasis = LegalBasis
    Provision = Provision
    ReasonCategory = ReasonCategory

    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="placements"
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_placement",
    )
    placing_principal = models.ForeignKey(
        Principal, verbose_name=_("placing principal"), on_delete=models.PROTECT, related_name="+"
    )
    placing_unit = models.ForeignKey(
        Unit, verbose_name=_("placing unit"), on_delete=models.PROTECT, related_name="placements"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible caseworker"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    form = models.CharField(_("form of placement"), max_length=30, choices=Form.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=10, choices=LegalBasis.choices)
    # R-FOLLOW-1: the motive of the placement as a category (blank on rows made before it).
    reason_category = models.CharField(
        _("main reason for the placement"),
        max_length=20,
        choices=ReasonCategory.choices,
        blank=True,
        help_text=_("Counted, without personal data, in the annual follow-up."),
    )
    is_acute = models.BooleanField(
        _("acute placement"),
        default=False,
        help_text=_("Acute: the cost split is settled within 30 days after the start."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=PlacementStatus.PLANNED
    )
    provider_name = models.CharField(_("provider (home)"), max_length=200)
    provider_organisation_number = models.CharField(
        _("provider's organisation number"),
        max_length=11,
        blank=True,
        validators=[validate_organisation_number],
    )
    provider_municipality = models.ForeignKey(
        Principal,
        verbose_name=_("municipality where the home lies"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"kind": Principal.Kind.MUNICIPALITY},
    )
    planned_start = models.DateField(_("planned start"), validators=[validate_plausible_date])
    planned_end = models.DateField(
        _("planned end"), null=True, blank=True, validators=[validate_plausible_date]
    )
    actual_start = models.DateField(
        _("actual start"), null=True, blank=True, validators=[validate_plausible_date]
    )
    actual_end = models.DateField(
        _("actual end"), null=True, blank=True, validators=[validate_plausible_date]
    )
    cost_per_day = models.DecimalField(
        _("cost per day (SEK)"),
        max_digits=10,
        decimal_places=2,
        validators=[validate_not_negative],
    )
    # R-PLAC-1
    goal = models.TextField(_("goal of the placement"), blank=True)
    wishes = models.TextField(_("the individual's wishes"), blank=True)
    schooling = models.TextField(_("how school or occupation is provided"), blank=True)
    responsibilities = models.TextField(
        _("each principal's and party's responsibility for care and support"),
        blank=True,
        help_text=_(
            "Per principal and party: which care and support interventions it is responsible for."
        ),
    )
    municipality_provision = models.CharField(
        _("the municipality performs its interventions"),
        max_length=20,
        choices=Provision.choices,
        blank=True,
    )
    region_provision = models.CharField(
        _("the region performs its interventions"),
        max_length=20,
        choices=Provision.choices,
        blank=True,
    )
    # Ending (R-PLAC-7)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    next_step_sip_needed = models.BooleanField(
        _("a SIP for the next step is needed"), default=False
    )
    follow_up_until = models.DateField(
        _("follow-up after the placement until"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
    )
    follow_up_ended_on = models.DateField(
        _("follow-up ended on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    follow_up_notes = models.TextField(_("notes on the follow-up after the placement"), blank=True)
    # R-PLAC-7 (L25): the joint plan for further interventions, made before the end: the SIP
    # meeting held for it, or why there was none. A string reference: placements sits below sip.
    end_plan_meeting = models.ForeignKey(
        "sip.SipMeeting",
        verbose_name=_("SIP meeting on the further interventions"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_plan_no_meeting_reason = models.TextField(
        _("why no SIP meeting on the further interventions was held"), blank=True
    )
    # R-PLAC-5
    care_contact_name = models.CharField(_("permanent care contact"), max_length=200, blank=True)
    care_contact_unit = models.ForeignKey(
        Unit,
        verbose_name=_("care contact's unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    care_contact_appointed_on = models.DateField(
        _("care contact appointed on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    # R-PLAC-6
    power_of_attorney_scope = models.TextField(_("power of attorney: scope"), blank=True)
    power_of_attorney_issued_on = models.DateField(
        _("power of attorney issued on"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
    )
    # Investigation before placement (optional)
    investigation_report_on = models.DateField(
        _("report received on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    investigation_decided_on = models.DateField(
        _("decision to investigate on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    investigation_completed_on = models.DateField(
        _("investigation completed on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-planned_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in rules.PlacementStatus]),
                name="placement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="placement_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(actual_start__isnull=False),
                name="placement_active_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(actual_end__isnull=False),
                name="placement_ended_has_end",
            ),
            models.CheckConstraint(
                condition=Q(municipality_provision__in=["", *[p.value for p in rules.Provision]])
                & Q(region_provision__in=["", *[p.value for p in rules.Provision]]),
                name="placement_provision_valid",
            ),
            models.CheckConstraint(
                condition=Q(reason_category__in=["", *[r.value for r in ReasonCategory]]),
                name="placement_reason_category_valid",
            ),
        ]
        indexes = [models.Index(fields=["placing_unit", "status"], name="placement_unit_status")]

    def __str__(self) -> str:
        return f"{self.get_form_display()} – {self.provider_name}"

    def audit_child_id(self) -> int:
        return self.child_id

    @property
    def start_date(self) -> date:
        return self.actual_start or self.planned_start

    def facts(self, *, agreement_signed: bool = False) -> rules.PlacementFacts:
        return rules.PlacementFacts(
            status=rules.PlacementStatus(self.status),
            is_acute=self.is_acute,
            form=rules.PlacementForm(self.form),
            legal_basis=rules.LegalBasis(self.legal_basis),
            birth_date=self.child.birth_date,
            actual_start=self.actual_start,
            goal=self.goal,
            wishes=self.wishes,
            schooling=self.schooling,
            responsibilities=self.responsibilities,
            municipality_provision=rules.Provision(self.municipality_provision)
            if self.municipality_provision
            else None,
            region_provision=rules.Provision(self.region_provision)
            if self.region_provision
            else None,
            agreement_signed=agreement_signed,
            power_of_attorney_issued_on=self.power_of_attorney_issued_on,
            power_of_attorney_scope=self.power_of_attorney_scope,
        )

    def move_to(
        self,
        target: str,
        *,
        on: date,
        agreement_signed: bool,
        end_date: date | None = None,
        end_reason: str = "",
        end_plan: rules.EndPlan | None = None,
    ) -> None:
        """Make a lifecycle move after the domain layer has allowed it (does not save)."""
        rules.check_move(
            self.facts(agreement_signed=agreement_signed),
            rules.PlacementStatus(target),
            on=on,
            end_date=end_date,
            end_reason=end_reason,
            end_plan=end_plan,
        )
        if target == rules.PlacementStatus.ACTIVE and self.actual_start is None:
            self.actual_start = on
        if target == rules.PlacementStatus.ENDED:
            self.actual_end = end_date
            self.end_reason = end_reason
            self.end_plan_no_meeting_reason = end_plan.no_meeting_reason if end_plan else ""
            # R-PLAC-7 (L25): the next step is planned at a SIP meeting (002 §3.5.1); without
            # one linked, a SIP for the next step is still needed.
            self.next_step_sip_needed = end_plan is None or end_plan.sip_meeting_held_on is None
        if target == rules.PlacementStatus.CANCELLED:
            self.end_reason = end_reason
        self.status = target

    @property
    def allowed_moves(self) -> list[str]:
        return sorted(rules.ALLOWED_MOVES[rules.PlacementStatus(self.status)])


class HealthExamination(models.Model):
    """R-PLAC-4: physical/mental and oral (Folktandvården) health examinations."""

    Kind = ExamKind

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="health_examinations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    initiated_on = models.DateField(_("initiated on"), validators=[validate_plausible_date])
    offered_on = models.DateField(
        _("appointment offered on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    done_on = models.DateField(
        _("done on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    unnecessary_reason = models.TextField(_("obviously unnecessary because"), blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("examining unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("health examination")
        verbose_name_plural = _("health examinations")
        ordering = ["kind", "-initiated_on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="one_exam_per_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def audit_child_id(self) -> int:
        return self.placement.child_id

    @property
    def step(self) -> str:
        if self.unnecessary_reason:
            return "unnecessary"
        if self.done_on:
            return "done"
        if self.offered_on:
            return "offered"
        return "initiated"


class PlacementFollowUp(models.Model):
    """R-PLAC-7 (L24): a joint, regular follow-up of the placement by the principals' units
    concerned, with the date of the next one."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    held_on = models.DateField(_("held on"), validators=[validate_plausible_date])
    municipality_units = models.ManyToManyField(
        Unit, verbose_name=_("the municipality's units taking part"), related_name="+"
    )
    region_units = models.ManyToManyField(
        Unit, verbose_name=_("the region's units taking part"), related_name="+"
    )
    participants = models.TextField(
        _("participants"), help_text=_("Names and units of the people who took part.")
    )
    notes = models.TextField(_("notes"), blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"), validators=[validate_plausible_date])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("joint follow-up of the placement")
        verbose_name_plural = _("joint follow-ups of the placement")
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_follow_up_on__gt=F("held_on")),
                name="placement_follow_up_next_after_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} {self.held_on:%Y-%m-%d}"

    def audit_child_id(self) -> int:
        return self.placement.child_id


class AccessSource(models.TextChoices):
    """Why a unit (or user) sees a child (``ChildAccess``)."""

    RESPONSIBLE = "responsible", _("responsible unit")
    PLACING = "placing", _("placing unit")
    SIP_INITIATING = "sip_initiating", _("unit that initiated a SIP")
    SIP_INVITED = "sip_invited", _("unit invited to a SIP")
    HEALTH_EXAMINATION = "health_examination", _("examining unit")
    COST_MEETING = "cost_meeting", _("cost meeting participant")


class ChildAccess(models.Model):
    """Who sees a child and why: one row per child, unit (or user) and source of access, kept
    by ``placements.access`` from the records that grant it (issue 13). Derived data: the
    policy asks it instead of evaluating every relation in every query; ``manage.py
    rebuild_child_access`` rebuilds it and ``check_child_access`` compares it with the records.
    """

    Source = AccessSource

    # Sources that make the child the unit's own case (may change it, sees protected identity).
    OWN_SOURCES = (AccessSource.RESPONSIBLE, AccessSource.PLACING)

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", null=True, blank=True, db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    # Access ends on this day (a consent revocation concerning the unit, R-SIP-2); none: open.
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "child"], name="child_access_unit"),
            models.Index(
                fields=["user", "child"], name="child_access_user", condition=Q(user__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, user__isnull=True)
                | Q(unit__isnull=True, user__isnull=False),
                name="child_access_unit_or_user",
            ),
            models.CheckConstraint(
                condition=Q(source__in=AccessSource.values), name="child_access_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} ← {self.unit_id or self.user_id} ({self.source})"
