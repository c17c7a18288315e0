"""Subscribers' gate: the calendars and feeds read by the clients people use, none written here.

Every .ics of the real site and of a fixture site (tests/fixtures/calendar-events: series across
both clock changes in London and New York, zones whose rules changed, southern-hemisphere,
half-hour and no-DST zones, an EXDATE on a shifted week, all-day multi-day and series without
end) is read by ical.js (Thunderbird, web calendars) and node-ical, loaded into Radicale (a
CalDAV server; vobject underneath), imported with khal and subscribed to with vdirsyncer over
HTTP. Each occurrence they show (the first 50 of a series, and those in 2060 of a series without
end) is compared with what the YAML source says, worked out apart with dateutil and zoneinfo
(calendar_expect.py). Feeds are read with newsboat, the podcast with podcastparser.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest

from conftest import ROOT, FixtureSite

from .calendar_expect import FAR_YEAR, differences, expected_events
from .gates_support import serve_folder
from .subscribers import (CalendarSite, Khal, Radicale, newsboat_read, node_readings, utc_text,
                          vdirsyncer_subscribe)

FIXTURE_EVENTS = ROOT / "tests" / "fixtures" / "calendar-events"
SITE_ID = "open.coop,2016"  # pelicanconf.py's, which both builds use


@pytest.fixture(scope="session")
def calendar_sites(real_site: Path, tmp_path_factory) -> list[CalendarSite]:
    site = FixtureSite(tmp_path_factory.mktemp("calendar-fixture"))
    (site.content / "events").mkdir()
    for path in FIXTURE_EVENTS.glob("*.yaml"):
        shutil.copy2(path, site.content / "events" / path.name)
    result = site.build()
    assert result.ok, result.stderr
    return [CalendarSite("real", real_site, ROOT / "content" / "events"),
            CalendarSite("fixture", site.output, FIXTURE_EVENTS)]


@pytest.fixture(scope="session")
def calendar_files(calendar_sites) -> list[tuple[CalendarSite, Path, list[str]]]:
    """(site, .ics file, the UIDs of its events) for every calendar of both sites."""
    found = []
    for site in calendar_sites:
        files = sorted((site.output / "events").rglob("*.ics"))
        assert site.output / "events" / "calendar.ics" in files, f"{site.name}: no calendar.ics"
        for path in files:
            calendar = icalendar.Calendar.from_ical(path.read_bytes())
            found.append((site, path, [str(e["UID"]) for e in calendar.walk("VEVENT")]))
    return found


@pytest.fixture(scope="session")
def expected(calendar_sites) -> dict[str, dict]:
    return {site.name: expected_events(site.sources, SITE_ID) for site in calendar_sites}


def _name(site: CalendarSite, path: Path) -> str:
    return f"{site.name}:{path.relative_to(site.output).as_posix()}"


def test_every_source_event_is_in_the_site_calendar(calendar_files, expected):
    problems = []
    for site, path, uids in calendar_files:
        unknown = sorted(set(uids) - set(expected[site.name]))
        problems += [f"{_name(site, path)}: {uid} has no source" for uid in unknown]
        if path.name == "calendar.ics" and path.parent.name == "events":
            lost = sorted(set(expected[site.name]) - set(uids))
            problems += [f"{_name(site, path)}: {uid} missing" for uid in lost]
    assert not problems, "\n".join(problems)


def test_calendar_lines_every_client_reads_alike(calendar_files):
    """No UID on the VCALENDAR (vdirsyncer would give it to every event), no empty CATEGORIES,
    no multi-value RDATE in a VTIMEZONE (ical.js and vobject read the first value only), and
    each VTIMEZONE's current rule an RRULE."""
    problems = []
    for site, path, _ in calendar_files:
        lines = path.read_bytes().decode("utf-8").replace("\r\n ", "").split("\r\n")
        depth, zone_rules = [], 0
        for line in lines:
            if line.startswith("BEGIN:"):
                depth.append(line[6:])
            elif line.startswith("END:"):
                depth.pop()
            elif depth == ["VCALENDAR"] and line.startswith("UID"):
                problems.append(f"{_name(site, path)}: UID on the VCALENDAR: {line}")
            elif re.fullmatch(r"CATEGORIES(;[^:]*)?:", line):
                problems.append(f"{_name(site, path)}: empty CATEGORIES")
            elif line.startswith("RDATE") and "," in line.split(":", 1)[1]:
                problems.append(f"{_name(site, path)}: multi-value {line}")
            elif line.startswith("RRULE") and "VTIMEZONE" in depth:
                zone_rules += 1
        for required in ("NAME:", "X-WR-CALNAME:", "REFRESH-INTERVAL;VALUE=DURATION:", "SOURCE:",
                         "URL:"):
            if not any(line.startswith(required) for line in lines):
                problems.append(f"{_name(site, path)}: no {required.rstrip(':')}")
        if any("TZID=Europe/London" in line for line in lines) and zone_rules < 2:
            problems.append(f"{_name(site, path)}: Europe/London without yearly RRULEs")
    assert not problems, "\n".join(problems)


def test_ical_js_and_node_ical_show_what_the_sources_say(calendar_files, expected):
    requests, wanted = [], {}
    for site, path, uids in calendar_files:
        events = {uid: expected[site.name][uid] for uid in uids if uid in expected[site.name]}
        requests.append({"file": str(path), "events": {u: e.windows() for u, e in events.items()}})
        wanted[str(path)] = (site, path, events)
    readings = node_readings(requests)
    problems = []
    for file, (site, path, events) in wanted.items():
        for uid, event in events.items():
            for client, seen in readings[file][uid].items():
                problems += differences(client, _name(site, path), event, seen)
    assert not problems, f"{len(problems)} discrepancies:\n" + "\n".join(problems)


def _stamp(text: str, days: int = 0) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(text[:10]) + timedelta(days=days)).strftime("%Y%m%dT000000Z")


def test_radicale_loads_the_calendars_and_answers_time_ranges(calendar_files, expected,
                                                              tmp_path):
    """Each site's calendar.ics and each event's own calendar, uploaded whole (Radicale takes
    about a third of a second a file; group and tag calendars repeat those VEVENTs)."""
    server = Radicale(tmp_path / "radicale")
    problems = []
    try:
        for number, (site, path, uids) in enumerate(calendar_files):
            if len(uids) != 1 and path.name != "calendar.ics":
                continue  # a group's or tag's: its events are in calendar.ics and their own files
            collection = f"c{number}"
            status = server.upload(collection, path.read_bytes())
            if status not in (201, 204):
                problems.append(f"{_name(site, path)}: Radicale refused it (HTTP {status})")
                continue
            held = server.count(collection)
            if held != len(set(uids)):
                problems.append(f"{_name(site, path)}: Radicale holds {held} events, the file "
                                f"{len(set(uids))}")
            if len(uids) != 1:
                continue
            # An event's own calendar: its occurrences, expanded by the server, window by window.
            event = expected[site.name][uids[0]]
            seen = []
            for first, last in event.windows():
                for component in server.query(collection, _stamp(first, -1), _stamp(last, 2), True):
                    seen.append(utc_text(component["DTSTART"].dt))
            problems += differences("Radicale", _name(site, path), event, seen)
            # A plain time-range query on the first occurrence's start finds it.
            start = event.first[0]
            if "T" in start:
                compact = start.replace("-", "").replace(":", "")
                found = server.query(collection, compact, compact[:-3] + "01Z", False)
                if not found:
                    problems.append(f"{_name(site, path)}: {event.uid}: a time-range query at "
                                    f"{start} (the source's first start) finds nothing in Radicale")
    finally:
        server.close()
    assert not problems, f"{len(problems)} discrepancies:\n" + "\n".join(problems)


KHAL_FIRST = 12  # a year of a monthly series, both clock changes of a weekly one
KHAL_HORIZON = "2038"


def test_khal_imports_each_site_calendar_and_shows_the_sources_times(calendar_files, expected,
                                                                     tmp_path):
    """Each site's calendar.ics (every event; the other files repeat its VEVENTs) imported with
    khal's command, then read back from khal's database: the first occurrences of every event
    (khal builds an event object per occurrence it reads, a few milliseconds each, and keeps no
    occurrence after 2037)."""
    wholes = [(site, path, uids) for site, path, uids in calendar_files
              if path.name == "calendar.ics" and path.parent.name == "events"]
    names = [site.name for site, _, _ in wholes]
    khal = Khal(tmp_path / "khal", names)
    problems = []
    for name, (site, path, uids) in zip(names, wholes):
        result = khal.import_files(name, [path])
        if result.returncode != 0 or "rror" in result.stderr:
            problems.append(f"{_name(site, path)}: khal import failed: {result.stderr.strip()}")
            continue
        for uid in uids:
            event = expected[site.name][uid]
            want = [start for start in event.first[:KHAL_FIRST] if start < KHAL_HORIZON]
            # Each occurrence's own days: a window over years would make khal build every
            # other event's occurrences in it too.
            seen = khal.starts(name, uid, [(start, start) for start in want])
            if seen != want:
                lost, extra = sorted(set(want) - set(seen)), sorted(set(seen) - set(want))
                problems.append(f"{_name(site, path)}: {uid}: khal lacks {lost[:3]} and shows "
                                f"{extra[:3]} (source's first: {want[:3]})")
    assert not problems, f"{len(problems)} discrepancies:\n" + "\n".join(problems)


def test_vdirsyncer_keeps_every_event_of_every_calendar(calendar_sites, calendar_files, tmp_path):
    servers = {site.name: serve_folder(site.output) for site in calendar_sites}
    try:
        urls, counts = {}, {}
        for number, (site, path, uids) in enumerate(calendar_files):
            port = servers[site.name].server_address[1]
            relative = path.relative_to(site.output).as_posix()
            urls[f"c{number}"] = f"http://127.0.0.1:{port}/{relative}"
            counts[f"c{number}"] = (_name(site, path), len(set(uids)))
        result, kept = vdirsyncer_subscribe(tmp_path / "vdirsyncer", urls)
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
    assert result.returncode == 0, result.stderr
    problems = [f"{name}: vdirsyncer kept {kept[key]} of {count} events"
                for key, (name, count) in counts.items() if kept[key] != count]
    assert not problems, "\n".join(problems)


# --- feeds -----------------------------------------------------------------------------------
ATOM = "{http://www.w3.org/2005/Atom}"


def _feed_items(path: Path) -> tuple[str, list[str]]:
    """A feed's title and its entries' ids (Atom) or guids (RSS), read with ElementTree."""
    root = ET.parse(path).getroot()
    if root.tag == f"{ATOM}feed":
        return root.findtext(f"{ATOM}title"), [e.findtext(f"{ATOM}id")
                                               for e in root.iter(f"{ATOM}entry")]
    channel = root.find("channel")
    return channel.findtext("title"), [i.findtext("guid") for i in channel.iter("item")]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_newsboat_reads_every_feed(fmt, real_site, tmp_path):
    feeds = sorted((real_site / "feeds").rglob(f"*.{fmt}.xml"))
    assert real_site / "feeds" / f"events.{fmt}.xml" in feeds
    server = serve_folder(real_site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        urls = {f"{base}/{p.relative_to(real_site).as_posix()}": p for p in feeds}
        result, stored = newsboat_read(tmp_path / "newsboat", list(urls))
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    problems = []
    # newsboat keeps an item once whichever feed brought it (posts are in several feeds): every
    # feed must be known with its title, and every entry of every feed stored once.
    import sqlite3

    with sqlite3.connect(tmp_path / "newsboat" / "cache.db") as db:
        titles = dict(db.execute("SELECT rssurl, title FROM rss_feed"))
        guids = {row[0] for row in db.execute("SELECT guid FROM rss_item")}
    wanted = set()
    for url, path in urls.items():
        title, ids = _feed_items(path)
        wanted |= set(ids)
        if titles.get(url) != title:
            problems.append(f"{path.name}: newsboat shows title {titles.get(url)!r}, feed says {title!r}")
    if guids != wanted:
        problems.append(f"newsboat stored {len(guids)} entries, the feeds hold {len(wanted)}: "
                        f"lacks {sorted(wanted - guids)[:5]}, extra {sorted(guids - wanted)[:5]}")
    assert stored, "newsboat stored nothing"
    assert not problems, "\n".join(problems)


def test_podcastparser_reads_the_podcast(real_site):
    import podcastparser

    path = real_site / "feeds" / "category" / "audio.rss.xml"
    with path.open("rb") as stream:
        podcast = podcastparser.parse("https://open.coop/feeds/category/audio.rss.xml", stream)
    channel = ET.parse(path).getroot().find("channel")
    items = channel.findall("item")
    assert podcast["title"] == channel.findtext("title")
    assert podcast.get("cover_url", "").endswith((".png", ".jpg"))
    assert podcast.get("type") == "episodic"
    assert len(podcast["episodes"]) == len(items) > 0
    by_guid = {e["guid"]: e for e in podcast["episodes"]}
    for item in items:
        episode = by_guid[item.findtext("guid")]
        enclosure = item.find("enclosure")
        assert episode["title"] == item.findtext("title")
        (media,) = episode["enclosures"]
        assert media["url"] == enclosure.get("url") and media["mime_type"] == enclosure.get("type")
        assert media["file_size"] == int(enclosure.get("length"))
        assert episode["total_time"] > 0


def test_far_year_checks_something(expected):
    """The 2060 check is not empty: some series without end has occurrences there."""
    assert any(event.far for site in expected.values() for event in site.values()), FAR_YEAR


def test_the_comparison_catches_a_one_line_rdate_zone(calendar_sites, expected, tmp_path):
    """The gate can fail: with icalendar's own VTIMEZONE (every change on one RDATE line),
    ical.js puts the summer occurrences of a London series an hour out, and the gate says so."""
    site = next(s for s in calendar_sites if s.name == "fixture")
    source = site.output / "events" / "london-weekly-dst.ics"
    calendar = icalendar.Calendar.from_ical(source.read_bytes())
    from datetime import date

    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    calendar.subcomponents.insert(0, icalendar.Timezone.from_tzid(
        "Europe/London", first_date=date(2017, 1, 1), last_date=date(2040, 1, 1)))
    broken = tmp_path / "broken.ics"
    broken.write_bytes(calendar.to_ical())
    event = expected["fixture"]["london-weekly-dst@open.coop-2016"]
    readings = node_readings([{"file": str(broken), "events": {event.uid: event.windows()}}])
    found = differences("ical.js", "broken.ics", event, readings[str(broken)][event.uid]["ical.js"])
    assert found and "london-weekly-dst@open.coop-2016" in found[0] and "source says" in found[0]
