"""Parsers for single event fields. Each returns a value or raises FieldError with a message that
says what is wrong and what is expected, so loader.py can report it against the key's line."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as dateutil_rrule

STATUSES = ("confirmed", "tentative", "cancelled")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
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
    return kinds.get(type(value), type(value).__name__)


def text(value: object, *, required: bool = False, single_line: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        hint = " (put it in quotes)" if isinstance(value, (int, float, bool)) else ""
        raise FieldError(f"got {describe(value)} (expected text{hint})")
    value = value.strip()
    if required and not value:
        raise FieldError("is empty (expected text)")
    if single_line and ("\n" in value or "\r" in value):
        raise FieldError("spans several lines (expected one line of text)")
    return value


def when(value: object, *, allow_offset: bool = False) -> date | datetime:
    """A YAML date or date-time string; naive unless allow_offset and an offset is written."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise FieldError(f"got {describe(value)} ({WHEN_EXPECTED})")
    match = _WHEN.fullmatch(value.strip())
    if not match:
        raise FieldError(f"'{value}' is not a date ({WHEN_EXPECTED})")
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        if parts["H"] is None:
            return day
        moment = datetime.combine(day, time(int(parts["H"]), int(parts["M"]), int(parts["S"] or 0)))
    except ValueError as error:
        raise FieldError(f"'{value}' is not a real date or time: {error} ({WHEN_EXPECTED})") from None
    if parts["tz"]:
        if not allow_offset:
            raise FieldError(f"'{value}' has a UTC offset (expected the local time, with the zone "
                             "in 'timezone:')")
        if parts["tz"] == "Z":
            return moment.replace(tzinfo=timezone.utc)
        offset = datetime.strptime(parts["tz"].replace(":", ""), "%z").tzinfo
        return moment.replace(tzinfo=offset)
    return moment


def zone(value: object) -> ZoneInfo:
    name = text(value, required=True)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise FieldError(f"unknown time zone '{name}' (expected an IANA name such as "
                         "Europe/London or America/New_York)") from None


def web_url(value: object) -> str:
    url = text(value, required=True, single_line=True)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise FieldError(f"'{url}' is not a web address (expected https://...)")
    return url


def slug(value: object) -> str:
    result = text(value, required=True)
    if not SLUG.match(result):
        raise FieldError(f"'{result}' is not a slug (expected lower-case letters, digits and "
                         "single hyphens, e.g. open-2020)")
    return result


def status(value: object) -> str:
    result = text(value, required=True).lower()
    if result not in STATUSES:
        raise FieldError(f"unknown status '{result}' (expected one of: {', '.join(STATUSES)})")
    return result


def integer(value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"got {describe(value)} (expected a whole number)")
    if value < minimum:
        raise FieldError(f"{value} is too small (expected a whole number from {minimum})")
    return value


def string_list(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise FieldError(f"got {describe(value)} (expected a list such as [governance, mutual credit])")
    result = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise FieldError(f"item {item!r} is not text (expected a list of words or phrases)")
        if item.strip() not in result:
            result.append(item.strip())
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
            raise FieldError(f"'{part}' is not a rule part {expected}")
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
    try:
        result = dateutil_rrule.rrulestr(rule, dtstart=start if isinstance(start, datetime)
                                         else datetime.combine(start, time()), forceset=False)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise FieldError(f"'{rule}' is not a valid rule: {error} {expected}") from None
    if not isinstance(result, dateutil_rrule.rrule):
        raise FieldError(f"'{rule}' is not a single rule {expected}")
    return rule, result
