"""The daily e-mail digest: at most one per person a day; links only, no personal data."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from organisations.models import User

from .models import ReminderLog, ReminderPreference
from .selectors import my_deadlines

logger = logging.getLogger(__name__)


def digest_for(user: Any, *, today: date) -> dict[str, list[Any]]:
    pref = ReminderPreference.objects.filter(user=user).first()
    disabled = set(pref.disabled_kinds) if pref else set()
    items = [d for d in my_deadlines(user, today=today, limit=500) if d.kind not in disabled]
    return {
        "overdue": [d for d in items if d.status == "overdue"],
        # Not in the list, but a deadline due today is the last chance to act on it.
        "today": [d for d in items if d.due_on == today],
        "tomorrow": [d for d in items if d.due_on == today + timedelta(days=1)],
        "in_seven_days": [d for d in items if d.due_on == today + timedelta(days=7)],
    }


def send_reminders(*, today: date) -> int:
    """Send today's digests; returns how many were sent. Safe to run more than once a day."""
    sent = 0
    # Staff of units, and members of cooperation bodies (a dispute's clock at their level).
    users = User.objects.filter(
        Q(memberships__isnull=False) | Q(cooperation_memberships__isnull=False), is_active=True
    ).distinct()
    for user in users:
        if ReminderLog.objects.filter(user=user, sent_on=today).exists():
            continue
        digest = digest_for(user, today=today)
        count = sum(len(v) for v in digest.values())
        if not count:
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(user=user, sent_on=today, items=count)
                with translation.override(settings.LANGUAGE_CODE):
                    body = render_to_string(
                        "dashboard/reminder_email.txt",
                        {"digest": digest, "site_url": settings.SITE_URL, "today": today},
                    )
                    subject = _("Deadlines in the placements system")
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except IntegrityError:  # another run sent it a moment ago
            continue
        except Exception:  # one refused address or SMTP hiccup must not stop everyone else's
            # The log row rolled back with the failure, so tomorrow's run (or a rerun today)
            # tries this person again.
            logger.exception("Reminder digest to user %s could not be sent", user.pk)
            continue
        sent += 1
    return sent
