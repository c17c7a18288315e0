"""What the event sources say, worked out without the site's code: each YAML file read with
PyYAML, its series expanded with dateutil in the event's wall-clock time and placed in time with
zoneinfo. The calendar gates compare every client's reading of the built .ics files with this.

Occurrences are strings: timed ones the UTC instant (YYYY-MM-DDTHH:MM:SSZ), all-day ones the
date (YYYY-MM-DD), so they compare as text and print plainly in a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from dateutil.rrule import rrulestr

FIRST = 50  # the first occurrences checked of every series
FAR_YEAR = 2060  # and, for a series without end, every occurrence in this year


def _when(value) -> date | datetime:
    if isinstance(value, (date, datetime)):
        return value
    return datetime.fromisoformat(str(value).strip())


def _text(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


@dataclass
class Expected:
    source: str
    uid: str
    title: str
    all_day: bool
    unbounded: bool
    first: list[str] = field(default_factory=list)  # the first FIRST occurrences
    far: list[str] = field(default_factory=list)  # occurrences in FAR_YEAR (unbounded series)

    def windows(self) -> list[tuple[str, str]]:
        """(first, last) of each stretch checked, inclusive, as occurrence strings."""
        spans = [(self.first[0], self.first[-1])]
        if self.unbounded:
            spans.append((f"{FAR_YEAR}-01-01", f"{FAR_YEAR}-12-31") if self.all_day
                         else (f"{FAR_YEAR}-01-01T00:00:00Z", f"{FAR_YEAR}-12-31T23:59:59Z"))
        return spans

    def occurrences(self) -> list[str]:
        return sorted(set(self.first) | set(self.far))


def site_uid(slug: str, site_id: str) -> str:
    """The documented default UID: the slug, "@", and SITE_ID with other characters as "-"."""
    return f"{slug}@{re.sub(r'[^A-Za-z0-9.-]+', '-', site_id).strip('-')}"


def expected_event(path: Path, site_id: str) -> Expected:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    start = _when(data["start"])
    all_day = not isinstance(start, datetime)
    zone = None if all_day else ZoneInfo(data["timezone"])
    uid = data.get("uid") or site_uid(data.get("slug") or path.stem, site_id)
    rule = data.get("recurrence")
    expected = Expected(str(path), uid, data["title"], all_day,
                        bool(rule) and "COUNT=" not in rule and "UNTIL=" not in rule)

    def placed(moment: datetime) -> str:
        return _text(moment.date()) if all_day else _text(moment)

    # Timed series run in the zone's wall-clock time: an aware start keeps it (and compares
    # with a UNTIL given in UTC).
    first = datetime.combine(start, time()) if all_day else start.replace(tzinfo=zone)
    if not rule:
        expected.first = [placed(first)]
        return expected
    skipped = set()
    for item in data.get("exdates") or []:
        moment = _when(item)
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, first.time())
        skipped.add(moment if all_day else moment.replace(tzinfo=zone))
    for moment in rrulestr(rule, dtstart=first):
        if moment in skipped:
            continue
        expected.first.append(placed(moment))
        if len(expected.first) == FIRST:
            break
    if expected.unbounded:
        # Bounds a day wide of the year, then exact by the UTC text.
        low, high = datetime(FAR_YEAR - 1, 12, 31), datetime(FAR_YEAR + 1, 1, 2)
        if not all_day:
            low, high = low.replace(tzinfo=zone), high.replace(tzinfo=zone)
        for moment in rrulestr(rule, dtstart=first).between(low, high, inc=True):
            text = placed(moment)
            if moment not in skipped and text[:4] == str(FAR_YEAR):
                expected.far.append(text)
    return expected


def expected_events(folder: Path, site_id: str) -> dict[str, Expected]:
    found = {}
    for path in sorted(folder.glob("*.y*ml")):
        event = expected_event(path, site_id)
        found[event.uid] = event
    return found


def within(values: list[str], windows: list[tuple[str, str]]) -> list[str]:
    return sorted({v for v in values if any(lo <= v <= hi for lo, hi in windows)})


def differences(client: str, file: str, expected: Expected, seen: list[str] | None) -> list[str]:
    """One line per occurrence the client shows differently from the source, naming the file,
    the UID, the occurrence and both values."""
    if seen is None:
        return [f"{file}: {expected.uid}: {client} does not show the event at all"]
    want = expected.occurrences()
    got = within(seen, expected.windows())
    if got == sorted(want):
        return []
    lines = []
    for number, (a, b) in enumerate(zip(sorted(want), got), 1):
        if a != b:
            lines.append(f"{file}: {expected.uid}: occurrence {number}: source says {a}, "
                         f"{client} shows {b}")
            break
    extra = sorted(set(got) - set(want))
    lost = sorted(set(want) - set(got))
    if lost:
        lines.append(f"{file}: {expected.uid}: {client} lacks {len(lost)} occurrence(s) the "
                     f"source has, first {lost[0]}")
    if extra:
        lines.append(f"{file}: {expected.uid}: {client} shows {len(extra)} occurrence(s) the "
                     f"source has not, first {extra[0]}")
    return lines
