"""Rules for single values, shared by every kind of content (posts, pages, groups, events).

Each rule returns None for a good value or a message that says what is wrong and what is
expected; the caller knows the file, the line and the field. Messages quote at most
``QUOTE_LIMIT`` characters of a value, so no input makes a message (or its formatting) large.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

# One slug pattern for posts, pages, events, groups, tags, categories and authors.
SLUG = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SLUG_EXPECTED = "expected lower-case letters a-z, digits and single hyphens, e.g. open-2020"
# A slug becomes a folder name (and, for events, a file name): well under every file system's
# 255-byte limit, with room for the rest of the path.
SLUG_MAX_LENGTH = 100
QUOTE_LIMIT = 80
# Tab, line feed and carriage return are text; every other C0/C1 control character, DEL and
# the non-characters XML forbids break a feed or a calendar, or hide text in a page.
# A lone surrogate (a YAML "\\ud800" escape) cannot be written as UTF-8 at all.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Offsets beyond these exist nowhere on Earth, and datetime refuses +/-24:00 and beyond.
# In a quoted value, line breaks and tabs are shown as escapes too: a message is one line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_OFFSET = timedelta(hours=14)
# iCalendar (RFC 5545) and Atom/RSS dates carry four-digit years; feeds and calendars also
# compute a year or two either side of each date (time-zone definitions run to the year
# after next), so the last years are refused too.
MIN_YEAR, MAX_YEAR = 1000, 9997
# RFC 5545 SEQUENCE and RSS enclosure lengths are integers; the largest value that every
# reader stores (a signed 32-bit integer for SEQUENCE, 64-bit for a byte length).
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
DURATION = re.compile(r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)")
DURATION_EXPECTED = "expected HH:MM:SS or MM:SS, e.g. 00:34:12"
BYTES_EXPECTED = "expected a whole number such as 24123456"


# Each tag and author is a page and feeds (an event's tag, a calendar) of its own, and every
# feed a post is in lists all of the post's tags: a post with thousands of them costs minutes of
# building. No post or event needs more.
MAX_NAMES = 20


def names(field: str, value: str) -> str | None:
    """For a header list of names (Tags, Authors), split as Pelican splits it."""
    return too_many(field, len([part for part in value.split(";" if ";" in value else ",")
                                if part.strip()]))


def too_many(field: str, count: int) -> str | None:
    if count > MAX_NAMES:
        return (f"lists {count} {field} (expected at most {MAX_NAMES}: each is a page, feed or "
                "calendar of its own)")
    return None


def missing_message(field: str) -> str:
    """What a required header field left out is told."""
    return f"missing (required; add a '{field.title()}:' line to the header)"


def empty_message(field: str) -> str:
    """What a required header field given with no value is told (the browser editor shows the
    same words for a required field left empty)."""
    return f"is empty (required; write it after '{field.title()}:')"


def quote(value: object) -> str:
    """``'value'`` for a message, cut to QUOTE_LIMIT characters with control characters shown
    as escapes."""
    text = value if isinstance(value, str) else repr(value)
    cut = len(text) > QUOTE_LIMIT
    text = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                            else f"\\u{ord(m.group()):04x}", text[:QUOTE_LIMIT])
    return f"'{text}…'" if cut else f"'{text}'"


def control_character(text: str) -> str | None:
    """The message for the first control character in ``text``, or None."""
    match = CONTROL.search(text)
    if match is None:
        return None
    code, position = f"U+{ord(match.group()):04X}", match.start() + 1
    if "\ud800" <= match.group() <= "\udfff":
        return (f"contains {code} at position {position}, half of a surrogate pair, which "
                "UTF-8 cannot carry (expected plain text; delete it)")
    return f"contains the control character {code} at position {position} (expected plain " \
        "text; delete it)"


def slug(value: str, *, made: bool = False) -> str | None:
    """What is wrong with a slug: said of the field holding it, or (``made``) as the predicate
    of a sentence about the title or file name Pelican made it from."""
    if not value:
        return "gives an empty slug (expected letters or digits in it)" if made \
            else f"is empty ({SLUG_EXPECTED})"
    if len(value) > SLUG_MAX_LENGTH:
        fault, joint = f"{len(value)} characters long (expected at most {SLUG_MAX_LENGTH})", ""
    elif not SLUG.fullmatch(value):
        fault, joint = f"not a slug ({SLUG_EXPECTED})", "which is "
    else:
        return None
    if made:
        return f"gives the slug {quote(value)}, {joint}{fault}"
    return f"{quote(value)} is {fault}"


def derived_slug(name: str, slug_value: str) -> str | None:
    """For a tag, category or author whose slug is made from its name."""
    if not slug_value:
        return (f"{quote(name)} gives an empty address (expected a name with letters or "
                "digits)")
    if len(slug_value) > SLUG_MAX_LENGTH:
        return (f"{quote(name)} is too long for an address ({len(slug_value)} characters; "
                f"expected at most {SLUG_MAX_LENGTH})")
    return None


def year(moment: datetime) -> str | None:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return (f"year {moment.year} is outside what calendars and feeds can carry (expected "
                f"{MIN_YEAR} to {MAX_YEAR})")
    return None


# How far ahead of now a date may be (a post's, an event's `updated:`): a day covers a
# contributor writing their own day's date on the far side of the world from TIMEZONE.
FUTURE_SLACK = timedelta(days=1)


OFFSET_PROBLEM = "the UTC offset is beyond ±14:00 (expected an offset from -14:00 to +14:00)"


def offset(moment: datetime) -> str | None:
    shift = moment.utcoffset()
    if shift is not None and abs(shift) > MAX_OFFSET:
        return OFFSET_PROBLEM
    return None


def integer(value: int, low: int, high: int) -> str | None:
    if not low <= value <= high:
        # Python refuses to write out an integer of thousands of digits (a YAML 0x... value
        # becomes one): such a value is named by its size instead.
        shown = quote(str(value)) if value.bit_length() <= 256 else \
            f"a number of {value.bit_length():,} bits"
        return f"{shown} is out of range (expected a whole number from {low} to {high})"
    return None


def duration(value: str) -> str | None:
    if not DURATION.fullmatch(value.strip()):
        return f"{quote(value)} is not a duration ({DURATION_EXPECTED})"
    return None


def byte_length(value: str) -> str | None:
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        return f"{quote(value)} is not a size in bytes ({BYTES_EXPECTED})"
    return integer(int(text), 1, INT64_MAX) if len(text) <= 20 else (
        f"{quote(value)} is out of range (expected a whole number from 1 to {INT64_MAX})")


_URL_UNSAFE = re.compile(r"[\s\"'<>`\\{}|^]")


def site_url(value: str, *, empty_ok: bool) -> str | None:
    """SITEURL / PUBLIC_SITEURL: an absolute http(s) address that is safe in every attribute."""
    if not value and empty_ok:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or _URL_UNSAFE.search(value) \
            or CONTROL.search(value) or parts.query or parts.fragment:
        return (f"{quote(value)} is not an absolute web address (expected e.g. "
                "https://example.org, with no spaces, quotes or markup)")
    return None
