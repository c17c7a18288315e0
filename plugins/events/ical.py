"""iCalendar files (RFC 5545 + RFC 7986) built with icalendar 7.x.

Output must be byte-identical between builds: UIDs come from SITE_ID and the slug, DTSTAMP from
the event's `updated:` or the build's clock, and components are added in a fixed order.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from icalendar import Calendar, Timezone, vRecur, vText
from icalendar import Event as VEvent
from icalendar.prop.conference import Conference

from .model import Event


def default_uid(slug: str, site_id: str) -> str:
    """Stable across renames of title, date or domain: only the slug and the fixed site id."""
    return f"{slug}@{re.sub(r'[^A-Za-z0-9.-]+', '-', site_id).strip('-')}"


def absolute(siteurl: str, url: str) -> str:
    return f"{siteurl}/{url}"


def plain_description(event: Event, siteurl: str) -> str:
    """Plain text for DESCRIPTION: the reader's summary and notes, ending with the event page."""
    parts = [event.summary, event.description]
    if event.organizer:
        parts.append(f"Organised by {event.organizer}.")
    if event.online_url:
        parts.append(f"Join online: {event.online_url}")
    if event.url_more:
        parts.append(f"More information: {event.url_more}")
    parts.append(absolute(siteurl, event.url))
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def vevent(event: Event, siteurl: str, stamp: datetime) -> VEvent:
    component = VEvent.new(
        uid=event.uid,
        stamp=(event.updated or stamp).astimezone(timezone.utc),
        start=event.start,
        end=event.exclusive_end if event.has_end or event.all_day else None,
        summary=event.title,
        description=plain_description(event, siteurl),
        location=event.location_text or event.online_url or None,
        url=absolute(siteurl, event.url),
        status=event.status.upper(),
        categories=list(event.tags),
        sequence=event.sequence,
        last_modified=event.updated,
        conferences=[Conference(event.online_url, feature="VIDEO", label="Join online")]
        if event.online_url else None,
    )
    if event.lat is not None and event.lon is not None:
        component.add("GEO", (event.lat, event.lon))
    if event.recurrence:
        component.add("RRULE", vRecur.from_ical(event.recurrence))
    if event.exdates:
        component.add("EXDATE", list(event.exdates))
    return component


class ZoneDefinitions:
    """One build's VTIMEZONE components, made by icalendar once per zone over one span that
    covers every timed event of the build (``span_of``): walking a zone's transitions is the
    costly part of a calendar, and a definition that covers more years than one calendar needs
    is still exact for it (RFC 5545 asks only that it cover the calendar's times)."""

    def __init__(self, span: tuple[date, date]) -> None:
        self.span = span
        self._made: dict[str, Timezone] = {}

    def get(self, tzid: str) -> Timezone:
        if tzid not in self._made:
            first, last = self.span
            self._made[tzid] = Timezone.from_tzid(tzid, first_date=first, last_date=last)
        return self._made[tzid]


def span_of(events: Iterable[Event]) -> tuple[date, date]:
    """The years VTIMEZONE definitions must cover: from the first start to after the last end."""
    timed = [e for e in events if not e.all_day]
    if not timed:
        return Timezone.DEFAULT_FIRST_DATE, Timezone.DEFAULT_LAST_DATE
    first = min(e.start for e in timed)
    last_year = max(e.end.year for e in timed)
    if any(e.recurrence for e in timed):
        last_year = max(last_year, Timezone.DEFAULT_LAST_DATE.year)
    return date(first.year, 1, 1), date(last_year + 2, 1, 1)


def calendar(events: Iterable[Event], *, name: str, description: str, uid_seed: str,
             source_url: str, prodid: str, refresh: timedelta, refresh_text: str,
             siteurl: str, stamp: datetime, zones: ZoneDefinitions | None = None,
             components: dict | None = None) -> Calendar:
    """One VCALENDAR; ``zones`` and ``components`` (VEVENTs) are shared by a build's calendars:
    a VTIMEZONE walks every transition of its zone, and most calendars repeat the same events."""
    events = sorted(events, key=lambda e: (str(e.start), e.slug))
    zones = ZoneDefinitions(span_of(events)) if zones is None else zones
    components = {} if components is None else components
    cal = Calendar.new(
        prodid=prodid,
        name=name,
        description=description,
        uid=str(uuid.uuid5(uuid.NAMESPACE_URL, uid_seed)),
        url=source_url,
        source=source_url,
        refresh_interval=refresh,
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    cal.add("X-PUBLISHED-TTL", vText(refresh_text))
    for event in events:
        # An event sits in several calendars (all, its own, group, tags): build its VEVENT once.
        key = (event.slug, siteurl, stamp)
        if key not in components:
            components[key] = vevent(event, siteurl, stamp)
        cal.add_component(components[key])
    if any(not e.all_day for e in events):
        # Sorted so the file does not depend on set order (hash seeds differ between runs).
        for position, tzid in enumerate(sorted(cal.get_missing_tzids())):
            cal.subcomponents.insert(position, zones.get(tzid))
    return cal


def to_bytes(cal: Calendar, memo: dict | None = None) -> bytes:
    """Serialise; with ``memo`` (shared by a build's calendars) each subcomponent (VTIMEZONE,
    VEVENT) is serialised once and spliced in: most calendars repeat the same ones."""
    parts = list(cal.subcomponents)
    if memo is None or not parts:
        return cal.to_ical()
    cal.subcomponents = []
    try:
        body = cal.to_ical()
    finally:
        cal.subcomponents = parts
    for part in parts:
        if id(part) not in memo:
            memo[id(part)] = (part, part.to_ical())  # keep the part alive so its id stays unique
    cut = body.rindex(b"END:VCALENDAR")
    return body[:cut] + b"".join(memo[id(p)][1] for p in parts) + body[cut:]
