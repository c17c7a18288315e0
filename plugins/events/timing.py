"""Times as readers and calendars need them: next occurrences, upcoming/past, human text."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

from dateutil import rrule as dateutil_rrule

from .model import Event

_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
         "SA": "Saturday", "SU": "Sunday"}
_UNITS = {"DAILY": ("day", "Daily"), "WEEKLY": ("week", "Weekly"),
          "MONTHLY": ("month", "Monthly"), "YEARLY": ("year", "Yearly")}


def as_datetime(moment: date | datetime, floating_tz: tzinfo) -> datetime:
    """Aware datetime; all-day dates start at midnight in the site's zone."""
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(), floating_tz)


def sort_key(moment: date | datetime, floating_tz: tzinfo) -> datetime:
    return as_datetime(moment, floating_tz).astimezone(timezone.utc)


# The step, in days, of the frequencies whose occurrences repeat on a fixed lattice of days.
_STEP_DAYS = {"DAILY": 1, "WEEKLY": 7}


def rule_parts(event: Event) -> dict[str, str]:
    """The event's RRULE by part: {"FREQ": "WEEKLY", "BYDAY": "TU", ...}."""
    return dict(part.split("=", 1) for part in event.recurrence.split(";"))


def _start_near(event: Event, start: datetime, near: datetime | None) -> datetime:
    """A start as close before ``near`` as the rule allows without changing its dates.

    dateutil finds the occurrence after a moment by stepping from the start, one day at a time
    for a daily rule: centuries of steps for an event that began long ago. A rule without COUNT
    or UNTIL, stepping by whole days or weeks, makes the same dates from any start a whole
    number of its steps later (same time of day, same weekday)."""
    parts = rule_parts(event)
    days = _STEP_DAYS.get(parts["FREQ"])
    if near is None or days is None or "COUNT" in parts or "UNTIL" in parts:
        return start
    step = timedelta(days=days * int(parts.get("INTERVAL", "1")))
    gap = near.replace(tzinfo=start.tzinfo) - start if start.tzinfo is None else near - start
    steps = gap // step - 1
    return start + step * steps if steps > 0 else start


def rule_set(event: Event, near: datetime | None = None) -> dateutil_rrule.rruleset | None:
    """The event's occurrences (dates at midnight for all-day events), exdates removed; with
    ``near``, only those from shortly before it on (see _start_near)."""
    if not event.recurrence:
        return None
    start = event.start if not event.all_day else datetime.combine(event.start, time())
    start = _start_near(event, start, near)
    result = dateutil_rrule.rruleset()
    result.rrule(dateutil_rrule.rrulestr(event.recurrence, dtstart=start))
    for skipped in event.exdates:
        result.exdate(skipped if isinstance(skipped, datetime) else datetime.combine(skipped, time()))
    return result


def occurrences(event: Event, limit: int = 500) -> list[date | datetime]:
    rules = rule_set(event)
    if rules is None:
        return [event.start]
    found = []
    for moment in rules:
        found.append(moment.date() if event.all_day else moment)
        if len(found) >= limit:
            break
    return found


def annotate(event: Event, now: datetime, floating_tz: tzinfo) -> None:
    """Set next_start and is_upcoming: an event is upcoming until its (next occurrence's) end."""
    length = event.exclusive_end - event.start
    if event.all_day:
        length = timedelta(days=length.days)
    event.next_since = None
    if not event.recurrence:
        event.next_start = event.start
        event.is_upcoming = as_datetime(event.exclusive_end, floating_tz) > now
        return
    # An occurrence still running counts as upcoming: look back one event length.
    probe_tz = event.start.tzinfo if not event.all_day else floating_tz
    probe = (now - length).astimezone(probe_tz)
    if event.all_day:
        probe = probe.replace(tzinfo=None)
    rules = rule_set(event, near=probe)
    following = rules.after(probe, inc=False)
    if following is None:
        every = list(rules)  # finite: after() found nothing later
        last = every[-1] if every else None
        event.next_start = (last.date() if event.all_day else last) if last else event.start
        event.is_upcoming = False
        return
    event.next_start = following.date() if event.all_day else following
    event.is_upcoming = True
    # When this occurrence became the next one: the end of the one before (feeds date their
    # entry's change from it, as its title now names this occurrence).
    previous = rules.before(following)
    if previous is not None:
        ended = previous + length
        event.next_since = ended.replace(tzinfo=floating_tz) if event.all_day else ended


def zone_text(moment: datetime) -> str:
    offset = moment.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    name = moment.tzname() or ""
    label = name if name and name[0] not in "+-" and name != "UTC" else ""
    zone = getattr(moment.tzinfo, "key", "")
    inner = ", ".join(filter(None, (offset, zone)))
    return f"{label} ({inner})" if label else f"({inner})"


def _day(d: date, weekday: bool = True) -> str:
    text = f"{d.day} {d:%B %Y}"
    return f"{d:%A} {text}" if weekday else text


def moment_text(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return f"{_day(moment)}, {moment:%H:%M} {zone_text(moment)}"
    return _day(moment)


SKIPPED, REPEATED = "does not exist", "happens twice"


def clock_change(moment: datetime) -> tuple[str, timedelta] | None:
    """(SKIPPED, jump) for a local time the clocks skip (the hour lost when summer time
    starts), (REPEATED, jump) for one they pass twice; None for any other (or a time without a
    zone)."""
    if moment.tzinfo is None:
        return None
    jump = abs(moment.replace(fold=1).utcoffset() - moment.replace(fold=0).utcoffset())
    if not jump:
        return None
    there = moment.astimezone(timezone.utc).astimezone(moment.tzinfo)
    skipped = there.replace(tzinfo=None) != moment.replace(tzinfo=None)
    return (SKIPPED if skipped else REPEATED), jump


def moment_day(moment: date | datetime) -> str:
    """Sunday 28 March 2027."""
    return _day(moment.date() if isinstance(moment, datetime) else moment)


def when_text(event: Event) -> str:
    start, end = event.start, event.end
    if event.all_day:
        if end == start:
            return _day(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end:%B %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
        return f"{_day(start, False)} – {_day(end, False)}"
    if not event.has_end or end == start:
        return f"{_day(start)}, {start:%H:%M} {zone_text(start)}"
    if start.date() == end.date() and start.utcoffset() == end.utcoffset():
        return f"{_day(start)}, {start:%H:%M}–{end:%H:%M} {zone_text(end)}"
    if start.date() == end.date():  # the clocks change in between: each time its own offset
        return f"{_day(start)}, {start:%H:%M} {zone_text(start)} – {end:%H:%M} {zone_text(end)}"
    if start.utcoffset() == end.utcoffset():
        return f"{_day(start)} {start:%H:%M} – {_day(end)} {end:%H:%M} {zone_text(end)}"
    return (f"{_day(start)} {start:%H:%M} {zone_text(start)} – "
            f"{_day(end)} {end:%H:%M} {zone_text(end)}")


def duration(event: Event) -> timedelta | None:
    """How long the event lasts, None when it gives no end: the real elapsed time (a night
    across a clock change is 23 or 25 hours; Python subtracts two times of one zone by their
    wall clocks)."""
    if not event.has_end and not event.all_day:
        return None
    if event.all_day:
        return event.exclusive_end - event.start
    return event.end.astimezone(timezone.utc) - event.start.astimezone(timezone.utc)


def duration_text(event: Event) -> str:
    length = duration(event)
    return length_text(length) if length is not None else ""


def duration_iso(event: Event) -> str:
    """The duration as ISO 8601 (``PT90M``, ``P2D``), for machines; "" when there is none."""
    length = duration(event)
    if length is None:
        return ""
    if event.all_day:
        return f"P{length.days}D"
    return f"PT{int(length.total_seconds() // 60)}M"


def length_text(length: timedelta) -> str:
    """``length`` in days, hours and minutes, e.g. "2 hours 30 minutes"."""
    days, seconds = length.days, length.seconds
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n) or "0 minutes"


_ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth",
             "-1": "last", "-2": "second to last", "-3": "third to last", "-4": "fourth to last",
             "-5": "fifth to last"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# The rule parts put in words here and in schema.org's Schedule (jsonld.py); a rule with any
# other (BYSETPOS, BYYEARDAY, BYWEEKNO, BYHOUR, ...) is told by its first dates here instead, and
# gets no Schedule there.
PLAIN_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT",
                         "UNTIL", "WKST"})


def _day_name(code: str) -> str | None:
    """MO -> Monday, 1TH -> the first Thursday, -2FR -> the second to last Friday (RRULE BYDAY
    values); None for a number beyond the fifth."""
    name = _DAYS.get(code[-2:])
    ordinal = code[:-2].lstrip("+")
    if name is None or (ordinal and ordinal not in _ORDINALS):
        return None
    return f"the {_ORDINALS[ordinal]} {name}" if ordinal else name


def _month_day(number: str) -> str | None:
    """15 -> the 15th, -1 -> the last day (RRULE BYMONTHDAY values)."""
    if number.lstrip("+-").isdigit() and int(number) < 0:
        return f"the {_ORDINALS[number]} day" if number in _ORDINALS else None
    if not number.lstrip("+").isdigit():
        return None
    value = int(number)
    suffix = ("th" if value % 100 in (11, 12, 13)
              else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th"))
    return f"the {value}{suffix}"


def _words(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def day_name(code: str) -> str | None:
    """MO -> Monday (an RRULE weekday without a number); None for anything else."""
    return _DAYS.get(code) if len(code) == 2 else None


def next_end(event: Event) -> date | datetime:
    """The end of the occurrence ``next_start`` names (the event's end when it does not repeat),
    as long after it on the clock as the first occurrence lasts."""
    start = event.next_start if event.next_start is not None else event.start
    return start + (event.end.replace(tzinfo=None) - event.start.replace(tzinfo=None)
                    if isinstance(start, datetime) else event.end - event.start)


def until_day(event: Event, value: str) -> date:
    """The last day an UNTIL allows, in the event's own time zone (a timed rule's UNTIL is UTC)."""
    day = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    if len(value) < 15 or not value.endswith("Z") or event.all_day:
        return day
    moment = datetime(day.year, day.month, day.day, int(value[9:11]), int(value[11:13]),
                      int(value[13:15]), tzinfo=timezone.utc)
    return moment.astimezone(event.start.tzinfo).date()


def _pattern(event: Event, parts: dict[str, str]) -> str | None:
    """The rule's days and months in words (" on the last Saturday in June"); None where
    words would mislead."""
    if set(parts) - PLAIN_PARTS or ("BYDAY" in parts and "BYMONTHDAY" in parts):
        return None
    days = [_day_name(code) for code in parts.get("BYDAY", "").split(",") if code]
    days += [_month_day(number) for number in parts.get("BYMONTHDAY", "").split(",") if number]
    months = [int(number) if number.isdigit() and 1 <= int(number) <= 12 else None
              for number in parts.get("BYMONTH", "").split(",") if number]
    if None in days or None in months:
        return None
    text = " on " + _words(days) if days else ""
    if months:
        text += " in " + _words([_MONTHS[month - 1] for month in months])
    return text


def recurrence_text(event: Event) -> str:
    if not event.recurrence:
        return ""
    parts = rule_parts(event)
    unit, adverb = _UNITS[parts["FREQ"]]
    interval = int(parts.get("INTERVAL", "1"))
    text = adverb if interval == 1 else f"Every {interval} {unit}s"
    pattern = _pattern(event, parts)
    if pattern is None:
        first = occurrences(event, limit=4)
        shown = [_day(moment if not isinstance(moment, datetime) else moment.date(), False)
                 for moment in first[:3]]
        text += ": " + ", ".join(shown) + (", …" if len(first) > 3 else "")
    else:
        text += pattern
    skipped = sorted({d if not isinstance(d, datetime) else d.date() for d in event.exdates})
    if "COUNT" in parts:
        # COUNT counts the skipped dates too (they are occurrences of the rule): the number of
        # times the event takes place is what is left.
        held = int(parts["COUNT"]) - len(skipped)
        text += ", once" if held == 1 else f", {held} times"
    elif "UNTIL" in parts:
        text += f", until {_day(until_day(event, parts['UNTIL']), False)}"
    if skipped:
        text += " (not on " + ", ".join(_day(day, False) for day in skipped) + ")"
    return text
