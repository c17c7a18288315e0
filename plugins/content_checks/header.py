"""What the text of a Markdown source (post, page, working group) shows before any reader
touches it: its encoding and size, every header line, and the body's control characters,
nesting and unsafe markup. Pure text in, ``(line, field, message)`` out.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

from publishing.problems import split_lines

from . import limits, rules, security

Finding = tuple[int | None, str | None, str]

DATE_FIELDS = ("date", "modified")
DATE_EXPECTED = "expected YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2026-11-23 14:30"
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T_](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?")
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_FENCE = re.compile(r"\s*(```|~~~)")
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def decode(data: bytes) -> tuple[str | None, Finding | None]:
    """The file's text, or None and why it is not UTF-8 text."""
    if data.startswith(_UTF16) or data[:200].count(b"\x00") > 1:
        return None, (1, None, "is not UTF-8 text (it looks like UTF-16 or a binary file; "
                      "expected the file saved as UTF-8)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return None, (line, None, f"byte 0x{data[error.start]:02x} is not UTF-8 text (expected "
                      "the file saved as UTF-8)")


def header(lines: list[str]) -> list[tuple[int, str, str]]:
    """``(line, key, value)`` of each header line, continuation lines joined to their key."""
    fields: list[tuple[int, str, str]] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            break
        key, sep, value = text.partition(":")
        if sep and _KEY.fullmatch(key.strip()):
            fields.append((number, key.strip().lower(), value.strip()))
        elif fields and text[:1] in " \t":
            line, key, before = fields[-1]
            fields[-1] = (line, key, f"{before} {text.strip()}")
    return fields


def _date(value: str) -> str | None:
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return f"{rules.quote(value)} is not a full date ({DATE_EXPECTED})"
    y, m, d, hh, mm, ss, tz = match.groups()
    try:
        moment = datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError as error:
        return f"{rules.quote(value)} is not a real date or time: {error} ({DATE_EXPECTED})"
    if tz and tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        shift = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if shift > rules.MAX_OFFSET or int(digits[2:]) > 59:
            return f"{rules.quote(value)}: {rules.OFFSET_PROBLEM}"
        moment = moment.replace(tzinfo=timezone(sign * shift))
    return rules.year(moment)


def _value_problem(key: str, value: str) -> str | None:
    if key in DATE_FIELDS:
        return _date(value)
    if key == "slug":
        return rules.slug(value)
    if key == "duration" and value:
        return rules.duration(value)
    if key.endswith("_length") and value:
        return rules.byte_length(value)
    if key in ("tags", "authors"):
        return rules.names(key, value)
    return None


def _header_findings(fields: list[tuple[int, str, str]]) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for number, key, value in fields:
        if key in seen:
            yield number, key, (f"is given twice (first on line {seen[key]}; expected each "
                                "field once)")
            continue
        seen[key] = number
        message = rules.control_character(value) or _value_problem(key, value)
        if message:
            yield number, key, message


def body(lines: list[str], start: int) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of the body outside fenced code."""
    fenced = False
    for number in range(start, len(lines) + 1):
        text = lines[number - 1]
        if _FENCE.match(text):
            fenced = not fenced
            continue
        if not fenced:
            yield number, text


def scan_text(data: bytes, embed_hosts: tuple[str, ...] | None = (),
              formatted: tuple[str, ...] = ("summary",),
              render: Callable[[str], str] | None = None) -> tuple[list[str], list[Finding]]:
    """The file's lines and every problem its text shows. Header fields are text, escaped on
    every page, except the ``formatted`` ones (Pelican's FORMATTED_FIELDS), which are Markdown
    like the body and get the same security lint (none when ``embed_hosts`` is None), which
    checks what it finds against ``render``'s HTML of the text when given."""
    if len(data) > limits.MAX_BYTES:
        return [], [(None, None, limits.size_message(len(data)))]
    text, problem = decode(data)
    if text is None:
        return [], [problem]
    lines = split_lines(text)
    fields = header(lines)
    found = list(_header_findings(fields))
    start = next((i for i, line in enumerate(lines, start=1) if not line.strip()), len(lines)) + 1
    body_text = "\n".join(lines[start - 1:])
    control = rules.CONTROL.search(body_text)
    if control:  # one is enough to find them all
        line = start + body_text.count("\n", 0, control.start())
        found.append((line, "content", rules.control_character(lines[line - 1])))
    found += [(line, "content", message)
              for line, message in limits.excesses(lines[start - 1:], first_line=start)]
    if embed_hosts is None:
        return lines, found
    if security.suspect(body_text):
        found += security.lint(body(lines, start), "content", embed_hosts,
                               functools.partial(render, body_text) if render else None)
    for number, key, value in fields:
        if key in formatted:
            found += security.lint([(number, value)], key, embed_hosts,
                                   functools.partial(render, value) if render else None)
    return lines, found
