"""The iCalendar feed: event titles carry the kind and the child's initials, nothing more."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event


def feed_for(user: Any, deadlines: list[Any]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Placeringar//Tidsfrister//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Tidsfrister")
    stamp = timezone.now()
    for d in deadlines:
        initials = f" ({d.child.shareable_initials})" if d.child.shareable_initials else ""
        event = Event()
        event.add("uid", f"deadline-{d.key}@placeringar")
        event.add("summary", f"{d.get_kind_display()}{initials}")
        event.add("dtstart", d.due_on)
        event.add("dtstamp", stamp)
        event.add("url", f"{settings.SITE_URL}{d.url}")
        calendar.add_component(event)
    return calendar.to_ical()
