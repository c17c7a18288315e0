"""VTIMEZONE components read from the zone's own tz database file, as calendar clients want them.

A zone's TZif file (RFC 8536) lists its past transitions and ends with a POSIX TZ string, the
rule in force from the last listed change on. Each VTIMEZONE has:

- for the rule in force, one STANDARD and one DAYLIGHT observance with a yearly RRULE (the form
  Google and Outlook publish), starting at the first transition the rule explains, so a series
  without end keeps the right offset in every year; a zone without daylight saving time gets one
  STANDARD observance;
- before that, one observance per earlier transition (no multi-value RDATE: ical.js and vobject
  read only its first value), from the transition in force at the site's earliest event time in
  the zone, so the component stays short for zones with a long history.

icalendar's own ``Timezone.from_tzinfo`` probes offsets over a fixed span of years and lists
every change in one multi-value RDATE, which is what this module replaces.
"""

from __future__ import annotations

import os
import re
import struct
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icalendar import Timezone

_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
_EPOCH = datetime(1970, 1, 1)
# Rules no RRULE can state are listed year by year up to here (no zone in tzdata needs it today).
LAST_LISTED_YEAR = 2100


class ZoneDataError(ValueError):
    """The zone's tz database file is missing or not in a form this module reads."""


@dataclass(frozen=True)
class LocalType:
    offset: int  # seconds east of UTC
    dst: bool
    name: str


@dataclass(frozen=True)
class ZoneData:
    transitions: tuple[tuple[int, int], ...]  # (UTC seconds, index into types), in order
    types: tuple[LocalType, ...]
    footer: str  # the POSIX TZ string for times after the last transition


def use_pinned_database() -> None:
    """Read every time zone from the tzdata package the project pins, never the system's copy:
    systems ship tz releases months apart (Windows has none), and the same sources must give
    the same times, pages and calendars on every machine."""
    if zoneinfo.TZPATH:
        zoneinfo.reset_tzpath(to=())
        zoneinfo.ZoneInfo.clear_cache()


def zone_file(tzid: str) -> bytes:
    """The TZif bytes zoneinfo reads for ``tzid``: the system database first (none once
    ``use_pinned_database`` has run), then tzdata."""
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, *tzid.split("/"))
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                return handle.read()
    package, _, name = f"tzdata.zoneinfo.{tzid}".replace("/", ".").rpartition(".")
    try:
        return resources.files(package).joinpath(name).read_bytes()
    except (ImportError, OSError, ValueError) as error:
        raise ZoneDataError(f"no tz database file for {tzid!r}") from error


def parse_tzif(raw: bytes) -> ZoneData:
    """Transitions, local time types and footer of a version 2+ TZif file (64-bit part)."""
    if raw[:4] != b"TZif" or raw[4:5] not in (b"2", b"3", b"4"):
        raise ZoneDataError("not a version 2 or later TZif file")

    def counts(at: int) -> tuple[int, ...]:
        return struct.unpack(">6l", raw[at + 20:at + 44])

    isut, isstd, leap, count, types, chars = counts(0)
    at = 44 + count * 5 + types * 6 + chars + leap * 8 + isstd + isut  # skip the 32-bit part
    isut, isstd, leap, count, types, chars = counts(at)
    at += 44
    times = struct.unpack(f">{count}q", raw[at:at + count * 8])
    at += count * 8
    indices = raw[at:at + count]
    at += count
    table = [struct.unpack(">lBB", raw[at + 6 * i:at + 6 * i + 6]) for i in range(types)]
    at += types * 6
    names = raw[at:at + chars]
    at += chars + leap * 12 + isstd + isut
    local = tuple(LocalType(offset, bool(dst), names[index:names.index(b"\0", index)].decode("ascii"))
                  for offset, dst, index in table)
    footer = raw[at:].strip(b"\n").decode("ascii")
    return ZoneData(tuple(zip(times, indices)), local, footer)


# --- POSIX TZ strings (the footer) ---------------------------------------------------------
_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}){0,2}"
_DATE = r"(?:M\d{1,2}\.\d\.\d|J\d{1,3}|\d{1,3})"
_POSIX = re.compile(rf"({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?"
                    rf",({_DATE})(?:/({_OFFSET}))?,({_DATE})(?:/({_OFFSET}))?)?")


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


@dataclass(frozen=True)
class Change:
    """One yearly change of a POSIX rule: the day and the local time (before it) it happens."""

    date: str  # "Mm.w.d", "Jn" or "n" as in the TZ string
    time: int  # seconds after local midnight; may be negative or past 24 hours

    def local(self, year: int) -> datetime:
        if self.date.startswith("M"):
            month, week, weekday = (int(p) for p in self.date[1:].split("."))
            first = datetime(year, month, 1)
            day = 1 + (weekday - (first.isoweekday() % 7)) % 7 + (week - 1) * 7
            following = datetime(year + month // 12, month % 12 + 1, 1)
            while first + timedelta(days=day - 1) >= following:
                day -= 7
            moment = first + timedelta(days=day - 1)
        elif self.date.startswith("J"):  # 1..365, 29 February never counted
            moment = datetime(year, 1, 1) + timedelta(days=int(self.date[1:]) - 1)
            if _leap(year) and moment.month > 2:
                moment += timedelta(days=1)
        else:  # 0..365, leap days counted
            moment = datetime(year, 1, 1) + timedelta(days=int(self.date))
        return moment + timedelta(seconds=self.time)

    def rrule(self) -> str | None:
        """The yearly RRULE giving this change's day, or None when no RRULE can state it."""
        if not self.date.startswith("M"):
            return None
        month, week, weekday = (int(p) for p in self.date[1:].split("."))
        shift = self.time // 86400  # whole days the time of day moves the change
        if shift == 0:
            return f"FREQ=YEARLY;BYMONTH={month};BYDAY={-1 if week == 5 else week}{_DAYS[weekday]}"
        if month == 2 and week == 5:
            return None  # the last week of February moves with leap years
        last = 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else 28
        first_day = (last - 6 if week == 5 else (week - 1) * 7 + 1) + shift
        if first_day < 1 or first_day + 6 > last:
            return None
        days = ",".join(str(first_day + i) for i in range(7))
        return f"FREQ=YEARLY;BYMONTH={month};BYDAY={_DAYS[(weekday + shift) % 7]};BYMONTHDAY={days}"


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class Rule:
    standard: LocalType
    daylight: LocalType | None = None
    to_daylight: Change | None = None
    to_standard: Change | None = None

    def changes(self, year: int) -> list[tuple[int, LocalType, LocalType]]:
        """(UTC seconds, type before, type after) of this rule's changes in ``year``."""
        if self.daylight is None:
            return []
        found = []
        for change, before, after in ((self.to_daylight, self.standard, self.daylight),
                                      (self.to_standard, self.daylight, self.standard)):
            moment = change.local(year) - timedelta(seconds=before.offset)
            found.append((int((moment - _EPOCH).total_seconds()), before, after))
        return sorted(found, key=lambda item: item[0])


def parse_posix(text: str) -> Rule:
    match = _POSIX.fullmatch(text)
    if not match:
        raise ZoneDataError(f"cannot read the zone rule {text!r}")
    std_name, std_offset, dst_name, dst_offset, start, start_time, end, end_time = match.groups()
    standard = LocalType(-_seconds(std_offset), False, std_name.strip("<>"))
    if not dst_name:
        return Rule(standard)
    offset = -_seconds(dst_offset) if dst_offset else standard.offset + 3600
    return Rule(standard, LocalType(offset, True, dst_name.strip("<>")),
                Change(start, _seconds(start_time) if start_time else 7200),
                Change(end, _seconds(end_time) if end_time else 7200))


# --- VTIMEZONE -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Zone:
    """A zone's history up to its current rule, ready to be written from any starting time."""

    tzid: str
    history: tuple[tuple[int, LocalType, LocalType], ...]  # (UTC seconds, before, after)
    rule: Rule
    rule_start: int  # UTC seconds of the rule's first change (the last listed one without DST)
    rule_from: LocalType  # the local time type before that change

    def component(self, since: datetime) -> Timezone:
        """The VTIMEZONE for times from ``since`` (aware) on."""
        from icalendar import Timezone  # only a build that writes a calendar loads icalendar

        tz = Timezone()
        tz.add("TZID", self.tzid)
        for when, before, after in self.history[self.first_needed(since):]:
            tz.add_component(_observance(when, before, after))
        rule = self.rule
        if rule.daylight is None:
            tz.add_component(_observance(self.rule_start, self.rule_from, rule.standard))
            return tz
        year = _utc(self.rule_start).year
        firsts: dict[bool, tuple[int, LocalType, LocalType]] = {}
        while len(firsts) < 2:
            for item in rule.changes(year):
                if item[0] >= self.rule_start:
                    firsts.setdefault(item[2].dst, item)
            year += 1
        for dst in (False, True):
            when, before, after = firsts[dst]
            change = rule.to_daylight if dst else rule.to_standard
            pattern = change.rrule()
            if pattern is not None:
                tz.add_component(_observance(when, before, after, pattern))
                continue
            # No RRULE states this change: its dates one per RDATE line, as far as listed.
            observance = _observance(when, before, after)
            for later in range(_utc(when).year + 1, LAST_LISTED_YEAR + 1):
                for moment, _, landing in rule.changes(later):
                    if landing.dst == dst:
                        observance.add("RDATE", _local(moment, before))
            tz.add_component(observance)
        return tz

    def first_needed(self, since: datetime) -> int:
        """Index of the first history entry a calendar starting at ``since`` needs: the one in
        force then (the offset before it is its TZOFFSETFROM), or 0."""
        moment = int(since.timestamp())
        if moment >= self.rule_start:
            return len(self.history)
        index = 0
        for position, (when, _, _) in enumerate(self.history):
            if when <= moment:
                index = position
        return index


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _local(seconds: int, before: LocalType) -> datetime:
    """Wall-clock time of a change, as DTSTART and RDATE state it: in the offset before it."""
    return _EPOCH + timedelta(seconds=seconds + before.offset)


def _observance(when: int, before: LocalType, after: LocalType, rrule: str | None = None):
    from icalendar import TimezoneDaylight, TimezoneStandard, vRecur

    observance = TimezoneDaylight() if after.dst else TimezoneStandard()
    observance.add("DTSTART", _local(when, before))
    observance.add("TZOFFSETFROM", timedelta(seconds=before.offset))
    observance.add("TZOFFSETTO", timedelta(seconds=after.offset))
    if after.name:
        observance.add("TZNAME", after.name)
    if rrule:
        observance.add("RRULE", vRecur.from_ical(rrule))
    return observance


def _explained(rule: Rule, when: int, before: LocalType, after: LocalType) -> bool:
    """Whether the rule makes this change (same instant, same offsets before and after)."""
    return any(moment == when and b.offset == before.offset and a.offset == after.offset
               for moment, b, a in rule.changes(_utc(when).year))


@lru_cache(maxsize=None)
def zone(tzid: str) -> Zone:
    """The zone read from its tz database file (once a process)."""
    data = parse_tzif(zone_file(tzid))
    rule = parse_posix(data.footer) if data.footer else None
    changes = []
    previous = data.types[0]
    for when, index in data.transitions:
        after = data.types[index]
        if after != previous:  # "fat" files add changes to the same type (e.g. at 2038-01-19)
            changes.append((when, previous, after))
        previous = after
    if rule is None:  # a file without footer: its last type for ever
        rule = Rule(previous)
    if rule.daylight is None:
        # The current offset from the last listed change on (the epoch if the zone has none).
        if not changes:
            return Zone(tzid, (), rule, 0, rule.standard)
        return Zone(tzid, tuple(changes[:-1]), rule, changes[-1][0], changes[-1][1])
    start = len(changes)
    while start > 0 and _explained(rule, *changes[start - 1]):
        start -= 1
    if start < len(changes):
        rule_start = changes[start][0]
    else:  # the rule's first change after the last listed one
        last = changes[-1][0] if changes else -1
        year = _utc(last).year if changes else 1970
        rule_start = min(when for y in (year, year + 1) for when, _, _ in rule.changes(y)
                         if when > last)
    return Zone(tzid, tuple(changes[:start]), rule, rule_start, rule.standard)


def zone_starts(events) -> dict[str, datetime]:
    """Each zone of the timed ``events`` (events.model.Event) with the earliest time one of
    them holds in it: where a VTIMEZONE's history must begin."""
    starts: dict[str, datetime] = {}
    for event in events:
        if event.all_day or not isinstance(event.start, datetime):
            continue
        for moment in (event.start, event.end):
            key = getattr(moment.tzinfo, "key", None)
            if key and (key not in starts or moment < starts[key]):
                starts[key] = moment
    return starts


def vtimezone(tzid: str, since: datetime) -> Timezone:
    """The VTIMEZONE of ``tzid`` for a calendar whose times in that zone start at ``since``."""
    return zone(tzid).component(since)
