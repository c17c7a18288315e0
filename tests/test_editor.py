"""The browser editor at /admin/, used as a writer uses it: Decap CMS in Chromium, its local
backend (decap-server) writing a temporary copy of the content, the built site on 127.0.0.1.
What it writes must pass `make check`, build, and show on pages, feeds and calendars as typed;
a required field left empty is refused with the words `make check` uses for its line left empty."""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import feedparser
import icalendar
import pytest
import yaml

from conftest import ROOT, build, run_publishing, source_header
from content_checks import rules
from events.loader import load_event
from gates.gates_support import serve_folder

pytestmark = pytest.mark.browser

DECAP_SERVER = ROOT / "tools" / "editor" / "node_modules" / "decap-server" / "dist" / "index.js"
TIMEOUT = 20_000  # ms for any one thing to appear: Decap's bundle is large for a slow machine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"decap-server exited: {process.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"decap-server did not listen on {port}")


def _png(path: Path, width: int = 4, height: int = 3) -> Path:
    """A small valid PNG, written without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x0b\x6e\x4f" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                                                        8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@dataclass
class Editor:
    project: Path
    content: Path
    output: Path
    url: str
    overrides: dict


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """A copy of the content, the site built from it with the editor pointed at a decap-server
    on a free port, both served on 127.0.0.1 until the module's tests end."""
    if not DECAP_SERVER.is_file():
        pytest.fail("decap-server is not installed: run `make test` (it runs npm ci in tools/editor)",
                    pytrace=False)
    project = tmp_path_factory.mktemp("editor")
    content = project / "content"
    shutil.copytree(ROOT / "content", content)
    port = _free_port()
    overrides = {"PATH": str(content), "CACHE_PATH": str(project / "cache")}
    output = project / "output"
    built = build(output, overrides={**overrides,
                                     "EDITOR_LOCAL_BACKEND": f"http://127.0.0.1:{port}/api/v1"})
    assert built.ok, built.stderr
    backend = subprocess.Popen(
        ["node", str(DECAP_SERVER)], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
                        "GIT_REPO_DIRECTORY": str(project), "LOG_LEVEL": "warn"})
    site = serve_folder(output)
    try:
        _wait_for_port(port, backend)
        yield Editor(project, content, output, f"http://127.0.0.1:{site.server_address[1]}/admin/",
                     overrides)
    finally:
        site.shutdown()
        site.server_close()
        backend.terminate()
        backend.wait(timeout=10)


@pytest.fixture(scope="module")
def admin(editor, browser):
    """One logged-in editor tab (the local backend's login needs no account)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(editor.url)
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Posts").first.wait_for()
    yield page
    context.close()


READY = {"posts": "Summary", "events": "Start", "groups": "Purpose"}


def _open(page, editor: Editor, route: str) -> None:
    """Open one of the editor's screens by its address, as a bookmark would (a fresh load)."""
    page.goto(f"{editor.url}#/{route}")
    page.reload()
    page.get_by_label(READY[route.split("/")[1]], exact=True).wait_for()


def _open_new(page, editor: Editor, collection: str) -> None:
    _open(page, editor, f"collections/{collection}/new")


def _choose(page, label: str, option: str) -> None:
    """Pick an option of a select widget as a writer does: type, then Enter."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.keyboard.press("Enter")


def _new_post(page, editor: Editor, title: str, summary: str) -> None:
    """A new post with every required field filled in."""
    _open_new(page, editor, "posts")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Date", exact=True).fill("2026-11-20T09:30")
    _choose(page, "Category", "Commons")
    page.get_by_label("Authors", exact=True).fill("Ada Lovelace")
    page.get_by_label("Summary", exact=True).fill(summary)


def _publish(page) -> None:
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Publish now").click()


def _saved(page) -> None:
    page.get_by_text("Entry saved").first.wait_for()
    # A new entry's editor then moves to the entry's own address; wait for it before leaving.
    page.wait_for_url(re.compile(r"#/collections/\w+/entries/"))


def test_editor_writes_files_that_check_build_and_show_as_entered(editor, admin, tmp_path):
    page = admin

    # A post, with an uploaded header image.
    _open_new(page, editor, "posts")
    page.get_by_label("Title", exact=True).fill("Our bakery's first year")
    page.get_by_label("Date", exact=True).fill("2026-11-20T09:30")
    _choose(page, "Category", "Inspiring Projects")
    page.get_by_label("Tags (optional)").fill("food co-ops, bakeries")
    page.get_by_label("Authors", exact=True).fill("Ada Lovelace")
    page.get_by_label("Summary", exact=True).fill(
        "Twelve bakers, one oven and a year of learning how to run a worker co-op.")
    _choose(page, "Status (optional)", "published")
    page.get_by_role("button", name="Choose an image").click()
    page.locator("input[type=file]").set_input_files(str(_png(tmp_path / "bakery-oven.png")))
    page.get_by_role("button", name="Choose selected").click()
    page.get_by_label("Image description (optional)").fill("A bread oven with loaves cooling")
    body = page.locator("[contenteditable=true]").first
    body.click()
    page.keyboard.type("We opened in November with twelve member-owners and one oven.")
    _publish(page)
    _saved(page)

    # A two-day all-day event with a time zone and a place.
    _open_new(page, editor, "events")
    page.get_by_label("Title", exact=True).fill("Bakers' gathering")
    page.get_by_label("Start", exact=True).fill("2027-03-04")
    page.get_by_label("All day").first.check()
    page.get_by_label("End (optional)").fill("2027-03-05")
    page.get_by_label("All day").nth(1).check()
    _choose(page, "Time zone (optional)", "Europe/Berlin")
    page.get_by_label("Place with address").check()
    page.get_by_label("Location (optional)").fill("Mutual Aid Hall")
    page.get_by_label("Address", exact=True).fill("1 Example Street, Manchester")
    page.get_by_label("Latitude", exact=True).fill("53.4808")
    page.get_by_label("Longitude", exact=True).fill("-2.2426")
    _publish(page)
    _saved(page)

    # An existing working group, edited.
    _open(page, editor, "collections/groups/entries/murmurations")
    purpose = page.get_by_label("Purpose", exact=True)
    purpose.fill("Mapping the co-operative economy with open data anyone can publish.")
    _publish(page)
    _saved(page)

    # The files on disk: the formats make new-post and make new-event start from.
    (post_file,) = list((editor.content / "posts").glob("*/our-bakerys-first-year.md"))
    header = source_header(post_file)
    assert header == {"title": "Our bakery's first year", "date": "2026-11-20 09:30",
                      "category": "Inspiring Projects", "tags": "food co-ops, bakeries",
                      "authors": "Ada Lovelace",
                      "summary": "Twelve bakers, one oven and a year of learning how to run a "
                                 "worker co-op.",
                      "slug": "our-bakerys-first-year", "status": "published",
                      "image": "{static}/images/posts/bakery-oven.png",
                      "image_alt": "A bread oven with loaves cooling"}
    assert (editor.content / "images" / "posts" / "bakery-oven.png").read_bytes() == \
        (tmp_path / "bakery-oven.png").read_bytes()
    assert "We opened in November with twelve member-owners and one oven." in \
        post_file.read_text(encoding="utf-8")
    event_file = editor.content / "events" / "2027-03-04-bakers-gathering.yaml"
    # BaseLoader: every value as the text the file holds, as the site's own loader reads dates.
    event = yaml.load(event_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert {key: event[key] for key in ("title", "start", "end", "timezone", "location")} == {
        "title": "Bakers' gathering", "start": "2027-03-04", "end": "2027-03-05",
        "timezone": "Europe/Berlin",
        "location": {"name": "Mutual Aid Hall", "address": "1 Example Street, Manchester",
                     "lat": "53.4808", "lon": "-2.2426"}}
    group = source_header(editor.content / "working-groups" / "murmurations.md")
    assert group["purpose"] == "Mapping the co-operative economy with open data anyone can publish."

    checked = run_publishing("check", overrides=editor.overrides)
    assert checked.ok, checked.stdout + checked.stderr
    output = editor.project / "rebuilt"
    built = build(output, overrides=editor.overrides)
    assert built.ok, built.stderr

    # Pages.
    post_page = (output / "blog/2026/11/our-bakerys-first-year/index.html").read_text("utf-8")
    assert "Our bakery&#39;s first year" in post_page or "Our bakery's first year" in post_page
    assert 'src="/images/posts/bakery-oven.png"' in post_page
    assert 'alt="A bread oven with loaves cooling"' in post_page
    assert "twelve member-owners and one oven" in post_page
    assert (output / "images/posts/bakery-oven.png").is_file()
    assert (output / "tag/bakeries/index.html").is_file()
    event_page = (output / "events/2027-03-04-bakers-gathering/index.html").read_text("utf-8")
    assert "Mutual Aid Hall" in event_page and "1 Example Street, Manchester" in event_page
    group_page = (output / "working-groups/murmurations/index.html").read_text("utf-8")
    assert "Mapping the co-operative economy with open data anyone can publish." in group_page

    # Feeds.
    feed = feedparser.parse((output / "feeds/all.atom.xml").read_bytes())
    (entry,) = [e for e in feed.entries if e.title == "Our bakery's first year"]
    assert "Twelve bakers, one oven and a year" in entry.summary
    assert {tag.term for tag in entry.tags} >= {"Inspiring Projects"}
    events_feed = feedparser.parse((output / "feeds/events.atom.xml").read_bytes())
    assert "4 March 2027: Bakers' gathering" in {e.title for e in events_feed.entries}

    # Calendars: two whole days (DTEND exclusive), in the place typed.
    calendar = icalendar.Calendar.from_ical(
        (output / "events/2027-03-04-bakers-gathering.ics").read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Bakers' gathering"
    assert vevent.decoded("DTSTART").isoformat() == "2027-03-04"
    assert vevent.decoded("DTEND").isoformat() == "2027-03-06"
    assert str(vevent["LOCATION"]).startswith("Mutual Aid Hall")
    assert "1 Example Street" in str(vevent["LOCATION"])
    assert [float(x) for x in (vevent["GEO"].latitude, vevent["GEO"].longitude)] == \
        [53.4808, -2.2426]
    whole = icalendar.Calendar.from_ical((output / "events/calendar.ics").read_bytes())
    assert "Bakers' gathering" in {str(e["SUMMARY"]) for e in whole.walk("VEVENT")}


def _choose_header_image(page) -> None:
    page.get_by_role("button", name="Choose an image").first.click()


def _choose_body_image(page) -> None:
    """Put a picture into the body as a writer does: the toolbar's Add Component, Image."""
    page.locator("[contenteditable=true]").first.click()
    page.get_by_role("button", name="Add Component").click()
    page.get_by_role("menuitem", name="Image").click()
    page.get_by_role("button", name="Choose an image").last.click()


@pytest.mark.parametrize("choose", [_choose_header_image, _choose_body_image],
                         ids=["header-image", "body-image"])
def test_a_picture_heavier_than_the_check_allows_is_refused_on_upload(editor, admin, tmp_path,
                                                                      choose):
    heavy = tmp_path / "phone-photo.png"
    heavy.write_bytes(_png(tmp_path / "small.png").read_bytes() + b"\0" * 1_100_000)
    said: list[str] = []

    def dismiss(dialog) -> None:
        said.append(dialog.message)
        dialog.dismiss()

    admin.on("dialog", dismiss)
    try:
        _open_new(admin, editor, "posts")
        choose(admin)
        admin.locator("input[type=file]").set_input_files(str(heavy))
        admin.wait_for_timeout(500)
    finally:
        admin.remove_listener("dialog", dismiss)
        admin.keyboard.press("Escape")
    assert said and "1000" in said[0], said  # Decap's words: the limit in kB
    assert not list((editor.content / "images").rglob("phone-photo*"))


def test_a_picture_without_its_description_is_refused_with_the_checks_words(editor, admin,
                                                                            site, tmp_path):
    page = admin
    _new_post(page, editor, "A picture nobody described",
              "A post with a picture and no description.")
    _choose_header_image(page)
    page.locator("input[type=file]").set_input_files(str(_png(tmp_path / "undescribed.png")))
    page.get_by_role("button", name="Choose selected").click()
    before = sorted(p.name for p in (editor.content / "posts").rglob("*.md"))
    _publish(page)
    shown = page.get_by_text(re.compile(r"^field 'image_alt': "))
    shown.first.wait_for()
    message = shown.first.text_content()
    assert sorted(p.name for p in (editor.content / "posts").rglob("*.md")) == before

    # make check says the same of a post with an Image line and no Image_alt line.
    site.file("images/posts/undescribed.png", "")
    site.post("undescribed", extra="Image: {static}/images/posts/undescribed.png")
    checked = site.check()
    reported = [line for line in (checked.stdout + checked.stderr).splitlines()
                if "undescribed.md" in line and "image_alt" in line]
    assert any(line.endswith(f": {message}") for line in reported), (message, reported)

    page.get_by_label("Image description (optional)").fill("A picture, now described")
    _publish(page)
    _saved(page)


def test_a_long_title_makes_a_file_name_the_check_accepts(editor, admin):
    """The editor makes the file name (the slug) from the title as Pelican would, cut at a whole
    word to the check's limit; an event's starts with its date and stays within it too."""
    _open_new(admin, editor, "posts")
    title = "Notes from the " + " ".join(f"assembly{n}" for n in range(30))
    post, event = admin.evaluate(
        """title => [window.siteEditor.slugify(title),
                     "2027-03-04-" + window.siteEditor.slugify(title, 11)]""", title)
    for slug in (post, event):
        assert len(slug) <= 100 and rules.SLUG.fullmatch(slug), slug
        assert slug.endswith(f"assembly{slug.count('assembly') - 1}"), "cut at a whole word"
    assert len(post) > 90 and post.startswith("notes-from-the-assembly0-")
    assert admin.evaluate("t => window.siteEditor.slugify(t)", "Short title") == "short-title"


def test_a_required_field_left_empty_is_refused_with_the_checks_words(editor, admin, site):
    page = admin
    _open_new(page, editor, "posts")
    page.get_by_label("Title", exact=True).fill("A post without a summary")
    _choose(page, "Category", "Commons")
    page.get_by_label("Authors", exact=True).fill("Ada Lovelace")
    before = sorted(p.name for p in (editor.content / "posts").rglob("*.md"))
    _publish(page)
    shown = page.get_by_text(re.compile(r"^field 'summary': "))
    shown.first.wait_for()
    message = shown.first.text_content()
    # The field is there and empty: not "missing", whose hint asks for a line to add.
    assert message == "field 'summary': is empty (required; write it after 'Summary:')"
    assert sorted(p.name for p in (editor.content / "posts").rglob("*.md")) == before

    # make check says the same of a file whose Summary line is empty.
    path = site.post("no-summary", summary="")
    checked = site.check()
    assert not checked.ok
    reported = [line for line in (checked.stdout + checked.stderr).splitlines()
                if "no-summary.md" in line]
    assert any(line.endswith(f": {message}") for line in reported), (message, reported)


def test_event_text_that_yaml_1_1_would_read_as_a_boolean_or_number_stays_text(editor, admin):
    """Decap writes YAML 1.2, which leaves yes, No, On and 10:30 unquoted; the site's reader must
    take them as the text typed (YAML 1.1 would read true, false, true and 630)."""
    _open_new(admin, editor, "events")
    admin.get_by_label("Title", exact=True).fill("Yes")
    admin.get_by_label("Start", exact=True).fill("2027-05-06")
    admin.get_by_label("Time", exact=True).first.fill("18:00")
    admin.get_by_label("Location (optional)").fill("NO")
    admin.get_by_label("Summary (optional)").fill("10:30")
    admin.get_by_label("Organizer (optional)").fill("On")
    admin.get_by_label("Tags (optional)").fill("no, off, 1_000")
    _publish(admin)
    _saved(admin)

    path = editor.content / "events" / "2027-05-06-yes.yaml"
    event, problems = load_event(path.read_bytes(), str(path), default_slug=path.stem)
    assert problems == []
    assert (event.title, event.location_name, event.summary, event.organizer, event.tags) == (
        "Yes", "NO", "10:30", "On", ["no", "off", "1_000"])
    checked = run_publishing("check", overrides=editor.overrides)
    assert checked.ok, checked.stdout + checked.stderr


def test_a_title_without_latin_letters_needs_a_slug_before_saving(editor, admin):
    """The editor makes a new entry's file name from its title, keeping ASCII letters and
    digits only: a Japanese title gives none, and the post would have been saved as `.md`, a
    hidden file the site never publishes (and make check never reads)."""
    page = admin
    _new_post(page, editor, "協同組合の集い", "Co-operatives met in Kyoto.")
    before = sorted(p.name for p in (editor.content / "posts").rglob("*"))
    _publish(page)
    shown = page.get_by_text(re.compile(r"^field 'slug': "))
    shown.first.wait_for()
    assert shown.first.text_content() == f"field 'slug': {rules.slug('')}"
    assert sorted(p.name for p in (editor.content / "posts").rglob("*")) == before

    page.get_by_label("Slug (optional)").fill("co-op-gathering-kyoto")
    _publish(page)
    _saved(page)
    post = source_header(editor.content / "posts" / "2026" / "co-op-gathering-kyoto.md")
    assert post["title"] == "協同組合の集い" and post["slug"] == "co-op-gathering-kyoto"


def _field_errors(page, label: str) -> list[str]:
    """The messages the editor shows above one field (Decap lists them beside its label)."""
    field_id = page.get_by_label(label, exact=True).get_attribute("id")
    return page.locator(f"label[for='{field_id}'] ~ ul li").all_text_contents()


@pytest.mark.parametrize("field, label, value", [
    ("Duration", "Duration (optional)", "34:12"),  # MM:SS, as podcast apps take it
    ("Duration", "Duration (optional)", "00:75:00"),  # no 75th minute
    ("Audio_length", "Audio length (optional)", "0"),  # an empty file is no episode
    ("Audio_length", "Audio length (optional)", "24123456"),
], ids=["duration-mm-ss", "duration-75-minutes", "audio-length-0", "audio-length"])
def test_the_editor_refuses_what_make_check_refuses(editor, admin, site, field, label, value):
    _open_new(admin, editor, "posts")
    admin.get_by_label(label, exact=True).fill(value)
    admin.keyboard.press("Tab")  # Decap checks a pattern when the field loses focus
    admin.wait_for_timeout(300)
    refused_here = bool(_field_errors(admin, label))

    site.post("measured", extra=f"Audio: https://example.org/x.mp3\n{field}: {value}")
    checked = site.check()
    assert refused_here == (not checked.ok), (value, checked.stdout)


def test_a_refused_save_focuses_the_first_field_with_a_problem_which_describes_it(editor, admin):
    """For a keyboard or screen-reader user: focus moves to the first field with a problem, and
    the field is announced as invalid with the problem as its description."""
    _open_new(admin, editor, "posts")
    admin.get_by_label("Title", exact=True).fill("A post without a date")
    _publish(admin)
    date = admin.get_by_label("Date", exact=True)
    admin.wait_for_function("document.activeElement && document.activeElement.id === "
                            f"{date.get_attribute('id')!r}")
    assert date.get_attribute("aria-invalid") == "true"
    described = admin.evaluate("""input => input.getAttribute("aria-describedby").split(" ")
        .map(id => document.getElementById(id).textContent).join(" ")""", date.element_handle())
    assert described == "field 'date': is empty (required; write it after 'Date:')"
    summary = admin.get_by_label("Summary", exact=True)
    assert summary.get_attribute("aria-invalid") == "true"

    # Fixed, a field is no longer announced as invalid.
    summary.fill("Now with a summary.")
    admin.keyboard.press("Tab")
    admin.wait_for_timeout(300)
    _publish(admin)
    admin.wait_for_timeout(500)
    assert summary.get_attribute("aria-invalid") is None
