"""Parsers for single event fields. Each returns a value or raises FieldError with a message that
says what is wrong and what is expected, so loader.py can report it against the key's line."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta, timezone
from itertools import islice
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from content_checks import limits, rules
from content_checks.rules import quote
from dateutil import rrule as dateutil_rrule

STATUSES = ("confirmed", "tentative", "cancelled")
SLUG = rules.SLUG
# Occurrences examined when checking a rule or an exception date: a rule may produce no more
# than this many in its first year, or in all if it ends (COUNT or UNTIL).
MAX_OCCURRENCES = 1000
# A rule's first occurrence must fall within this many years of the start (a 29 February
# can be eight years away).
FIRST_OCCURRENCE_YEARS = 8
_DATE = r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
_WHEN = re.compile(_DATE + r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
                   r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?")
WHEN_EXPECTED = "expected a date like 2020-06-18 or a date and time like 2020-06-18 14:00"
RRULE_PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
               "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")
# Sub-daily frequencies would make expanding a calendar slow and are not what events need.
RRULE_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


class FieldError(ValueError):
    """A value that cannot be used; the message ends with what is expected."""


def describe(value: object) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", list: "a list",
             dict: "a mapping", type(None): "nothing"}
    if isinstance(value, str):
        return f"the text {quote(value)}"
    if isinstance(value, (date, datetime)):
        return f"the date {value}"
    return kinds.get(type(value), "a value of another kind")


def text(value: object, *, required: bool = False, single_line: bool = False) -> str:
    if value is None:
        if required:  # `title:` with nothing after it
            raise FieldError("is empty (expected text)")
        return ""
    if not isinstance(value, str):
        hint = " (put it in quotes)" if isinstance(value, (int, float, bool)) else ""
        raise FieldError(f"got {describe(value)} (expected text{hint})")
    value = value.strip()
    if required and not value:
        raise FieldError("is empty (expected text)")
    if single_line and ("\n" in value or "\r" in value):
        raise FieldError("spans several lines (expected one line of text)")
    problem = rules.control_character(value)
    if problem:
        raise FieldError(problem)
    return value


def markdown_text(value: object) -> str:
    """Text that becomes Markdown (a description): also within the nesting and safety limits."""
    result = text(value)
    excess = limits.excesses(result.splitlines())
    if excess:
        raise FieldError(excess[0][1])
    return result


def when(value: object, *, allow_offset: bool = False) -> date | datetime:
    """A YAML date or date-time string; naive unless allow_offset and an offset is written."""
    moment = _when(value, allow_offset)
    problem = rules.year(moment)
    if problem:
        raise FieldError(f"{quote(str(value))}: {problem}")
    return moment


def _when(value: object, allow_offset: bool) -> date | datetime:
    if isinstance(value, date):
        return value
    if value is None:  # `start:` with nothing after it
        raise FieldError(f"is empty ({WHEN_EXPECTED})")
    if not isinstance(value, str):
        raise FieldError(f"got {describe(value)} ({WHEN_EXPECTED})")
    match = _WHEN.fullmatch(value.strip())
    if not match:
        if not value.strip():
            raise FieldError(f"is empty ({WHEN_EXPECTED})")
        raise FieldError(f"{quote(value)} is not a date ({WHEN_EXPECTED})")
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        if parts["H"] is None:
            return day
        moment = datetime.combine(day, time(int(parts["H"]), int(parts["M"]), int(parts["S"] or 0)))
    except ValueError as error:
        raise FieldError(f"{quote(value)} is not a real date or time: {error} "
                         f"({WHEN_EXPECTED})") from None
    if parts["tz"]:
        if not allow_offset:
            raise FieldError(f"{quote(value)} has a UTC offset (expected the local time, with "
                             "the zone in 'timezone:')")
        if parts["tz"] == "Z":
            return moment.replace(tzinfo=timezone.utc)
        digits = parts["tz"][1:].replace(":", "")
        shift = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if shift > rules.MAX_OFFSET or int(digits[2:]) > 59:
            raise FieldError(f"{quote(value)}: {rules.OFFSET_PROBLEM}")
        return moment.replace(tzinfo=timezone(-shift if parts["tz"][0] == "-" else shift))
    return moment


def zone(value: object) -> ZoneInfo:
    name = text(value, required=True)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        close = difflib.get_close_matches(name, available_timezones(), n=1)
        hint = f"did you mean {quote(close[0])}? " if close else ""
        raise FieldError(f"unknown time zone {quote(name)} ({hint}expected an IANA name such "
                         "as Europe/London or America/New_York)") from None


def web_url(value: object) -> str:
    url = text(value, required=True, single_line=True)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise FieldError(f"{quote(url)} is not a web address (expected https://...)")
    return url


def slug(value: object) -> str:
    result = text(value, required=True)
    problem = rules.slug(result)
    if problem:
        raise FieldError(problem)
    return result


def status(value: object) -> str:
    result = text(value, required=True).lower()
    if result not in STATUSES:
        raise FieldError(f"unknown status {quote(result)} (expected one of: {', '.join(STATUSES)})")
    return result


def integer(value: object, *, minimum: int = 0, maximum: int = rules.INT32_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"got {describe(value)} (expected a whole number)")
    problem = rules.integer(value, minimum, maximum)
    if problem:
        raise FieldError(problem)
    return value


def string_list(value: object) -> list[str]:
    if isinstance(value, str):
        # Written as a post's Tags line ("mutual credit, governance"): the same tags.
        value = [part for part in value.split(",") if part.strip()] or [value]
    if not isinstance(value, list):
        raise FieldError(f"got {describe(value)} (expected a list such as [governance, mutual credit])")
    result = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise FieldError(f"item {quote(item)} is not text (expected a list of words or "
                             "phrases)")
        problem = rules.control_character(item)
        if problem:
            raise FieldError(f"item {quote(item)} {problem}")
        if item.strip() not in result:
            result.append(item.strip())
    problem = rules.too_many("tags", len(result))
    if problem:
        raise FieldError(problem)
    return result


def recurrence(value: object, start: date | datetime) -> tuple[str, dateutil_rrule.rrule]:
    """An RFC 5545 RRULE value checked part by part, then by dateutil against the start."""
    rule = text(value, required=True, single_line=True).upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:"):]
    expected = "(expected an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=TU;COUNT=10)"
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        key, sep, val = part.partition("=")
        if not sep or not val or key not in RRULE_PARTS:
            raise FieldError(f"{quote(part)} is not a rule part {expected}")
        if key in parts:
            raise FieldError(f"{key} is given twice {expected}")
        parts[key] = val
    if parts.get("FREQ") not in RRULE_FREQS:
        raise FieldError(f"FREQ must be one of {', '.join(RRULE_FREQS)} {expected}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise FieldError(f"COUNT and UNTIL cannot both be given {expected}")
    if "UNTIL" in parts and not isinstance(start, datetime) and "T" in parts["UNTIL"]:
        raise FieldError(f"UNTIL={parts['UNTIL']} has a time but the event is all-day "
                         "(expected a date such as UNTIL=20211231)")
    for key, low, high in (("COUNT", 1, 5000), ("INTERVAL", 1, 1000)):
        if key in parts and not (parts[key].isdigit() and low <= int(parts[key]) <= high):
            raise FieldError(f"{key}={parts[key]} is out of range {low}-{high} {expected}")
    problem = _numbered_days(parts) or _day_zero(parts)
    if problem:
        raise FieldError(problem)
    dtstart = start if isinstance(start, datetime) else datetime.combine(start, time())
    try:
        result = dateutil_rrule.rrulestr(rule, dtstart=dtstart, forceset=False)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise FieldError(f"{quote(rule)} is not a valid rule: {error} {expected}") from None
    if not isinstance(result, dateutil_rrule.rrule):
        raise FieldError(f"{quote(rule)} is not a single rule {expected}")
    try:
        _bounded(result, dtstart, "COUNT" in parts or "UNTIL" in parts)
    except (ValueError, IndexError, OverflowError) as error:
        if isinstance(error, FieldError):
            raise
        # dateutil accepts some rules it cannot expand: they stop it part way.
        raise FieldError(f"{quote(rule)} is not a valid rule: {error} {expected}") from None
    return rule, result


_NUMBERED_DAY = re.compile(r"([+-]?)(\d{1,2})(MO|TU|WE|TH|FR|SA|SU)")


def _numbered_days(parts: dict[str, str]) -> str | None:
    """What is wrong with a numbered BYDAY (1MO, -1FR), which RFC 5545 gives a meaning only
    within a month or a year: dateutil ignores the number in a daily or weekly rule (the page
    said "the first Monday" of a rule held every Monday) and stops on one beyond what a month
    holds."""
    in_month = parts["FREQ"] == "MONTHLY" or (parts["FREQ"] == "YEARLY" and "BYMONTH" in parts)
    most = 5 if in_month else 53
    for day in parts.get("BYDAY", "").split(","):
        numbered = _NUMBERED_DAY.fullmatch(day)
        if numbered is None:
            continue  # a plain day, or one dateutil refuses with its own words
        if parts["FREQ"] not in ("MONTHLY", "YEARLY"):
            return (f"BYDAY={day}: a numbered day is the nth of a month or a year, so it needs "
                    f"FREQ=MONTHLY or FREQ=YEARLY (expected BYDAY={numbered.group(3)}, without "
                    f"the number, in a FREQ={parts['FREQ']} rule)")
        if not 1 <= int(numbered.group(2)) <= most:
            where = "a month" if in_month else "a year"
            return (f"BYDAY={day}: {where} has at most {most} of each weekday (expected a number "
                    f"from 1 to {most}, or -1 to -{most} counting from the end, before the day)")
    return None


# Numbered parts counted from 1 (or from the end, -1): RFC 5545 has no day or week 0, and
# dateutil reads BYMONTHDAY=0 as no BYMONTHDAY at all (every day of a monthly rule).
_FROM_ONE = {"BYMONTHDAY": ("day of the month", 31), "BYYEARDAY": ("day of the year", 366),
             "BYWEEKNO": ("week of the year", 53)}


def _day_zero(parts: dict[str, str]) -> str | None:
    for key, (what, most) in _FROM_ONE.items():
        numbers = parts.get(key, "").split(",")
        if any(number.lstrip("+-") and not number.lstrip("+-").strip("0") for number in numbers):
            return (f"{key}={parts[key]}: there is no {what} 0 (expected 1 to {most}, or -1 to "
                    f"-{most} counting from the end)")
    return None


def _bounded(rule: dateutil_rrule.rrule, start: datetime, ends: bool) -> None:
    """Refuse a rule that makes no occurrence in its first years, or more than
    MAX_OCCURRENCES in its first year (or in all, when it ends): expanding it would cost a build
    minutes. Each look is bounded: a window of years, or MAX_OCCURRENCES + 1 occurrences."""
    window = _until(start, FIRST_OCCURRENCE_YEARS)
    # dateutil compares UNTIL only with the dates it finds, so a rule that finds none steps on,
    # a day at a time for FREQ=DAILY, to the year 9999. The same BY... parts at FREQ=YEARLY
    # select the same dates and take a step a year: that probe is bounded.
    probe = rule.replace(freq=dateutil_rrule.YEARLY, interval=1, bysetpos=None)
    first = next(iter(probe.replace(until=window, count=None)), None) if window else None
    if first is None and window is not None:
        raise FieldError(f"the rule makes no occurrence in its first {FIRST_OCCURRENCE_YEARS} "
                         "years (expected a rule whose dates include the coming years)")
    # The probe's dates are a superset of the rule's: an INTERVAL or a BYSETPOS can leave the
    # rule none of them (FREQ=DAILY;INTERVAL=7;BYDAY=TU from a Thursday), and an UNTIL before
    # the start leaves it none at all. Published, it was an event that never takes place.
    if next(iter(rule), None) is None:
        raise FieldError("the rule makes no occurrence at all (expected a rule that includes "
                         "dates after the start: check INTERVAL, BYSETPOS and that UNTIL is "
                         "after the start)")
    year_later = _until(start, 1) or datetime.max.replace(tzinfo=start.tzinfo)
    in_first_year = rule.replace(until=year_later, count=None)
    if len(list(islice(in_first_year, MAX_OCCURRENCES + 1))) > MAX_OCCURRENCES:
        raise FieldError(f"the rule makes more than {MAX_OCCURRENCES} occurrences in its first "
                         "year (expected fewer: a larger FREQ or fewer BY... values)")
    if ends and len(list(islice(rule, MAX_OCCURRENCES + 1))) > MAX_OCCURRENCES:
        raise FieldError(f"the rule makes more than {MAX_OCCURRENCES} occurrences (expected a "
                         "smaller COUNT or an earlier UNTIL)")


def _until(moment: datetime, years: int) -> datetime | None:
    try:
        return moment + timedelta(days=366 * years)
    except OverflowError:
        return None


def is_occurrence(rule: dateutil_rrule.rrule, moment: datetime) -> bool:
    """Whether ``moment`` is among the rule's first MAX_OCCURRENCES occurrences."""
    for occurrence in islice(rule, MAX_OCCURRENCES):
        if occurrence >= moment:
            return occurrence == moment
    return False
