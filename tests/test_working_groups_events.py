"""Working groups and events together (needs the events plugin, issue 3, merged and enabled).

Written against the events contract in the shared brief: events are YAML files in
content/events/, an event names its group with ``group:``, and the events plugin publishes
``/events/<slug>/`` pages and ``/events/group/<slug>.ics`` calendars.
"""

from __future__ import annotations

import pytest

from conftest import FixtureSite, page_at, soup, tree_digest
from working_groups_support import group_file


EVENT = """\
title: {title}
start: {start}
timezone: Europe/London
group: {group}
"""


def _event(site: FixtureSite, name: str, title: str, group: str,
           start: str = "2027-01-05 18:00") -> None:
    site.file(f"events/{name}.yaml", EVENT.format(title=title, start=start, group=group))


def _groups(site: FixtureSite) -> None:
    group_file(site, "alpha", title="Alpha Group", order="1")
    group_file(site, "beta", title="Beta Group", order="2")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> FixtureSite:
    site = FixtureSite(tmp_path_factory.mktemp("group-events"))
    _groups(site)
    _event(site, "alpha-meetup", "Alpha meetup", "alpha")
    _event(site, "alpha-last-year", "Alpha last year", "alpha", start="2025-01-05 18:00")
    _event(site, "beta-meetup", "Beta meetup", "beta", start="2027-02-01 10:00")
    site.post("alpha-post", extra="Group: alpha")
    result = site.build()
    assert result.ok, result.stderr
    return site


def test_upcoming_event_in_a_group_appears_on_the_group_page(built):
    doc = soup(page_at(built.output, "/working-groups/alpha/"))
    section = doc.find("section", attrs={"aria-labelledby": "group-events"})
    items = section.select(".group-events li")
    assert [li.a.get_text(strip=True) for li in items] == ["Alpha meetup"]  # past and other groups' left out
    assert "2027" in items[0].select_one(".meta").get_text()
    event_page = page_at(built.output, items[0].a["href"])
    assert event_page.is_file()
    assert soup(event_page).h1.get_text(strip=True) == "Alpha meetup"

    calendar_link = section.find("a", href="/events/group/alpha.ics")
    assert calendar_link is not None
    # Calendar apps and browser extensions find it in the page's head too.
    (advertised,) = doc.find_all("link", rel="alternate", type="text/calendar")
    assert advertised["href"] == "/events/group/alpha.ics" and advertised["title"]
    from icalendar import Calendar

    calendar = Calendar.from_ical(page_at(built.output, "/events/group/alpha.ics").read_bytes())
    summaries = [str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")]
    assert "Alpha meetup" in summaries and "Beta meetup" not in summaries


def test_event_page_links_back_to_its_group(built):
    doc = soup(page_at(built.output, "/working-groups/alpha/"))
    href = doc.select_one(".group-events li a")["href"]
    event = soup(page_at(built.output, href))
    assert event.find("a", href="/working-groups/alpha/") is not None


def test_unknown_group_on_an_event_fails_and_keeps_previous_output(site):
    _groups(site)
    _event(site, "fine", "Fine", "alpha")
    assert site.build().ok
    before = tree_digest(site.output)

    _event(site, "lost", "Lost", "nope")
    result = site.build()

    assert result.returncode == 1
    assert any(line.endswith("lost.yaml:4: field 'group': unknown working group 'nope' "
                             "(expected one of: alpha, beta)")
               for line in result.stderr.splitlines()), result.stderr
    assert tree_digest(site.output) == before
