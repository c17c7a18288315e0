"""The iCalendar files: every .ics parses with four libraries, times and UIDs are right."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events_support import (by_uid_suffix, ics_files, parse_icalendar, site_with_events, unfold,
                            vevents)

from conftest import ROOT, FixtureSite

SLUGS = ["open-2017", "open-2018", "open-2019", "open-2020", "open-credit-network-weekly",
         "commons-summer-school-2025", "manchester-meetup-2020"]


def test_every_calendar_parses_with_icalendar_vobject_and_ics(real_site):
    import ics
    import vobject

    files = ics_files(real_site)
    names = {str(p.relative_to(real_site)) for p in files}
    assert {"events/calendar.ics", "events/open-2020.ics", "events/group/open-credit-network.ics",
            "events/tag/mutual-credit.ics"} <= names
    for path in files:
        text = path.read_text(encoding="utf-8")
        cal = parse_icalendar(path)
        assert cal.walk("VEVENT"), path
        parsed = vobject.readOne(text, validate=True)
        parsed.validate(raiseException=True)
        assert len(ics.Calendar(text).events) == len(cal.walk("VEVENT")), path


def test_whole_calendar_keeps_past_and_cancelled_events_and_rfc7986_properties(real_site):
    path = real_site / "events" / "calendar.ics"
    cal = parse_icalendar(path)
    uids = {str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")}
    assert set(SLUGS) <= uids
    assert len(uids) == len(list((ROOT / "content" / "events").glob("*.yaml")))
    cancelled = by_uid_suffix(path, "manchester-meetup-2020")
    assert cancelled["STATUS"] == "CANCELLED"
    assert cal["NAME"] == cal["X-WR-CALNAME"] and cal["NAME"]
    assert cal["DESCRIPTION"] == cal["X-WR-CALDESC"]
    assert cal["X-PUBLISHED-TTL"] == "P1D"
    assert "Open Co-op" in str(cal["PRODID"])
    lines = unfold(path.read_bytes())
    assert "REFRESH-INTERVAL;VALUE=DURATION:P1D" in lines


def test_every_tzid_has_a_vtimezone(real_site):
    for path in ics_files(real_site):
        raw = path.read_bytes().decode("utf-8")
        used = set(re.findall(r";TZID=([^:;]+)[:;]", raw))
        defined = set(re.findall(r"\r\nTZID:([^\r]+)\r\n", raw))
        assert used <= defined, (path, used - defined)
    cal = parse_icalendar(real_site / "events" / "calendar.ics")
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert {"Europe/London", "America/New_York", "Europe/Madrid", "Asia/Kolkata"} <= zones


def test_vevent_fields(real_site):
    event = by_uid_suffix(real_site / "events" / "open-2020.ics", "open-2020")
    assert event["SUMMARY"] == "OPEN 2020"
    assert event["UID"] == "open-2020@open.coop-2016"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt == datetime(2020, 6, 18, 14, tzinfo=ZoneInfo("Europe/London"))
    assert event["DTEND"].dt == datetime(2020, 6, 20, 18, tzinfo=ZoneInfo("Europe/London"))
    assert event["DTSTAMP"].dt.utcoffset() == timedelta(0)
    assert str(event["URL"]) == "https://open.coop/events/open-2020/"
    assert str(event["DESCRIPTION"]).endswith("https://open.coop/events/open-2020/")
    assert event["STATUS"] == "CONFIRMED"
    assert "mutual credit" in [str(c) for c in event["CATEGORIES"].cats]
    lines = unfold((real_site / "events" / "open-2020.ics").read_bytes())
    conference = [ln for ln in lines if ln.startswith("CONFERENCE")]
    assert conference and "VALUE=URI" in conference[0]
    assert conference[0].endswith(":https://meet.open.coop/open-2020")
    geo = by_uid_suffix(real_site / "events" / "open-2017.ics", "open-2017")["GEO"]
    assert (round(geo.latitude, 3), round(geo.longitude, 3)) == (51.535, -0.122)
    updated = by_uid_suffix(real_site / "events" / "open-2018.ics", "open-2018")
    assert updated["SEQUENCE"] == 1
    assert updated["LAST-MODIFIED"].dt == datetime(2018, 6, 20, 9, tzinfo=ZoneInfo("UTC"))


def test_all_day_dtend_is_exclusive(real_site):
    event = by_uid_suffix(real_site / "events" / "commons-summer-school-2025.ics",
                          "commons-summer-school-2025")
    assert event["DTSTART"].dt == date(2025, 7, 14)
    assert event["DTEND"].dt == date(2025, 7, 19)  # the YAML says end: 2025-07-18 (inclusive)
    lines = unfold((real_site / "events" / "commons-summer-school-2025.ics").read_bytes())
    assert "DTSTART;VALUE=DATE:20250714" in lines and "DTEND;VALUE=DATE:20250719" in lines


def test_weekly_call_expands_with_recurring_ical_events_and_skips_exdates(real_site):
    import recurring_ical_events

    cal = parse_icalendar(real_site / "events" / "open-credit-network-weekly.ics")
    found = recurring_ical_events.of(cal).between(date(2026, 10, 1), date(2027, 6, 1))
    starts = [o["DTSTART"].dt for o in found]
    assert len(starts) == 28  # COUNT=30 minus two EXDATEs
    days = {s.date() for s in starts}
    assert date(2026, 12, 15) in days and date(2027, 1, 5) in days
    assert date(2026, 12, 22) not in days and date(2026, 12, 29) not in days
    # London wall-clock time stays 18:00 across both clock changes; UTC moves.
    assert {(s.hour, s.minute) for s in starts} == {(18, 0)}
    utc_hours = {s.astimezone(ZoneInfo("UTC")).hour for s in starts}
    assert utc_hours == {17, 18}


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    site = FixtureSite(tmp_path_factory.mktemp("events-ical"))
    site.post("a-post", tags="mutual credit")
    site.file("events/tricky.yaml", r'''
        title: 'Commas, semicolons; back\slashes \n and “quotes” — Zürich café ☕ 東京 ümlaut test'
        start: 2026-12-01 10:00
        end: 2026-12-01 12:00
        timezone: Asia/Kolkata
        location: "Hall 1; Floor 2, Straße 3"
        summary: 'One line, with; separators \ and more'
        description: |
          First paragraph, with; punctuation.
          Second line: a backslash \ here.

          Ünïcödé paragraph that is long enough to need folding: ελληνικά, русский, 日本語のテキスト, emoji 🎉🎉🎉.
        tags: [mutual credit, "a, b"]
        ''')
    site.file("events/dst.yaml", '''
        title: Spring call
        start: 2027-03-09 18:00
        end: 2027-03-09 19:00
        timezone: Europe/London
        recurrence: FREQ=WEEKLY;COUNT=6
        ''')
    site.file("events/stable.yaml", '''
        title: Original title
        start: 2026-12-20 09:00
        end: 2026-12-20 10:00
        timezone: Europe/Madrid
        ''')
    first = site.build()
    assert first.ok, first.stderr
    return site


def test_text_round_trips_through_escaping(tricky):
    import vobject

    path = tricky.output / "events" / "tricky.ics"
    event = by_uid_suffix(path, "tricky")
    title = r'Commas, semicolons; back\slashes \n and “quotes” — Zürich café ☕ 東京 ümlaut test'
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == "Hall 1; Floor 2, Straße 3"
    description = str(event["DESCRIPTION"])
    assert "First paragraph, with; punctuation.\nSecond line: a backslash \\ here." in description
    assert "日本語のテキスト, emoji 🎉🎉🎉." in description
    assert [str(c) for c in event["CATEGORIES"].cats] == ["mutual credit", "a, b"]
    other = vobject.readOne(path.read_text(encoding="utf-8")).vevent
    assert other.summary.value == title
    assert other.location.value == "Hall 1; Floor 2, Straße 3"


def test_lines_fold_at_75_octets_without_splitting_characters(tricky):
    raw = (tricky.output / "events" / "tricky.ics").read_bytes()
    physical = raw.split(b"\r\n")
    assert any(line.startswith(b" ") for line in physical), "long lines must be folded"
    for line in physical:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a split multi-byte character would fail here
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_dst_crossing_recurrence_keeps_wall_clock_time(tricky):
    import recurring_ical_events

    cal = parse_icalendar(tricky.output / "events" / "dst.ics")
    found = recurring_ical_events.of(cal).between(date(2027, 3, 1), date(2027, 5, 1))
    starts = [o["DTSTART"].dt for o in found]
    assert len(starts) == 6
    assert all(s.hour == 18 for s in starts)
    utc = [s.astimezone(ZoneInfo("UTC")).hour for s in starts]
    assert utc[:3] == [18, 18, 18] and utc[3:] == [17, 17, 17]  # clocks change 28 March 2027


def test_uids_are_stable_across_builds_renames_and_domains(tricky):
    before = {str(e["UID"]) for e in vevents(tricky.output / "events" / "calendar.ics")}
    assert "stable@open.coop-2016" in before
    path = tricky.content / "events" / "stable.yaml"
    path.write_text(path.read_text().replace("Original title", "Renamed")
                    .replace("2026-12-20", "2026-12-21"), encoding="utf-8")
    result = tricky.build(overrides={"PUBLIC_SITEURL": "https://elsewhere.example"})
    assert result.ok, result.stderr
    after = vevents(tricky.output / "events" / "calendar.ics")
    assert {str(e["UID"]) for e in after} == before
    renamed = by_uid_suffix(tricky.output / "events" / "calendar.ics", "stable")
    assert renamed["SUMMARY"] == "Renamed"
    assert str(renamed["URL"]) == "https://elsewhere.example/events/stable/"


def test_dtstamp_is_the_revision_never_the_build_clock(site):
    """Events without `updated:` are stamped with their file's last change: the same for a
    build on another day, and for a cold and a warm build."""
    import os
    import shutil

    path = site.file("events/plain.yaml", '''
        title: Plain meeting
        start: 2027-02-10 18:00
        end: 2027-02-10 19:00
        timezone: Europe/London
        ''')
    changed = datetime(2026, 10, 1, 8, 30, tzinfo=ZoneInfo("UTC"))
    os.utime(path, (changed.timestamp(), changed.timestamp()))
    stamps = []
    # A cold build, a warm one on another deploy day, then a cold one on that day.
    for epoch, cold in (("1795435200", True), ("1800000000", False), ("1800000000", True)):
        if cold:
            shutil.rmtree(site.root / "cache", ignore_errors=True)
        result = site.build(env={"SOURCE_DATE_EPOCH": epoch})
        assert result.ok, result.stderr
        event = by_uid_suffix(site.output / "events" / "calendar.ics", "plain")
        stamps.append((event["DTSTAMP"].dt, event["LAST-MODIFIED"].dt))
    assert set(stamps) == {(changed, changed)}
    raw = (site.output / "events" / "plain.ics").read_bytes()
    assert b"CATEGORIES" not in raw  # no tags: no empty CATEGORIES line
    lines = unfold(raw)
    header = lines[1:next(i for i, line in enumerate(lines) if line.startswith("BEGIN:V") and i)]
    assert header and not any(line.startswith("UID") for line in header)  # none on the VCALENDAR


def _vtimezones(path) -> dict[str, bytes]:
    return {str(zone["TZID"]): zone.to_ical() for zone in parse_icalendar(path).walk("VTIMEZONE")}


def test_a_zone_has_one_definition_in_every_calendar_of_the_site(tmp_path):
    """vobject and Radicale keep the first VTIMEZONE they meet for a TZID: a definition cut to one
    calendar's events (New York from 2007) would move a 2005 event an hour in the other."""
    site = site_with_events(tmp_path, {
        "workshop": "title: Workshop\nstart: 2025-10-01 10:00\nend: 2025-10-01 11:00\n"
                    "timezone: America/New_York\n",
        "old-meeting": "title: Old meeting\nstart: 2005-10-01 10:00\nend: 2005-10-01 11:00\n"
                       "timezone: America/New_York\n"})
    files = [site.output / "events" / name for name in ("workshop.ics", "old-meeting.ics",
                                                         "calendar.ics")]
    definitions = {_vtimezones(path)["America/New_York"] for path in files}
    assert len(definitions) == 1
    # The definition in the newer event's file, read by dateutil's VTIMEZONE reader (vobject's,
    # and Radicale's through it), gives the 2005 event its own offset.
    import io

    from dateutil.tz import tzical

    zone = tzical(io.StringIO(_vtimezones(files[0])["America/New_York"].decode())).get()
    assert datetime(2005, 10, 1, 10, 0, tzinfo=zone).utcoffset() == timedelta(hours=-4)


def test_times_come_from_the_pinned_tz_database_not_the_machines(tmp_path):
    """The same sources give the same times on every machine: the tzdata package in
    requirements.txt, not the system's copy (months apart between systems; none on Windows)."""
    from importlib import resources

    site = site_with_events(tmp_path, {
        "vancouver": "title: Vancouver\nstart: 2027-01-14 18:00\nend: 2027-01-14 19:00\n"
                     "timezone: America/Vancouver\n"})
    with resources.files("tzdata.zoneinfo.America").joinpath("Vancouver").open("rb") as data:
        pinned = ZoneInfo.from_file(data, key="America/Vancouver")
    expected = datetime(2027, 1, 14, 18, 0, tzinfo=pinned).utcoffset()
    # The calendar's own VTIMEZONE, as vobject reads it, gives the same offset.
    import vobject

    calendar = (site.output / "events/vancouver.ics").read_text(encoding="utf-8")
    (event,) = vobject.readOne(calendar).vevent_list
    assert event.dtstart.value.replace(tzinfo=None) == datetime(2027, 1, 14, 18, 0)
    assert event.dtstart.value.utcoffset() == expected
    page = (site.output / "events/vancouver/index.html").read_text(encoding="utf-8")
    assert datetime(2027, 1, 14, 18, 0, tzinfo=pinned).isoformat() in page


def test_description_is_the_text_calendar_apps_show_not_its_markdown(tmp_path):
    site = site_with_events(tmp_path, {"plans": """\
        title: Plans
        start: 2027-03-04 18:00
        timezone: Europe/London
        description: |
          A **bold** plan: read [the notes](https://example.org/notes) and [about us](/about/).

          - bring a proposal
          - bring a friend
        """}, overrides={"PUBLIC_SITEURL": "https://open.coop"})
    (event,) = vevents(site.output / "events/plans.ics")
    text = str(event["DESCRIPTION"])
    assert ("A bold plan: read the notes (https://example.org/notes) and about us "
            "(https://open.coop/about/).\n\n- bring a proposal\n- bring a friend") in text
    assert "**" not in text and "](" not in text


def test_description_lists_read_as_on_the_page_loose_numbered_and_nested(tmp_path):
    site = site_with_events(tmp_path, {"agenda": """\
        title: Agenda
        start: 2027-03-04 18:00
        timezone: Europe/London
        description: |
          Before the call:

          - read the proposal

          - bring questions

          The order of the day:

          1. welcome

              Five minutes, no more.

          2. proposals
              - the ontology
              - the calendar
        """})
    (event,) = vevents(site.output / "events/agenda.ics")
    # (the event's page address follows, a paragraph of its own)
    assert str(event["DESCRIPTION"]).startswith(
        "Before the call:\n\n"
        "- read the proposal\n- bring questions\n\n"
        "The order of the day:\n\n"
        "1. welcome\n   Five minutes, no more.\n"
        "2. proposals\n   - the ontology\n   - the calendar\n\n")
