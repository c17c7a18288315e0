"""Warm rebuilds of events: unchanged calendars are the previous build's files, changed events show
up everywhere they belong, and the cached reading of event files still reports every problem."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events_support import by_uid_suffix, parse_icalendar, vevents
from conftest import FixtureSite, page_at, soup, tree_digest
from working_groups_support import group_file

LONDON = ZoneInfo("Europe/London")
EVENT = """\
title: {title}
start: {start}
end: {end}
timezone: Europe/London
group: {group}
tags: [{tag}]
description: |
  Notes for *{title}*.
"""


def _event(site: FixtureSite, slug: str, title: str, group: str, tag: str = "meetups",
           start: str = "2027-01-05 18:00", end: str = "2027-01-05 20:00"):
    return site.file(f"events/{slug}.yaml", EVENT.format(title=title, start=start, end=end,
                                                         group=group, tag=tag))


def _inode(site: FixtureSite, relative: str) -> int:
    return os.stat(site.output / relative).st_ino


@pytest.fixture
def events_site(site: FixtureSite) -> FixtureSite:
    group_file(site, "alpha", title="Alpha Group")
    group_file(site, "beta", title="Beta Group")
    site.post("a-post")
    _event(site, "alpha-meetup", "Alpha meetup", "alpha")
    _event(site, "alpha-social", "Alpha social", "alpha", tag="socials", start="2027-02-01 18:00",
           end="2027-02-01 21:00")
    _event(site, "beta-meetup", "Beta meetup", "beta", start="2027-03-01 10:00",
           end="2027-03-01 12:00")
    result = site.build()
    assert result.ok, result.stderr
    return site


def test_editing_an_event_updates_its_calendars_and_reuses_the_others(events_site):
    site = events_site
    unrelated = "events/beta-meetup.ics"
    inode = _inode(site, unrelated)
    _event(site, "alpha-meetup", "Alpha meetup, moved", "alpha", start="2027-01-06 19:30",
           end="2027-01-06 21:00")
    result = site.build()
    assert result.ok, result.stderr

    page = soup(page_at(site.output, "/events/alpha-meetup/"))
    assert page.find("h1").get_text(strip=True) == "Alpha meetup, moved"
    moved = datetime(2027, 1, 6, 19, 30, tzinfo=LONDON)
    for relative in ("events/alpha-meetup.ics", "events/calendar.ics", "events/group/alpha.ics",
                     "events/tag/meetups.ics"):
        event = by_uid_suffix(site.output / relative, "alpha-meetup")
        assert str(event["SUMMARY"]) == "Alpha meetup, moved", relative
        assert event.decoded("DTSTART") == moved, relative
    assert [str(e["SUMMARY"]) for e in vevents(site.output / "events/group/alpha.ics")] == [
        "Alpha meetup, moved", "Alpha social"]

    # The unrelated calendar is the previous build's file, linked, not written again...
    assert _inode(site, unrelated) == inode
    # ...and still a whole, valid calendar.
    calendar = parse_icalendar(site.output / unrelated)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Beta meetup"
    assert event.decoded("DTSTART") == datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_a_warm_rebuild_without_changes_is_byte_identical_to_the_cold_build(events_site):
    site = events_site
    cold = tree_digest(site.output)
    inode = _inode(site, "events/calendar.ics")
    result = site.build()
    assert result.ok, result.stderr
    assert tree_digest(site.output) == cold
    assert _inode(site, "events/calendar.ics") == inode  # reused, so the warm path was taken


def test_a_deleted_event_leaves_the_calendars_on_the_next_build(events_site):
    site = events_site
    (site.content / "events" / "alpha-social.yaml").unlink()
    result = site.build()
    assert result.ok, result.stderr
    summaries = [str(e["SUMMARY"]) for e in vevents(site.output / "events/calendar.ics")]
    assert summaries == ["Alpha meetup", "Beta meetup"]
    assert [str(e["SUMMARY"]) for e in vevents(site.output / "events/group/alpha.ics")] == [
        "Alpha meetup"]
    assert not (site.output / "events/alpha-social.ics").exists()
    assert not (site.output / "events/tag/socials.ics").exists()
    assert not page_at(site.output, "/events/alpha-social/").exists()


def test_a_cached_event_file_broken_later_is_reported_with_file_line_and_field(events_site):
    site = events_site
    before = tree_digest(site.output)
    path = site.content / "events" / "beta-meetup.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("end: 2027-03-01 12:00",
                                                             "end: 2027-02-28 12:00"),
                    encoding="utf-8")
    expected = ("content/events/beta-meetup.yaml:3: field 'end': '2027-02-28 12:00' is before "
                "the start")
    for result, lines in ((site.build(), "stderr"), (site.check(), "stdout")):
        assert result.returncode == 1
        assert any(expected in line for line in getattr(result, lines).splitlines()), result
    assert tree_digest(site.output) == before


DESCRIPTIONS = ["## Agenda\n\nIntro[^1].\n\n[^1]: A footnote.",
                "## Agenda\n\n*[HTML]: Hyper Text\n\nHTML \"quotes\" -- dashes",
                "<div markdown=\"1\">*inside*</div>\n\n```python\nprint(1)\n```",
                "## Agenda\n\nNo footnote, no abbreviation: HTML."]


def test_the_reused_description_renderer_matches_a_fresh_markdown_each_time():
    from markdown import Markdown
    from pelican.settings import read_settings

    from conftest import ROOT
    from events.generator import _markdown_renderer

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    render = _markdown_renderer(settings)
    config = dict(settings["MARKDOWN"], extensions=list(settings["MARKDOWN"]["extension_configs"]))
    for text in DESCRIPTIONS * 2:
        assert render(text) == Markdown(**config).convert(text)
