"""System accounts and their API tokens (issue 15).

A system account is another system of one principal (a municipality's social-services
system, the region's health records …), optionally restricted to some of the principal's
units. Its administrators give it tokens; only a hash of each token is stored, and the token
is shown once, when it is created. The account acts through a user row of its own (never able
to sign in: inactive, no password, no memberships), so that the audit log names it as it names
a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Principal, Unit


class SystemAccount(models.Model):
    principal = models.ForeignKey(
        Principal,
        verbose_name=_("principal"),
        on_delete=models.PROTECT,
        related_name="system_accounts",
    )
    name = models.CharField(_("name"), max_length=200)
    units = models.ManyToManyField(
        Unit,
        verbose_name=_("units"),
        blank=True,
        related_name="system_accounts",
        help_text=_("Leave empty for every unit of the principal."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user in the audit log"),
        on_delete=models.PROTECT,
        related_name="system_account",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("system account")
        verbose_name_plural = _("system accounts")
        ordering = ["principal__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "name"], name="system_account_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """``prefix`` finds the row; ``secret_hash`` is the SHA-256 of the whole token."""

    account = models.ForeignKey(
        SystemAccount,
        verbose_name=_("system account"),
        on_delete=models.PROTECT,
        related_name="tokens",
    )
    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
