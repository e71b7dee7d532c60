"""Principals, units, users, memberships (roles) and financial mandates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        """The rule set of this principal's region (its own when it is a region)."""
        if self.is_region:
            return rule_set_for(self.rule_set_code)
        if self.region_id is not None:
            return rule_set_for(self.region.rule_set_code)
        return rule_set_for(None)


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


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
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


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

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
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
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
    ended_on = models.DateField(_("last valid day after ending"), null=True, blank=True)
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
