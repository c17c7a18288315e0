"""Event pages as readers see them: the index order, the home page, an event page's data."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
import recurring_ical_events

from conftest import FixtureSite, page_at, soup
from events_support import site_with_events


def _titles(items) -> list[str]:
    return [item.select_one(".event-title a").get_text(strip=True) for item in items]


def test_index_lists_upcoming_soonest_first_then_past_by_year(real_site):
    doc = soup(page_at(real_site, "/events/"))
    assert len(doc.find_all("h1")) == 1
    upcoming = doc.find(id="upcoming-heading").find_parent("section")
    assert _titles(upcoming.select(".event-item")) == [
        "Open Credit Network weekly call",  # next occurrence Tue 24 Nov 2026
        "Ontology working group call",  # first Thursday: 3 Dec 2026
        "Murmurations indexer sprint, Bengaluru",
        "Sociocracy & co-op governance: a hands-on workshop",
        "Co-op Cloud federation meeting",
        "OPEN 2027",
    ]
    years = [h.get_text(strip=True) for h in doc.select(".event-year h3")]
    assert years == sorted(years, reverse=True)
    assert {"2017", "2018", "2019", "2020"} <= set(years)
    for year in ("2017", "2018", "2019", "2020"):
        section = doc.find(id=f"year-{year}").find_parent("section")
        titles = _titles(section.select(".event-item"))
        assert any(t.startswith(f"OPEN {year}") for t in titles), (year, titles)
    cancelled = [i for i in doc.select(".event-item") if "is-cancelled" in i["class"]]
    assert _titles(cancelled) == ["Platform co-op meetup, Manchester"]
    assert cancelled[0].select_one(".badge").get_text() == "Cancelled"


def test_index_subscribe_links(real_site):
    doc = soup(page_at(real_site, "/events/"))
    links = [a["href"] for a in doc.select(".calendar-subscribe a")]
    assert "webcal://open.coop/events/calendar.ics" in links
    google = next(h for h in links if h.startswith("https://calendar.google.com"))
    assert parse_qs(urlsplit(google).query)["cid"] == ["webcal://open.coop/events/calendar.ics"]
    assert "cid=webcal%3A%2F%2Fopen.coop%2Fevents%2Fcalendar.ics" in google
    assert doc.select_one("#calendar-address")["value"] == "https://open.coop/events/calendar.ics"


def test_home_page_shows_the_next_three_events(real_site):
    doc = soup(page_at(real_site, "/"))
    section = doc.find(id="home-events-heading").find_parent("section")
    assert _titles(section.select(".event-item")) == [
        "Open Credit Network weekly call", "Ontology working group call",
        "Murmurations indexer sprint, Bengaluru"]
    assert section.find("a", href="/events/")


def test_event_page_shows_time_zone_microformats_and_calendar_links(real_site):
    doc = soup(page_at(real_site, "/events/open-2020/"))
    assert doc.h1.get_text() == "OPEN 2020"
    main = doc.find("main")
    assert main["data-pagefind-filter"] == "kind:Event" and main.has_attr("data-pagefind-body")
    event = doc.select_one(".h-event")
    assert event.select_one(".p-name").get_text() == "OPEN 2020"
    assert event.select_one(".dt-start")["datetime"] == "2020-06-18T14:00:00+01:00"
    assert event.select_one(".dt-end")["datetime"] == "2020-06-20T18:00:00+01:00"
    assert "online" in event.select_one(".p-location").get_text()
    text = event.get_text(" ", strip=True)
    assert "BST (UTC+01:00, Europe/London)" in text and "2 days 4 hours" in text
    hrefs = [a["href"] for a in doc.select(".add-to-calendar a")]
    assert "/events/open-2020.ics" in hrefs
    google = parse_qs(urlsplit(next(h for h in hrefs if "google" in h)).query)
    assert google["action"] == ["TEMPLATE"] and google["text"] == ["OPEN 2020"]
    assert google["dates"] == ["20200618T140000/20200620T180000"]
    assert google["ctz"] == ["Europe/London"]
    assert google["details"][0].endswith("https://open.coop/events/open-2020/")
    outlook = parse_qs(urlsplit(next(h for h in hrefs if "outlook" in h)).query)
    assert outlook["subject"] == ["OPEN 2020"]
    assert outlook["startdt"] == ["2020-06-18T13:00:00Z"] and outlook["enddt"] == ["2020-06-20T17:00:00Z"]


def _jsonld(path):
    # The page also carries the SEO plugin's BreadcrumbList: pick the one Event block.
    blocks = [json.loads(s.string) for s in soup(path).find_all("script", type="application/ld+json")]
    events = [b for b in blocks if b.get("@type") == "Event"]
    assert len(events) == 1
    return events[0]


def test_event_json_ld(real_site):
    data = _jsonld(page_at(real_site, "/events/murmurations-sprint/"))
    assert data["@type"] == "Event" and data["name"] == "Murmurations indexer sprint, Bengaluru"
    assert data["startDate"] == "2026-12-05T10:00:00+05:30"
    assert data["endDate"] == "2026-12-05T17:30:00+05:30"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    kinds = {loc["@type"] for loc in data["location"]}
    assert kinds == {"Place", "VirtualLocation"}
    place = next(loc for loc in data["location"] if loc["@type"] == "Place")
    assert place["address"]["@type"] == "PostalAddress"
    assert data["organizer"]["name"] == "Murmurations"
    assert data["description"]
    cancelled = _jsonld(page_at(real_site, "/events/manchester-meetup-2020/"))
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert cancelled["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    online = _jsonld(page_at(real_site, "/events/open-2020/"))
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"]["@type"] == "VirtualLocation"
    all_day = _jsonld(page_at(real_site, "/events/commons-summer-school-2025/"))
    assert (all_day["startDate"], all_day["endDate"]) == ("2025-07-14", "2025-07-18")


def test_a_series_json_ld_gives_its_next_occurrence_and_its_schedule(real_site):
    """Search engines show an event's startDate: a series' next occurrence, as the page's
    "next" says, not its first, long past; the Schedule says how it repeats."""
    path = page_at(real_site, "/events/open-credit-network-weekly/")
    data = _jsonld(path)
    repeats = next(dt for dt in soup(path).select(".event-facts dt") if dt.get_text() == "Repeats")
    following = repeats.find_next_sibling("dd").find("time")
    assert data["startDate"] == following["datetime"]
    start = datetime.fromisoformat(data["startDate"])
    assert datetime.fromisoformat(data["endDate"]) - start == timedelta(hours=1)
    assert data["eventSchedule"] == {
        "@type": "Schedule", "repeatFrequency": "P1W", "startDate": "2026-10-06",
        "byDay": ["https://schema.org/Tuesday"], "repeatCount": 30,
        "startTime": "18:00:00", "endTime": "19:00:00", "scheduleTimezone": "Europe/London",
        "exceptDate": ["2026-12-22T18:00:00+00:00", "2026-12-29T18:00:00+00:00"]}


def test_a_rule_schema_org_cannot_state_gets_no_schedule(tmp_path):
    site = site_with_events(tmp_path, {
        "fair": "title: Fair\nstart: 2026-06-27 10:00\nend: 2026-06-27 16:00\n"
                "timezone: Europe/London\nrecurrence: FREQ=YEARLY;BYMONTH=6;BYDAY=-1SA\n"})
    data = _jsonld(page_at(site.output, "/events/fair/"))
    assert "eventSchedule" not in data  # the last Saturday of June: no Schedule says that
    assert (data["startDate"], data["endDate"]) == ("2027-06-26T10:00:00+01:00",
                                                    "2027-06-26T16:00:00+01:00")


def test_tag_page_links_to_its_event_calendar(real_site):
    doc = soup(page_at(real_site, "/tag/mutual-credit/"))
    link = doc.find("a", href="/events/tag/mutual-credit.ics")
    assert link is not None and "mutual credit" in link.get_text()
    assert (real_site / "events" / "tag" / "mutual-credit.ics").is_file()
    plain = soup(page_at(real_site, "/tag/podcast/"))
    assert not plain.find("a", href=lambda h: h and h.startswith("/events/tag/"))


def test_hostile_text_is_escaped_in_html_and_cannot_end_the_json_ld_block(tmp_path):
    site = FixtureSite(tmp_path)
    site.post("a-post")
    title = 'Evil </script><script>alert(1)</script> <!-- & "quotes"'
    site.file("events/evil.yaml", f"""
        title: '{title}'
        start: 2026-12-01
        summary: "</script><!-- <b>bold</b>"
        organizer: "</SCRIPT>"
        location: "<img src=x onerror=alert(1)>"
        """)
    result = site.build()
    assert result.ok, result.stderr
    path = page_at(site.output, "/events/evil/")
    raw = path.read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<img src=x" not in raw
    data = _jsonld(path)
    assert data["name"] == title and data["organizer"]["name"] == "</SCRIPT>"
    assert data["location"]["name"] == "<img src=x onerror=alert(1)>"
    doc = soup(path)
    assert doc.h1.get_text() == title
    # Only data blocks (the Event and the breadcrumb), never an executable script.
    assert {s.get("type") for s in doc.find_all("script")} == {"application/ld+json"}
    for block in doc.find_all("script"):
        json.loads(block.string)


def test_event_times_without_an_end_and_at_a_clock_change(tmp_path):
    """No end: no "Ends" or length on the page (the calendar says the event is a moment). A time
    the clocks pass twice when summer time ends is the first of the two, as RFC 5545 reads it."""
    site = FixtureSite(tmp_path)
    site.post("a-post")
    for slug, start, end in (("open-mic", "2027-03-04 18:00", None),
                             ("workshop", "2027-03-05 10:00", "2027-03-05 12:30"),
                             ("night-owls", "2027-10-31 01:30", None)):
        site.file(f"events/{slug}.yaml", f"title: {slug}\nstart: {start}\n"
                  + (f"end: {end}\n" if end else "") + "timezone: Europe/London\n")
    result = site.build()
    assert result.ok, result.stderr

    def facts(slug: str) -> dict[str, str]:
        doc = soup(page_at(site.output, f"/events/{slug}/"))
        return {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
                for dt in doc.select(".event-facts dt")}

    open_mic, workshop = facts("open-mic"), facts("workshop")
    assert "Ends" not in open_mic and "Duration" not in open_mic, open_mic
    assert open_mic["Starts"].startswith("Thursday 4 March 2027, 18:00")
    assert workshop["Duration"] == "2 hours 30 minutes" and "12:30" in workshop["Ends"]
    (vevent,) = icalendar.Calendar.from_ical(
        (site.output / "events/open-mic.ics").read_bytes()).walk("VEVENT")
    assert vevent.decoded("DTEND") == vevent.decoded("DTSTART")

    start = soup(page_at(site.output, "/events/night-owls/")).select_one("time.dt-start")
    assert start["datetime"] == "2027-10-31T01:30:00+01:00" and "01:30 BST" in start.get_text()
    # In UTC in the calendar: ical.js, node-ical and khal read a TZID time the clocks pass twice
    # as the second of the two.
    calendar = (site.output / "events/night-owls.ics").read_text(encoding="utf-8")
    assert "DTSTART:20271031T003000Z" in calendar


def _facts(output, slug: str) -> dict[str, str]:
    doc = soup(page_at(output, f"/events/{slug}/"))
    return {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
            for dt in doc.select(".event-facts dt")}


def test_an_evening_across_the_clock_change_shows_each_time_in_its_own_offset(tmp_path):
    site = site_with_events(tmp_path, {
        "spring-night": "title: Spring night\nstart: 2027-03-28 00:30\nend: 2027-03-28 03:00\n"
                        "timezone: Europe/London\n"})
    facts = _facts(site.output, "spring-night")
    assert facts["When"] == ("Sunday 28 March 2027, 00:30 GMT (UTC+00:00, Europe/London) – "
                             "03:00 BST (UTC+01:00, Europe/London)")
    assert facts["Duration"] == "1 hour 30 minutes"
    (vevent,) = icalendar.Calendar.from_ical(
        (site.output / "events/spring-night.ics").read_bytes()).walk("VEVENT")
    # In UTC: Python subtracts two times of one zone by their wall clocks.
    elapsed = (vevent.decoded("DTEND").astimezone(timezone.utc)
               - vevent.decoded("DTSTART").astimezone(timezone.utc))
    duration = soup(page_at(site.output, "/events/spring-night/")).select_one("time.dt-duration")
    assert duration["datetime"] == f"PT{int(elapsed.total_seconds() // 60)}M" == "PT90M"


@pytest.mark.parametrize("start, zone, rule, words", [
    ("2027-06-26 14:00", "Europe/London", "FREQ=YEARLY;BYMONTH=6;BYDAY=-1SA",
     "Yearly on the last Saturday in June"),
    ("2027-01-15 18:00", "Europe/London", "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6",
     "Monthly on the 15th, 6 times"),
    # COUNT includes the skipped dates: the event takes place the rest of the times.
    ("2027-01-15 18:00\nexdates: [2027-02-15, 2027-03-15]", "Europe/London",
     "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6",
     "Monthly on the 15th, 4 times (not on 15 February 2027, 15 March 2027)"),
    ("2027-01-22 18:00", "Europe/London", "FREQ=MONTHLY;BYDAY=-2FR",
     "Monthly on the second to last Friday"),
    # UNTIL is UTC: 01:00 UTC on the 30th is the evening of the 29th in New York.
    ("2027-03-01 21:00", "America/New_York", "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270330T010000Z",
     "Weekly on Monday, until 29 March 2027"),
    # The last weekday of each month: beyond words, told by its first dates.
    ("2027-01-29 18:00", "Europe/London",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4",
     "Monthly: 29 January 2027, 26 February 2027, 31 March 2027, …, 4 times"),
])
def test_repeats_says_what_calendar_apps_will_show(tmp_path, start, zone, rule, words):
    site = site_with_events(tmp_path, {
        "series": f"title: Series\nstart: {start}\ntimezone: {zone}\nrecurrence: {rule}\n"})
    assert _facts(site.output, "series")["Repeats"].split(";")[0] == words
    calendar = icalendar.Calendar.from_ical((site.output / "events/series.ics").read_bytes())
    first = recurring_ical_events.of(calendar).between(date(2027, 1, 1), date(2028, 1, 1))
    for moment in sorted(item.decoded("DTSTART") for item in first)[:3]:
        if ": " in words:
            assert f"{moment.day} {moment:%B %Y}" in words
        if "until" in words:
            assert moment.date() <= date(2027, 3, 29)


def test_event_tags_written_like_a_posts_are_the_same_tags(tmp_path):
    site = FixtureSite(tmp_path)
    site.post("a-post", tags="governance")
    site.file("events/meet.yaml", "title: Meet\nstart: 2027-03-04 18:00\ntimezone: Europe/London\n"
              "tags: mutual credit, governance\n")
    result = site.build()
    assert result.ok, result.stderr
    (vevent,) = icalendar.Calendar.from_ical(
        (site.output / "events/meet.ics").read_bytes()).walk("VEVENT")
    assert [str(c) for c in vevent.get("CATEGORIES").cats] == ["mutual credit", "governance"]
    assert sorted(p.name for p in (site.output / "events/tag").glob("*.ics")) == [
        "governance.ics", "mutual-credit.ics"]


@pytest.mark.parametrize("start, end, zone, rule, expected", [
    ("2027-03-21 01:30", "2027-03-21 02:30", "Europe/London", "FREQ=WEEKLY;COUNT=3",
     "the occurrence on Sunday 28 March 2027 starts at 01:30, which does not exist in "
     "Europe/London: the clocks go forward 1 hour then"),
    ("2027-03-20 22:30", "2027-03-20 23:30", "America/Nuuk", "FREQ=WEEKLY;COUNT=3",
     "the occurrence on Saturday 27 March 2027 ends at 23:30, which does not exist"),
    ("2027-10-24 01:30", None, "Europe/London", "FREQ=WEEKLY;COUNT=4",
     "the occurrence on Sunday 31 October 2027 starts at 01:30, which happens twice"),
])
def test_a_series_occurrence_the_clocks_skip_or_repeat_is_refused(tmp_path, start, end, zone,
                                                                    rule, expected):
    """Calendar apps place such an occurrence differently (an hour early, of no length, left
    out with an extra one added); listing its date in exdates is the way out."""
    site = FixtureSite(tmp_path)
    site.post("a-post")
    text = (f"title: Series\nstart: {start}\n" + (f"end: {end}\n" if end else "")
            + f"timezone: {zone}\nrecurrence: {rule}\n")
    site.file("events/series.yaml", text)
    checked = site.check()
    assert not checked.ok and "events/series.yaml:" in checked.stdout
    assert f"field 'recurrence': {expected}" in checked.stdout, checked.stdout
    day = re.search(r"on \w+ (\d+ \w+ \d{4})", expected).group(1)
    site.file("events/series.yaml", text + "exdates: [" + str(
        datetime.strptime(day, "%d %B %Y").date()) + "]\n")
    assert site.check().ok


def test_series_links_never_add_a_skipped_occurrence(real_site):
    """Google's link carries the skipped dates; Outlook.com's cannot repeat, and the page says
    so beside it, pointing to the event's .ics."""
    doc = soup(page_at(real_site, "/events/open-credit-network-weekly/"))
    links = doc.select(".add-to-calendar a")
    google = parse_qs(urlsplit(next(a["href"] for a in links if "google" in a["href"])).query)
    assert google["recur"][0].split("\n") == [
        "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=30",
        "EXDATE;TZID=Europe/London:20261222T180000",
        "EXDATE;TZID=Europe/London:20261229T180000"]
    outlook = next(a for a in links if "outlook" in a["href"])
    item = outlook.find_parent("li")
    assert "cannot repeat" in item.get_text(" ", strip=True)
    assert item.find("a", href="/events/open-credit-network-weekly.ics")
    # A single event's Outlook link adds all of it: no such note.
    single = soup(page_at(real_site, "/events/open-2020/"))
    assert "cannot repeat" not in single.select_one(".add-to-calendar").get_text()
