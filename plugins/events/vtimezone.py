"""VTIMEZONE components, byte for byte what icalendar's ``Timezone.from_tzid`` makes, but with its
transition search done once per zone and build instead of once per calendar.

``Timezone.from_tzid(tzid, first_date, last_date)`` walks the zone from ``first_date``: from each
segment start it searches (64 days, 32, ... down to 1 second) for the next offset change. Each
calendar has its own span (its first start to two years after its last end), so every per-event
calendar used to repeat the walk. The search is a pure function of the segment start, so it is
memoised here; walks from different first dates join the same chain after their first change.
tests/test_events_vtimezone.py compares the output with icalendar's for many zones and spans.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_STEPS = Timezone._from_tzinfo_skip_search  # the search icalendar does, so the result matches


class ZoneDefinitions:
    """One build's VTIMEZONE components, by (tzid, first date, last date)."""

    def __init__(self) -> None:
        self._components: dict[tuple[str, date, date], Timezone] = {}
        # (tzid, segment start) -> (offset, coarse search position, next segment start or None)
        self._walks: dict[tuple[str, datetime], tuple[timedelta, datetime, datetime | None]] = {}

    def get(self, tzid: str, first: date, last: date) -> Timezone:
        key = (tzid, first, last)
        if key not in self._components:
            self._components[key] = self._component(tzid, first, last)
        return self._components[key]

    def _segment(self, tzid: str, start: datetime, stop: datetime) -> tuple[timedelta, datetime]:
        """(offset from ``start`` on, start of the next segment): icalendar's search loop.

        The first, coarsest step is paused once past ``stop`` (the next segment is then only
        known to start after ``stop``, which is all the walk needs) and resumed by a later,
        longer span: a zone without further changes would otherwise be stepped to year 9999."""
        key = (tzid, start.replace(tzinfo=None))
        offset, end, following = self._walks.get(key) or (start.utcoffset(), start, None)
        if following is None:
            step = _STEPS[0]
            try:
                while end < stop and (end + step).utcoffset() == offset:
                    end = end + step
            except OverflowError:
                following = end + _STEPS[-1]
            else:
                if end < stop:
                    following = _refine(end, offset)
            self._walks[key] = (offset, end, following)
        return offset, end if following is None else following

    def _component(self, tzid: str, first: date, last: date) -> Timezone:
        """Timezone.from_tzinfo's walk and assembly, with the search memoised."""
        zone = ZoneInfo(tzid)
        start = datetime(first.year, first.month, first.day, tzinfo=zone)
        stop = datetime(last.year, last.month, last.day, tzinfo=zone)
        offsets: dict[tuple, list[datetime]] = defaultdict(list)
        offset_to = None
        while start < stop:
            offset_from = offset_to
            offset_to, following = self._segment(tzid, start, stop)
            name = start.tzname()
            key = (offset_from, offset_to, str(offset_to) if name is None else name,
                   start.dst() == timedelta())
            offsets[key].append(start.replace(tzinfo=None))
            start = following
        component = Timezone()
        component.add("TZID", tzid)
        component.add("COMMENT", f"This timezone only works from {first} to {last}.")
        for (offset_from, offset_to, name, is_standard), starts in offsets.items():
            first_start = min(starts)
            starts.remove(first_start)
            if first_start.date() == last:
                first_start = datetime(last.year, last.month, last.day)
            part = TimezoneStandard() if is_standard else TimezoneDaylight()
            part.TZOFFSETFROM = offset_to if offset_from is None else offset_from
            part.TZOFFSETTO = offset_to
            part.add("TZNAME", name)
            part.DTSTART = first_start
            if starts:
                part.add("RDATE", starts)
            component.add_component(part)
        return component


def _refine(end: datetime, offset: timedelta) -> datetime:
    """The finer steps of icalendar's search, from the last coarse step with ``offset``: the
    first moment (to the second) with another offset."""
    for step in _STEPS[1:]:
        last_end = end
        end = end + step
        try:
            while end.utcoffset() == offset:
                last_end = end
                end = end + step
        except OverflowError:
            break
        end = last_end
    return end + _STEPS[-1]
