"""Principals, units, users, memberships (roles) and financial mandates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.validators import validate_plausible_date
from domain import mandates as mandate_rules
from domain.rulesets import RULE_SETS, RuleSet, rule_set_for

from .validators import normalise_organisation_number, validate_organisation_number


class Principal(models.Model):
    """Huvudman: a municipality or a region."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        unique=True,
        validators=[validate_organisation_number],
    )
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        limit_choices_to={"kind": "region"},
        help_text=_("For a municipality: the region it lies in."),
    )
    sub_region = models.ForeignKey(
        "SubRegion",
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        help_text=_("For a municipality: the sub-regional cooperation area it belongs to."),
    )
    rule_set_code = models.CharField(
        _("rule set"),
        max_length=8,
        choices=[(code, rs.name) for code, rs in RULE_SETS.items()],
        default="VG",
        help_text=_("For a region: the regional agreement whose deadlines and splits apply."),
    )

    class Meta:
        verbose_name = _("principal")
        verbose_name_plural = _("principals")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["municipality", "region"]), name="principal_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.organisation_number:
            self.organisation_number = normalise_organisation_number(self.organisation_number)

    @property
    def is_region(self) -> bool:
        return self.kind == self.Kind.REGION

    @property
    def rule_set(self) -> RuleSet:
        """The rule set of this principal's region in force today (its latest agreement)."""
        return self.rule_set_on(None)

    def rule_set_on(self, day: date | None) -> RuleSet:
        """The rule set of this principal's region (its own when it is a region) in force on
        ``day``: each deadline and split uses the agreement in force on the date it is computed
        from, so a new regional agreement never changes earlier cases (issue 11)."""
        if self.is_region:
            return rule_set_for(self.rule_set_code, on=day)
        if self.region_id is not None:
            return rule_set_for(self.region.rule_set_code, on=day)
        return rule_set_for(None, on=day)


class SubRegion(models.Model):
    """Delregion: a sub-regional cooperation area (vårdsamverkansområde) of a region, with its
    municipalities (``Principal.sub_region``).

    R-DEV-1 (003 §4.2): each area has a joint routine for deviations with time limits for
    feedback and for measures; the limits are the area's data here, not constants.
    """

    region = models.ForeignKey(
        Principal,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="sub_regions",
        limit_choices_to={"kind": "region"},
    )
    name = models.CharField(_("name"), max_length=200)
    deviation_feedback_days = models.PositiveSmallIntegerField(
        _("days to answer a deviation"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("The area's routine: the receiving principal answers within this many days."),
    )
    deviation_measure_days = models.PositiveSmallIntegerField(
        _("days to report measures"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("The area's routine: measures are reported within this many days."),
    )

    class Meta:
        verbose_name = _("sub-region")
        verbose_name_plural = _("sub-regions")
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="sub_region_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CooperationBody(models.Model):
    """The body that handles deviations and disputes above the local level: a sub-region's
    cooperation group (delregional vårdsamverkan) or the region's joint leadership (LiSA).
    Its members act for that level only (R-DEV-1, R-DISP-1)."""

    class Level(models.TextChoices):
        SUB_REGIONAL = "sub_regional", _("Sub-regional")
        REGIONAL = "regional", _("Regional")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Principal,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="cooperation_bodies",
        limit_choices_to={"kind": "region"},
    )
    sub_region = models.OneToOneField(
        SubRegion,
        verbose_name=_("sub-region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body",
    )
    members = models.ManyToManyField(
        "User",
        through="CooperationMembership",
        verbose_name=_("members"),
        related_name="cooperation_bodies",
    )

    class Meta:
        verbose_name = _("cooperation body")
        verbose_name_plural = _("cooperation bodies")
        ordering = ["region__name", "level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="sub_regional") & Q(sub_region__isnull=False))
                | (Q(level="regional") & Q(sub_region__isnull=True)),
                name="cooperation_body_level_matches_sub_region",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(level="regional"),
                name="one_regional_body_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CooperationMembership(models.Model):
    body = models.ForeignKey(
        CooperationBody,
        verbose_name=_("cooperation body"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        "User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="cooperation_memberships",
    )

    class Meta:
        verbose_name = _("member of a cooperation body")
        verbose_name_plural = _("members of cooperation bodies")
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], name="cooperation_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.body}"


class Unit(models.Model):
    """Verksamhet: the part of a principal that acts."""

    class Kind(models.TextChoices):
        SOCIAL_SERVICES = "social_services", _("Social services")
        SCHOOL = "school", _("School")
        BUP = "bup", _("Child and adolescent psychiatry (BUP)")
        PRIMARY_CARE = "primary_care", _("Primary care")
        HABILITATION = "habilitation", _("Habilitation")
        DENTAL_CARE = "dental_care", _("Dental care (Folktandvården)")
        OTHER = "other", _("Other")

    principal = models.ForeignKey(
        Principal, verbose_name=_("principal"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("functional e-mail address"), blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["principal__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["principal", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.principal.name})"


def normalise_email(value: str | None) -> str:
    """E-mail addresses are compared without regard to case or surrounding spaces: stored
    lowercased and stripped, looked up the same way at sign-in."""
    return (value or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in (ModelBackend) finds the user whatever the case of the typed address."""
        return self.get(**{self.model.USERNAME_FIELD: normalise_email(username)})


EMAIL_TAKEN = _("A user with this e-mail address already exists.")


class User(AbstractUser):
    """A person who signs in with an e-mail address.

    The address is stored lowercased; a database constraint keeps it unique without regard
    to case. ``home_principal`` is the principal that created the user or last gave them a
    membership: a user without memberships is administered by that principal only.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(
        _("e-mail address"), unique=True, error_messages={"unique": EMAIL_TAKEN}
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    home_principal = models.ForeignKey(
        Principal,
        verbose_name=_("home principal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_users",
        help_text=_(
            "The principal that created the user or last gave them a membership. Only its "
            "administrators manage the user."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ignoring_case",
                violation_error_message=EMAIL_TAKEN,
                violation_error_code="email_taken",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean_fields(self, exclude: Any = None) -> None:
        # Normalise before the field validators run, so that the length and format are
        # checked on the value that will be stored.
        self.email = normalise_email(self.email)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def validate_unique(self, exclude: Any = None) -> None:
        # The case-insensitive constraint (validate_constraints) is the stricter check of the
        # address; checking the exact value too would show the same message twice.
        super().validate_unique(exclude={*(exclude or ()), "email"})

    def validate_constraints(self, exclude: Any = None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            non_field = errors.get(NON_FIELD_ERRORS, [])
            taken = [e for e in non_field if getattr(e, "code", None) == "email_taken"]
            if taken:
                errors["email"] = [*errors.get("email", []), *taken]
                errors[NON_FIELD_ERRORS] = [
                    e for e in non_field if getattr(e, "code", None) != "email_taken"
                ]
                if not errors[NON_FIELD_ERRORS]:
                    del errors[NON_FIELD_ERRORS]
            raise ValidationError(errors) from error

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        return "".join(p[0].upper() for p in parts) or self.email[:2].upper()


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    CLINICIAN = "clinician", _("Clinician")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's role in a unit. One user may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__principal__name", "unit__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class FinancialMandateQuerySet(models.QuerySet["FinancialMandate"]):
    def valid_on(self, on: date) -> FinancialMandateQuerySet:
        """Mandates valid on the day (R-MEET-3), in the database; same rule as the domain."""
        return self.filter(valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            Q(ended_on__isnull=True) | Q(ended_on__gte=on),
        )

    def still_valid(self, on: date) -> FinancialMandateQuerySet:
        """Mandates valid on the day or on some later day: not yet over, not ended before it.
        (A mandate ended before its first day is valid on no day at all.)"""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            Q(ended_on__isnull=True)
            | (Q(ended_on__gte=on) & Q(ended_on__gte=models.F("valid_from"))),
        )

    def update(self, **kwargs: object) -> int:  # pragma: no cover - guard
        raise TypeError("Financial mandates are ended through a service, never updated in bulk.")

    def delete(self) -> tuple[int, dict[str, int]]:  # pragma: no cover - guard
        raise TypeError("Financial mandates are never deleted: the history stays.")


class FinancialMandate(models.Model):
    """R-MEET-3: the right to sign cost agreements for a principal between two dates.

    Registered by an administrator of that principal; ended, never edited away or deleted.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="mandates"
    )
    principal = models.ForeignKey(
        Principal, verbose_name=_("principal"), on_delete=models.PROTECT, related_name="mandates"
    )
    valid_from = models.DateField(_("valid from"), validators=[validate_plausible_date])
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    annual_limit = models.DecimalField(
        _("annual limit (SEK)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    registered_by = models.ForeignKey(
        User,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    ended_on = models.DateField(
        _("last valid day after ending"),
        null=True,
        blank=True,
        validators=[validate_plausible_date],
    )
    ended_by = models.ForeignKey(
        User,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)

    objects = FinancialMandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("financial mandate")
        verbose_name_plural = _("financial mandates")
        ordering = ["principal__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="mandate_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.principal}"

    def as_rule(self) -> mandate_rules.Mandate:
        return mandate_rules.Mandate(
            principal_id=self.principal_id,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            ended_on=self.ended_on,
            annual_limit=self.annual_limit,
        )

    def is_valid_on(self, on: date) -> bool:
        return mandate_rules.mandate_is_valid_on(self.as_rule(), on=on)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("Financial mandates are never deleted: the history stays.")


# --- the home principal follows the memberships -------------------------------------------------


@receiver(post_save, sender=Membership, dispatch_uid="membership_sets_home_principal")
def _membership_saved(sender: Any, instance: Membership, raw: bool = False, **kwargs: Any) -> None:
    """A user who gets a membership belongs to the principal of its unit from then on."""
    if raw:  # loaddata: the fixture states the home principal itself
        return
    principal_id = instance.unit.principal_id
    User.objects.filter(pk=instance.user_id).exclude(home_principal_id=principal_id).update(
        home_principal_id=principal_id
    )
    if Membership.user.is_cached(instance):
        instance.user.home_principal_id = principal_id


@receiver(post_delete, sender=Membership, dispatch_uid="membership_removal_keeps_home")
def _membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    """Removing the last membership keeps the home principal (the user stays that principal's,
    invisible to everyone else). Removing one of several moves the home to the principal of
    the latest membership left, if the home principal holds none of them any more."""
    remaining = Membership.objects.filter(user_id=instance.user_id).order_by("-pk")
    home_id = (
        User.objects.filter(pk=instance.user_id).values_list("home_principal_id", flat=True).first()
    )
    if remaining.filter(unit__principal_id=home_id).exists():
        return
    latest = remaining.values_list("unit__principal_id", flat=True).first()
    if latest is not None:
        User.objects.filter(pk=instance.user_id).update(home_principal_id=latest)
        if Membership.user.is_cached(instance):
            instance.user.home_principal_id = latest


class AuthenticatorDevice(TOTPDevice):
    """The second factor for signing (a TOTP app), as the admin shows it: in Swedish, without
    its key. Same table as django-otp's TOTPDevice."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")
