"""Contributor workflow: scaffolding commands, and `make check` reporting every class of mistake
with path, line and field (issue 6)."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, page_at, soup
from workflow_support import (contributing_example, env_for, header, invoke, make, problems,
                              project_copy)

CATEGORIES = ("Open, Co-operative, Commons, Inspiring Projects, Legal Structures, Software, "
              "Audio, Video")
EVENT_OPTIONAL = {"end", "location", "online_url", "url", "summary", "description", "organizer",
                  "group", "tags", "status", "recurrence", "exdates", "slug", "uid", "updated",
                  "sequence"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """One copy of the real project for the module: the scaffolds write into it."""
    return project_copy(tmp_path_factory.mktemp("workflow") / "project")


def test_new_post_is_a_checked_draft_then_a_published_post(project):
    made = make(project, "new-post", env=env_for(
        project, TITLE="Our bakery's first year: a co-op story", CATEGORY="inspiring projects",
        TAGS="bakeries, food co-ops", AUTHOR="Ada Lovelace"))
    assert made.returncode == 0, made.stdout + made.stderr
    path = project / "content/posts/2026/our-bakerys-first-year-a-co-op-story.md"
    assert path.is_file(), made.stdout
    fields = header(path)
    assert fields["Title"] == "Our bakery's first year: a co-op story"
    assert fields["Date"] == "2026-11-23 12:00"  # SOURCE_DATE_EPOCH, in Europe/London
    assert fields["Category"] == "Inspiring Projects"
    assert fields["Tags"] == "bakeries, food co-ops"
    assert fields["Authors"] == "Ada Lovelace"
    assert fields["Slug"] == "our-bakerys-first-year-a-co-op-story"
    assert fields["Status"] == "draft"
    assert fields["Summary"]

    checked = make(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # Ready to publish, but the placeholders are still there: the check refuses it.
    text = path.read_text(encoding="utf-8").replace("Status: draft\n", "")
    path.write_text(text, encoding="utf-8")
    refused = make(project, "check")
    assert refused.returncode != 0
    found = {(p["path"], p["field"]) for p in problems(refused.stdout)}
    relative = "content/posts/2026/our-bakerys-first-year-a-co-op-story.md"
    assert (relative, "summary") in found and (relative, "content") in found, refused.stdout

    # The contributor writes a summary and a body, as CONTRIBUTING.md says.
    head, _, _ = text.partition("\n\n")
    head = re.sub(r"^Summary: .*$", "Summary: Twelve bakers, one oven and a year of learning.",
                  head, flags=re.MULTILINE)
    path.write_text(head + "\n\nWe opened in November with twelve member-owners.\n",
                    encoding="utf-8")
    assert make(project, "check").returncode == 0
    built = make(project, "html")
    assert built.returncode == 0, built.stderr
    page = page_at(project / "output", "/blog/2026/11/our-bakerys-first-year-a-co-op-story/")
    assert page.is_file()
    assert soup(page).h1.get_text(strip=True) == "Our bakery's first year: a co-op story"
    category = soup(page_at(project / "output", "/category/inspiring-projects/"))
    assert category.find("a", string=re.compile("Our bakery's first year"))


def test_new_post_refuses_to_overwrite_and_unknown_categories(project):
    first = invoke(project, "new-post", "--title", "Refusals are helpful")
    assert first.returncode == 0, first.stderr
    path = project / "content/posts/2026/refusals-are-helpful.md"
    before = path.read_bytes()

    again = invoke(project, "new-post", "--title", "Refusals are helpful")
    assert again.returncode == 1
    assert "already exists; not overwriting" in again.stderr
    assert path.read_bytes() == before
    assert make(project, "new-post", env=env_for(project, TITLE="Refusals are helpful")
                ).returncode != 0

    unknown = invoke(project, "new-post", "--title", "Elsewhere", "--category", "Gardening")
    assert unknown.returncode == 1
    assert f"unknown category 'Gardening'; choose one of: {CATEGORIES}" in unknown.stderr
    assert not (project / "content/posts/2026/elsewhere.md").exists()
    path.unlink()


def test_a_long_title_gets_a_slug_the_check_accepts(project):
    title = "A very long title " + " ".join(f"word{n}" for n in range(60))
    made = [invoke(project, "new-post", "--title", title),
            invoke(project, "new-event", "--title", title, "--start", "2027-05-01"),
            invoke(project, "new-group", "--title", title)]
    assert all(m.returncode == 0 for m in made), [m.stderr for m in made]
    paths = [*(project / "content/posts/2026").glob("a-very-long-title-*.md"),
             *(project / "content/events").glob("2027-05-01-a-very-long-title-*.yaml"),
             *(project / "content/working-groups").glob("a-very-long-title-*.md")]
    assert len(paths) == 3, paths
    for path in paths:  # the file name is the slug (an event's starts with its date)
        assert len(path.stem) <= 100, path.name
        assert path.stem.endswith(f"word{path.stem.count('word') - 1}"), "cut at a whole word"
    post, event, group = (header(paths[0]), yaml.safe_load(paths[1].read_text(encoding="utf-8")),
                          header(paths[2]))
    assert post["Title"] == group["Title"] == event["title"] == title
    assert post["Slug"] == paths[0].stem and group["Slug"] == paths[2].stem
    # The post is a draft; the group's purpose and text are placeholders until its people
    # write them (a group has no drafts: its page is public as soon as it exists).
    found = problems(make(project, "check").stdout)
    group = str(paths[2].relative_to(project))
    assert found and {(p["path"], p["field"]) for p in found} == {
        (group, "purpose"), (group, "content")}, found
    for path in paths:
        path.unlink()


def test_a_title_framed_by_dashes_gets_a_slug_the_check_accepts(project):
    title = "— Annual meeting —"
    made = [invoke(project, "new-post", "--title", title),
            invoke(project, "new-event", "--title", title, "--start", "2027-05-01"),
            invoke(project, "new-group", "--title", title)]
    assert all(m.returncode == 0 for m in made), [m.stderr for m in made]
    paths = [project / "content/posts/2026/annual-meeting.md",
             project / "content/events/2027-05-01-annual-meeting.yaml",
             project / "content/working-groups/annual-meeting.md"]
    assert all(path.is_file() for path in paths), sorted(
        p.name for p in (project / "content").rglob("*annual-meeting*"))
    found = problems(make(project, "check").stdout)
    group = str(paths[2].relative_to(project))
    assert {(p["path"], p["field"]) for p in found} == {(group, "purpose"), (group, "content")}, found
    for path in paths:
        path.unlink()


def test_new_event_writes_valid_yaml_with_optional_fields_as_comments(project):
    made = make(project, "new-event", env=env_for(
        project, TITLE='Mutual credit: "ask me anything"', START="2027-03-04 18:00",
        TIMEZONE="America/New_York", TZ=":/etc/localtime"))
    assert made.returncode == 0, made.stderr
    path = project / "content/events/2027-03-04-mutual-credit-ask-me-anything.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data == {"title": 'Mutual credit: "ask me anything"', "start": "2027-03-04 18:00",
                    "timezone": "America/New_York"}
    commented = set(re.findall(r"^# ?(\w+):", path.read_text(encoding="utf-8"), re.MULTILINE))
    assert EVENT_OPTIONAL <= commented, EVENT_OPTIONAL - commented

    all_day = invoke(project, "new-event", "--title", "Co-op Fortnight", "--start", "2027-06-19")
    assert all_day.returncode == 0, all_day.stderr
    data = yaml.safe_load((project / "content/events/2027-06-19-co-op-fortnight.yaml").read_text())
    assert data["title"] == "Co-op Fortnight" and "timezone" not in data
    assert str(data["start"]) == "2027-06-19"


@pytest.mark.parametrize("args, message", [
    (["--start", "2027-03-04 18:00", "--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    (["--start", "next tuesday"], "START 'next tuesday' is not a date"),
])
def test_new_event_refuses_bad_input(project, args, message):
    result = invoke(project, "new-event", "--title", "Refused event", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert not list((project / "content").glob("events/*refused-event*"))


def test_new_group_writes_a_forming_group(project):
    made = make(project, "new-group", env=env_for(project, TITLE="Food Co-ops Network"))
    assert made.returncode == 0, made.stderr
    path = project / "content/working-groups/food-co-ops-network.md"
    fields = header(path)
    assert fields["Title"] == "Food Co-ops Network"
    assert fields["Slug"] == "food-co-ops-network"
    assert fields["Status"] == "forming"
    assert fields["Purpose"]
    assert int(fields["Order"]) > 0
    assert make(project, "new-group", env=env_for(project, TITLE="Food Co-ops Network")
                ).returncode != 0


def test_each_class_of_mistake_is_reported_with_path_line_and_field(site):
    site.post("good")
    site.post("bad-category", category="Gardening")
    site.post("no-summary", summary="")
    site.post("bad-date", date="2020-13-45 10:00")
    site.post("bad-modified", extra="Modified: last tuesday")
    site.post("twin-a", extra="")
    site.file("posts/twin-b.md", (site.content / "posts/twin-a.md").read_text())
    site.post("bad-status", extra="Status: maybe")
    site.post("broken-link", body="See [this]({filename}/posts/nowhere.md).")
    site.post("missing-image", extra="Image: {static}/images/none.svg\nImage_alt: A thing")
    site.post("image-no-alt", extra="Image: https://example.org/a.png")
    site.post("body-image-no-alt", body="Intro.\n\n![](https://example.org/b.png)\n")
    site.post("html-image-no-alt", body='Intro.\n\n<img src="https://example.org/c.png">\n')
    site.post("placeholder", summary="REPLACE ME: one or two sentences.")
    site.page("no-title-page", "", extra="")
    result = site.check()
    assert result.returncode == 1
    found = {(p["path"].rsplit("/", 1)[-1], p["line"], p["field"]) for p in problems(result.stdout)}
    expected = {
        ("bad-category.md", 3, "category"),
        ("no-summary.md", 6, "summary"),
        ("bad-date.md", 2, "date"),
        ("bad-modified.md", 8, "modified"),
        ("twin-a.md", 7, "slug"), ("twin-b.md", 7, "slug"),
        ("bad-status.md", 8, "status"),
        ("broken-link.md", 9, "link"),
        ("missing-image.md", 8, "image"),
        ("image-no-alt.md", 8, "image_alt"),
        ("body-image-no-alt.md", 11, "alt"),
        ("html-image-no-alt.md", 11, "alt"),
        ("placeholder.md", 6, "summary"),
        ("no-title-page.md", 1, "title"),
    }
    assert expected <= found, (expected - found, result.stdout)
    assert not any(name == "good.md" for name, _, _ in found)
    # One line per problem, each naming the file relative to where make runs.
    assert all(p["path"].endswith(".md") for p in problems(result.stdout))


def test_make_check_passes_on_the_real_content():
    result = make(ROOT, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Content OK" in result.stderr


def test_contributing_post_example_is_valid(site):
    example = contributing_example("Add a post", "markdown")
    # The Group reference is checked by the working-groups plugin: see
    # test_workflow_scaffold_events_groups.py, which runs this example with its group.
    example = re.sub(r"^Group: .*\n", "", example, flags=re.MULTILINE)
    site.file("posts/2026/our-bakerys-first-year.md", example)
    site.post("community-benefit-societies-explained")
    (site.content / "posts/2017").mkdir()
    (site.content / "posts/community-benefit-societies-explained.md").rename(
        site.content / "posts/2017/community-benefit-societies-explained.md")
    site.file("images/posts/bakery-oven.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    result = site.build(overrides={"STATIC_PATHS": ["images"]})
    assert result.ok, result.stderr
    page = soup(page_at(site.output, "/blog/2026/11/our-bakerys-first-year/"))
    assert page.h1.get_text(strip=True) == "Our bakery's first year"
    body_image = page.find("img", src=re.compile("bakery-oven.svg"), alt=re.compile("Two bakers"))
    assert body_image is not None
