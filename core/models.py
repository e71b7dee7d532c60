"""The audit log: append-only, one row per thing that happened to personal data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    # Labels are nouns in the log ("Signering"), not the verbs on buttons ("Signera"):
    # hence their own context.
    VIEW = "view", pgettext_lazy("audit action", "View")
    CREATE = "create", pgettext_lazy("audit action", "Create")
    UPDATE = "update", pgettext_lazy("audit action", "Update")
    TRANSITION = "transition", pgettext_lazy("audit action", "Status change")
    SIGN = "sign", pgettext_lazy("audit action", "Sign")
    DECLINE = "decline", pgettext_lazy("audit action", "Decline")
    DOWNLOAD = "download", pgettext_lazy("audit action", "Download")
    EXPORT = "export", pgettext_lazy("audit action", "Export")
    SEARCH = "search", pgettext_lazy("audit action", "Search")
    DENIED = "denied", pgettext_lazy("audit action", "Denied")
    LOGIN = "login", pgettext_lazy("audit action", "Sign-in")
    LOGOUT = "logout", pgettext_lazy("audit action", "Sign-out")
    LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "Failed sign-in")


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who (user and unit) did what to which object (and which child), and when (UTC).

    The app never updates or deletes a row; on PostgreSQL a trigger makes UPDATE and DELETE
    fail (migration 0002).
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    child_id = models.BigIntegerField(_("child"), null=True, blank=True, db_index=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")
