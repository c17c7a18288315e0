"""Integration: the event and group scaffolds, and CONTRIBUTING.md's examples, against the events
(issue 3) and working-groups (issue 4) plugins. (The files' shape alone is tested in test_workflow.py.)"""

from __future__ import annotations

import re

import pytest

from conftest import page_at, soup
from workflow_support import contributing_example, env_for, invoke, make, project_copy


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = project_copy(tmp_path_factory.mktemp("scaffold-int") / "project", real_content=False)
    content = project / "content"
    steps = [
        invoke(project, "new-group", "--title", "Bread Makers"),
        invoke(project, "new-event", "--title", "Bread Makers meetup", "--start",
               "2027-03-04 18:00", "--tz", "America/New_York"),
        invoke(project, "new-event", "--title", "Co-op Fortnight", "--start", "2027-06-19"),
    ]
    for step in steps:
        assert step.returncode == 0, step.stderr
    # The scaffold's placeholder purpose and guidance are refused until the contributor writes
    # their own: the group's page would show them.
    group = content / "working-groups/bread-makers.md"
    refused = make(project, "check")
    assert refused.returncode != 0
    assert "bread-makers.md:3: field 'purpose': still the 'REPLACE ME:' text" in refused.stdout
    assert "field 'content': still the 'REPLACE ME:' guidance" in refused.stdout
    text = re.sub(r"(?m)^Purpose: .*$", "Purpose: Bakers sharing ovens and recipes.",
                  group.read_text(encoding="utf-8"))
    group.write_text(text[:text.index("<!--")] + "We bake together on Saturdays.\n",
                     encoding="utf-8")
    # CONTRIBUTING.md's complete examples, as a contributor would paste them.
    (content / "working-groups/food-co-ops-network.md").write_text(
        contributing_example("Add a working group", "markdown"), encoding="utf-8")
    (content / "events/2027-03-04-mutual-credit-in-practice.yaml").write_text(
        contributing_example("Add an event", "yaml"), encoding="utf-8")
    post = content / "posts/2026/our-bakerys-first-year.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(contributing_example("Add a post", "markdown"), encoding="utf-8")
    target = content / "posts/2017/community-benefit-societies-explained.md"
    target.parent.mkdir(parents=True)
    target.write_text((content / "posts/hello.md").read_text().replace("Slug: hello",
                      "Slug: community-benefit-societies-explained"), encoding="utf-8")
    image = content / "images/posts/bakery-oven.svg"
    image.parent.mkdir(parents=True)
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")

    checked = make(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    html = make(project, "html", env=env_for(project))
    assert html.returncode == 0, html.stderr
    return project / "output"


def test_scaffolded_group_has_its_page(built):
    page = soup(page_at(built, "/working-groups/bread-makers/"))
    assert page.h1.get_text(strip=True) == "Bread Makers"
    listing = soup(page_at(built, "/working-groups/"))
    assert listing.find("a", href=re.compile(r"working-groups/bread-makers/"))


def test_scaffolded_events_have_pages_and_calendars(built):
    from icalendar import Calendar

    timed = page_at(built, "/events/2027-03-04-bread-makers-meetup/")
    assert soup(timed).h1.get_text(strip=True) == "Bread Makers meetup"
    ics = Calendar.from_ical((built / "events/2027-03-04-bread-makers-meetup.ics").read_bytes())
    (event,) = ics.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert (start.year, start.month, start.day, start.hour) == (2027, 3, 4, 18)
    assert str(start.tzinfo) == "America/New_York"
    all_day = Calendar.from_ical((built / "events/2027-06-19-co-op-fortnight.ics").read_bytes())
    (event,) = all_day.walk("VEVENT")
    assert event["DTSTART"].params.get("VALUE") == "DATE"


def test_contributing_examples_link_post_event_and_group(built):
    group = soup(page_at(built, "/working-groups/food-co-ops-network/"))
    assert group.find("a", href=re.compile(r"blog/2026/11/our-bakerys-first-year/"))
    assert group.find("a", href=re.compile(r"events/2027-03-04-mutual-credit-in-practice/"))
    event = soup(page_at(built, "/events/2027-03-04-mutual-credit-in-practice/"))
    assert event.find("a", href=re.compile(r"working-groups/food-co-ops-network/"))
