"""Helpers for the events tests: build a site with given events, parse calendars with several
independent libraries."""

from __future__ import annotations

from pathlib import Path

from conftest import FixtureSite


def site_with_events(root: Path, events: dict[str, str], **build) -> FixtureSite:
    """A fixture site of one post and ``events`` ({slug: YAML text}), built (``build``: the
    build's keyword arguments)."""
    site = FixtureSite(root)
    site.post("a-post")
    for slug, text in events.items():
        site.file(f"events/{slug}.yaml", text)
    result = site.build(**build)
    assert result.ok, result.stderr
    return site


def ics_files(output: Path) -> list[Path]:
    return sorted((output / "events").rglob("*.ics"))


def parse_icalendar(path: Path):
    import icalendar

    return icalendar.Calendar.from_ical(path.read_bytes())


def vevents(path: Path) -> list:
    return list(parse_icalendar(path).walk("VEVENT"))


def by_uid_suffix(path: Path, slug: str):
    return next(e for e in vevents(path) if str(e["UID"]).startswith(f"{slug}@"))


def unfold(raw: bytes) -> list[str]:
    """Content lines after RFC 5545 unfolding (CRLF followed by one space or tab)."""
    text = raw.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return text.split("\r\n")
