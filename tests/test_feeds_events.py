"""The events feed, written against the Event contract (shared brief). Needs plugins/events,
which lives on another branch: these tests run once it is merged."""

from __future__ import annotations

import feedparser
import pytest

from conftest import FixtureSite, page_at, soup
from feeds_support import check_content_html, check_feed_file


SITE = "https://open.coop"
# Build "now" is 2026-11-23 (conftest.EPOCH): two upcoming events, two past ones.
EVENTS = {
    "later-meetup": ("Later & greater <meetup>", "2027-03-01 18:30"),
    "x-launch": ("X", "2027-01-05 18:00"),
    "old-assembly": ("Old assembly", "2025-09-10 10:00"),
    "summer-fair": ("Summer fair", "2026-06-01 12:00"),
}
EXPECTED_ORDER = ["5 January 2027: X", "1 March 2027: Later & greater <meetup>",
                  "1 June 2026: Summer fair", "10 September 2025: Old assembly"]


@pytest.fixture(scope="module")
def events_site(tmp_path_factory) -> FixtureSite:
    site = FixtureSite(tmp_path_factory.mktemp("feeds-events"))
    site.post("a-post")
    for slug, (title, start) in EVENTS.items():
        site.file(f"events/{slug}.yaml", f"""\
            title: "{title}"
            start: {start}
            timezone: Europe/London
            location: Somewhere
            """)
    result = site.build()
    assert result.ok, result.stderr
    return site


def test_events_feeds_are_valid(events_site):
    for fmt in ("atom", "rss"):
        path = events_site.output / f"feeds/events.{fmt}.xml"
        check_feed_file(events_site.output, path, SITE)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_upcoming_soonest_first_then_recent_past(events_site, fmt):
    parsed = feedparser.parse((events_site.output / f"feeds/events.{fmt}.xml").read_bytes())
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == EXPECTED_ORDER
    for entry in parsed.entries:
        slug = entry.link.removeprefix(f"{SITE}/events/").rstrip("/")
        assert slug and "/" not in slug
        assert entry.id == f"tag:open.coop,2016:events/{slug}"
        body = entry.content[0].value
        doc = check_content_html(body, entry.title)
        assert "Europe/London" in doc.get_text() and "Somewhere" in doc.get_text()
        hrefs = {a["href"] for a in doc.find_all("a")}
        assert {f"{SITE}/events/{slug}/", f"{SITE}/events/{slug}.ics"} <= hrefs
    first = parsed.entries[0].content[0].value
    assert "18:00" in first and "2027" in first


def test_events_page_announces_the_events_feed(events_site):
    page = page_at(events_site.output, "/events/")
    assert page.is_file()
    hrefs = {link["href"] for link in soup(page).find_all("link", rel="alternate")}
    assert {"/feeds/events.atom.xml", "/feeds/events.rss.xml"} <= hrefs
    for href in hrefs:
        # The calendar alternate is absolute (calendar apps need the public address).
        assert page_at(events_site.output, href.removeprefix(SITE)).is_file()


def test_each_event_entry_is_dated_by_its_own_revision(real_site):
    """The W3C validator warns when entries share one atom:updated: each event's is the time its
    information last changed (its `updated:`), so they differ and mean something."""
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    import yaml

    parsed = feedparser.parse((real_site / "feeds" / "events.atom.xml").read_bytes())
    updated = {e.link.rstrip("/").rsplit("/", 1)[-1]: e.updated for e in parsed.entries}
    assert len(set(updated.values())) == len(updated) > 1
    folder = Path(__file__).resolve().parents[1] / "content" / "events"
    for slug, value in updated.items():
        source = yaml.safe_load((folder / f"{slug}.yaml").read_text(encoding="utf-8"))
        if source.get("recurrence"):
            continue  # dated by its next occurrence too (below)
        # `updated:` is wall-clock time in the event's zone (all-day events: UTC).
        zone = ZoneInfo(source.get("timezone") or "UTC")
        said = datetime.fromisoformat(str(source["updated"])).replace(tzinfo=zone)
        assert datetime.fromisoformat(value) == said, slug


def test_a_series_entry_is_dated_again_when_it_names_its_next_occurrence(tmp_path):
    """A series' entry is titled with its next occurrence: when that moves on, the entry has
    changed, and its updated date says so (readers keyed on id and date would keep the old)."""
    from datetime import datetime, timezone

    from conftest import EPOCH

    site = FixtureSite(tmp_path)
    site.post("a-post")
    site.file("events/weekly.yaml", """\
        title: Weekly call
        start: 2026-10-06 18:00
        end: 2026-10-06 19:00
        timezone: Europe/London
        recurrence: FREQ=WEEKLY;COUNT=30
        updated: 2026-09-22 17:00
        """)
    seen = []
    for days in (0, 8):
        result = site.build(env={"SOURCE_DATE_EPOCH": str(int(EPOCH) + days * 86400)})
        assert result.ok, result.stderr
        (entry,) = feedparser.parse((site.output / "feeds/events.atom.xml").read_bytes()).entries
        seen.append((entry.title, datetime.fromisoformat(entry.updated)))
    (before, stamped), (after, restamped) = seen
    assert before == "24 November 2026: Weekly call" and after == "1 December 2026: Weekly call"
    # The end of the occurrence before the one each title names.
    assert stamped == datetime(2026, 11, 17, 19, 0, tzinfo=timezone.utc)
    assert restamped == datetime(2026, 11, 24, 19, 0, tzinfo=timezone.utc)
