"""Calendar checks no parser makes: every TZID a property names has a VTIMEZONE (a missing one
silently shifts times in most clients). Reads the raw content lines (RFC 5545 section 3.1)."""

from __future__ import annotations

import re

_FOLD = re.compile(r"\r?\n[ \t]")
_TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:,]*)', re.IGNORECASE)


def content_lines(text: str) -> list[str]:
    return [line for line in _FOLD.sub("", text).splitlines() if line]


def _name_and_params(line: str) -> str:
    """The part of a content line before the value: the ':' that is not inside quotes."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index]
    return line


def tzid_problems(text: str) -> list[str]:
    defined: set[str] = set()
    used: dict[str, int] = {}
    stack: list[str] = []
    for number, line in enumerate(content_lines(text), 1):
        head = _name_and_params(line)
        name = head.split(";", 1)[0].upper()
        value = line[len(head) + 1:]
        if name == "BEGIN":
            stack.append(value.upper())
        elif name == "END" and stack:
            stack.pop()
        elif name == "TZID" and stack and stack[-1] == "VTIMEZONE":
            defined.add(value)
        for tzid in _TZID_PARAM.findall(head):
            used.setdefault(tzid.strip('"'), number)
    return [f"TZID={tzid} (content line {line}) has no VTIMEZONE"
            for tzid, line in sorted(used.items()) if tzid not in defined]
