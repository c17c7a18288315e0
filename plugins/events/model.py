"""The Event object other plugins and the templates read (the contract in shared/design.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from fastbuild import make_key

# Marks the fields the generator fills in on every build (relative to "now", or objects carrying
# settings): they are not part of what the event file says, so content_digest() leaves them out.
PER_BUILD = {"per_build": True}


@dataclass
class Location:
    name: str = ""
    address: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass
class Event:
    slug: str
    title: str
    start: date | datetime
    end: date | datetime
    all_day: bool
    timezone: str | None
    source_path: str
    status: str = "confirmed"
    summary: str = ""
    description: str = ""  # the Markdown source, also the plain text for calendars
    description_html: str = ""
    location_name: str = ""
    location_address: str = ""
    lat: float | None = None
    lon: float | None = None
    online_url: str = ""
    url_more: str = ""
    organizer: str = ""
    group: str | None = None
    tags: list[str] = field(default_factory=list)
    recurrence: str = ""
    exdates: list[date | datetime] = field(default_factory=list)
    uid: str = ""
    updated: datetime | None = None
    # When the source file last changed (revisions.py), for events without `updated:`.
    revised: datetime | None = None
    sequence: int | None = None
    has_end: bool = True
    relative_source_path: str = ""
    # Filled in by the generator, relative to the build's "now".
    next_start: date | datetime | None = field(default=None, metadata=PER_BUILD)
    is_upcoming: bool = field(default=False, metadata=PER_BUILD)
    # For a series: when next_start became the next occurrence (the previous one's end).
    next_since: datetime | None = field(default=None, metadata=PER_BUILD)
    tag_objects: list = field(default_factory=list, metadata=PER_BUILD)
    # Human text from timing.py, set by the generator.
    when_text: str = field(default="", metadata=PER_BUILD)
    start_text: str = field(default="", metadata=PER_BUILD)
    end_text: str = field(default="", metadata=PER_BUILD)
    next_text: str = field(default="", metadata=PER_BUILD)
    duration_text: str = field(default="", metadata=PER_BUILD)
    duration_iso: str = field(default="", metadata=PER_BUILD)
    recurrence_text: str = field(default="", metadata=PER_BUILD)
    lines: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return f"events/{self.slug}/"

    @property
    def save_as(self) -> str:
        return f"events/{self.slug}/index.html"

    @property
    def ics_url(self) -> str:
        return f"events/{self.slug}.ics"

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def is_in_person(self) -> bool:
        # "location: Online" names no place: it only labels an online event.
        named = self.location_name and self.location_name.casefold() not in ("online", "virtual")
        return bool(named or self.location_address or self.lat is not None)

    @property
    def location_text(self) -> str:
        return ", ".join(part for part in (self.location_name, self.location_address) if part)

    @property
    def exclusive_end(self) -> date | datetime:
        """DTEND as iCalendar wants it: the day after the last day for all-day events."""
        return self.end + timedelta(days=1) if self.all_day else self.end

    @property
    def revision(self) -> datetime | None:
        """When the event's information was last revised: DTSTAMP and LAST-MODIFIED."""
        return self.updated or self.revised

    @property
    def year(self) -> int:
        return self.start.year

    def line(self, name: str) -> int | None:
        """Line of the key ``name`` in the YAML file, so problems point where to look."""
        return self.lines.get(name)

    def get_relative_source_path(self) -> str:
        """What Pelican's add_source_path() files this event under in generated_content."""
        return self.relative_source_path

    @property
    def start_iso(self) -> str:
        return _iso(self.start)

    @property
    def end_iso(self) -> str:
        return _iso(self.end)

    @property
    def next_start_iso(self) -> str:
        return _iso(self.next_start if self.next_start is not None else self.start)


def default_uid(slug: str, site_id: str) -> str:
    """Stable across renames of title, date or domain: only the slug and the fixed site id."""
    return f"{slug}@{re.sub(r'[^A-Za-z0-9.-]+', '-', site_id).strip('-')}"


def content_digest(event: Event) -> str:
    """A stable hash of what the event file says (every field but the PER_BUILD ones), for
    output-cache keys. reprs of str, numbers, dates and ZoneInfo-aware datetimes are stable
    across processes; nothing here holds a memory address."""
    return make_key(*(f"{item.name}={getattr(event, item.name)!r}" for item in fields(event)
                      if not item.metadata.get("per_build")))


def _iso(moment: date | datetime) -> str:
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment.isoformat()
