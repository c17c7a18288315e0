"""The events feed against a stand-in that fills the context exactly as the Event contract
says (the real events plugin is on another branch; test_feeds_events.py uses it after merge)."""

from __future__ import annotations

import textwrap

import feedparser
import pytest

from conftest import ROOT, FixtureSite
from feeds_support import check_content_html, check_feed_file

SITE = "https://open.coop"
STAND_IN = '''
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pelican import signals

LONDON = ZoneInfo("Europe/London")


@dataclass
class Event:
    slug: str
    title: str
    start: object
    is_upcoming: bool
    status: str = "confirmed"
    all_day: bool = False
    timezone: str | None = "Europe/London"
    location_name: str = "Somewhere"
    location_address: str = ""
    online_url: str | None = None
    summary: str = ""
    description_html: str = "<p>Bring <em>friends</em>.</p><script>alert(1)</script>"
    tags: list = field(default_factory=list)
    updated: object = None
    organizer: str | None = None
    group: str | None = None

    def __post_init__(self):
        self.url = f"events/{self.slug}/"
        self.ics_url = f"events/{self.slug}.ics"
        self.next_start = self.start
        self.end = self.start
        self.when_text = (self.start.strftime("%A %d %B %Y, %H:%M") + " (Europe/London)"
                          if isinstance(self.start, datetime) else self.start.isoformat())


def fill(generators):
    context = generators[0].context
    upcoming = [Event("x", "X", datetime(2027, 1, 5, 18, 0, tzinfo=LONDON), True,
                      updated=datetime(2026, 10, 1, 9, 0, tzinfo=LONDON)),
                Event("later", "Later & <b>bold</b>", datetime(2027, 3, 1, 18, 30, tzinfo=LONDON), True,
                      status="cancelled", tags=["meetup"])]
    past = [Event("fair", "Summer fair", date(2026, 6, 1), False, all_day=True, timezone=None),
            Event("old", "Old assembly", datetime(2025, 9, 10, 10, 0, tzinfo=LONDON), False)]
    context["events"] = sorted(upcoming + past, key=lambda e: str(e.start))
    context["upcoming_events"] = upcoming
    context["past_events"] = past


def register():
    signals.all_generators_finalized.connect(fill)
'''


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds-stand-in")
    plugin = root / "plugins" / "stand_in_events"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text(textwrap.dedent(STAND_IN), encoding="utf-8")
    site = FixtureSite(root / "site")
    site.post("a-post")
    # The stand-in is connected after feeds: feed_for must still see its events.
    result = site.build(overrides={"PLUGIN_PATHS": [str(ROOT / "plugins"), str(root / "plugins")],
                                   "PLUGINS": ["content_checks", "feeds", "stand_in_events"],
                                   "FEED_MAX_ITEMS": 3})
    assert result.ok, result.stderr
    return site.output


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_events_feed_order_titles_ids_and_content(output, fmt):
    path = output / f"feeds/events.{fmt}.xml"
    check_feed_file(output, path, SITE)
    parsed = feedparser.parse(path.read_bytes())
    # Upcoming soonest first, then the most recent past; FEED_MAX_ITEMS=3 drops the oldest.
    assert [e.title for e in parsed.entries] == [
        "5 January 2027: X", "1 March 2027: Cancelled: Later & <b>bold</b>", "1 June 2026: Summer fair"]
    for entry, slug in zip(parsed.entries, ["x", "later", "fair"]):
        assert entry.id == f"tag:open.coop,2016:events/{slug}"
        assert entry.link == f"{SITE}/events/{slug}/"
        doc = check_content_html(entry.content[0].value, slug)
        assert "Somewhere" in doc.get_text()
        assert {f"{SITE}/events/{slug}/", f"{SITE}/events/{slug}.ics"} <= {a["href"] for a in doc.find_all("a")}
    first = parsed.entries[0].content[0].value
    assert "05 January 2027, 18:00" in first and "Europe/London" in first
    # The event's `updated`, not the build time (feedparser normalises to UTC).
    assert tuple(parsed.entries[0].published_parsed[:5]) == (2026, 10, 1, 8, 0)


def test_events_filled_after_feeds_planned_are_still_written(output):
    # The stand-in's handler runs after the feeds plugin's: the plan is made when first used.
    assert (output / "feeds/events.atom.xml").is_file()
    assert (output / "feeds/events.rss.xml").is_file()
