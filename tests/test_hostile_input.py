"""Careless and hostile input: every case ends in exit 1 with the file and field named, the
previous output untouched, within a time and memory bound, and no traceback.

Structured cases cover each class of problem through the real command line (``python -m
publishing check|build`` in a subprocess whose CPU time and address space are capped with
resource limits). Property-based cases (hypothesis) throw generated hostile values at every
field of posts, pages, groups and events; those run the check in-process on a small site, with
the same assertions on the problems it returns.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import EPOCH, ROOT, tree_digest

# CPU seconds and address space one check or build of the small site may use: the site itself
# needs about 1.5 s and 300 MiB of address space; the bounds leave room, not minutes or GiB.
CPU_SECONDS = 30
CHECK_SECONDS = 20
ADDRESS_SPACE = 1536 * 1024 * 1024

POST = """\
Title: {title}
Date: 2020-05-01 10:00
Category: Commons
Tags: commons
Authors: Ada Lovelace
Summary: A short summary.
{extra}

Body text.
"""
EVENT = "title: Meet-up\nstart: 2027-03-04 18:00\ntimezone: Europe/London\n"
GROUP = "Title: Gardens\nPurpose: Grow food together.\nStatus: active\n\nWe meet monthly.\n"


def _limits(cpu: int = CPU_SECONDS) -> None:  # in the child before exec (POSIX only)
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _env() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("SITEURL", None)
    return env


# Runs `check` in one long-lived process, once per line read (JSON overrides), answering with
# the problem lines as JSON: most cases need no new interpreter, only a new check.
CHECKER = textwrap.dedent("""
    import json, sys, traceback
    from publishing.cli import _instance, _settings
    base = json.loads(sys.argv[1])
    for line in sys.stdin:
        try:
            problems = _instance(_settings("pelicanconf.py", {**base, **json.loads(line)})).check()
            print(json.dumps([str(p) for p in problems]), flush=True)
        except BaseException:
            print(json.dumps({"traceback": traceback.format_exc()}), flush=True)
""")


class Site:
    """A small content folder with a post, a page, a group and an event, built once (so there
    is an output to keep intact), then given one hostile file at a time."""

    def __init__(self, root: Path) -> None:
        self.root, self.content, self.output = root, root / "content", root / "output"
        self.write("posts/fine.md", POST.format(title="Fine", extra=""))
        self.write("pages/about.md", "Title: About\nSlug: about\n\nAbout us.\n")
        self.write("working-groups/gardens.md", GROUP)
        self.write("events/meet-up.yaml", EVENT + "group: gardens\ntags: [food]\n")
        self.write("images/pic.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
        self.settings = {"PATH": str(self.content), "CACHE_PATH": str(self.root / "cache")}
        self._checker = None

    def write(self, relative: str, data: str | bytes) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    def run(self, command: str, overrides: dict | None = None,
            flags: tuple[str, ...] = ("-q",)) -> subprocess.CompletedProcess:
        settings = {**self.settings, **(overrides or {})}
        args = [sys.executable, "-m", "publishing", command, "-s", "pelicanconf.py", *flags,
                "-o", str(self.output), "-e", *[f"{k}={json.dumps(v)}" for k, v in settings.items()]]
        return subprocess.run(args, cwd=ROOT, env=_env(), capture_output=True, text=True,
                              timeout=120, preexec_fn=_limits if os.name == "posix" else None)

    def check(self, overrides: dict | None = None) -> list[str]:
        """The problems ``check`` finds, from the long-lived checking process; each check must
        answer within CHECK_SECONDS."""
        if self._checker is None:
            self._checker = subprocess.Popen(
                [sys.executable, "-c", CHECKER, json.dumps(self.settings)], cwd=ROOT, env=_env(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                preexec_fn=(lambda: _limits(600)) if os.name == "posix" else None)
        self._checker.stdin.write(json.dumps(overrides or {}) + "\n")
        self._checker.stdin.flush()
        if os.name == "posix":
            import select

            ready, _, _ = select.select([self._checker.stdout], [], [], CHECK_SECONDS)
            assert ready, f"check took more than {CHECK_SECONDS} s"
        line = self._checker.stdout.readline()
        assert line, "the checking process died (over its memory limit?)"
        answer = json.loads(line)
        assert not isinstance(answer, dict), answer["traceback"]
        return answer

    def close(self) -> None:
        if self._checker is not None:
            self._checker.stdin.close()
            self._checker.wait(timeout=60)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("hostile"))
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    yield site
    site.close()


@pytest.fixture
def hostile(built: Site):
    """The built site; each test's files are removed afterwards so the next starts clean."""
    before = {p for p in built.content.rglob("*")}
    digest = tree_digest(built.output)
    yield built, digest
    for path in sorted(set(built.content.rglob("*")) - before, reverse=True):
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()


def refused(site: Site, digest: dict, expected: list[str], *, overrides: dict | None = None,
            build: bool = False) -> None:
    """``check`` lists every ``expected`` text; with ``build``, the real command line exits 1
    with them too and no traceback, and the output is byte for byte what it was."""
    problems = site.check(overrides)
    text = "\n".join(problems)
    for needle in expected:
        assert needle in text, f"check: {needle!r} not in\n{text}"
    for line in problems:
        assert len(line) < 400, f"an overlong message: {line[:200]}..."
    if build:
        result = site.run("build", overrides)
        text = result.stdout + result.stderr
        assert result.returncode == 1, f"build: exit {result.returncode}\n{text}"
        assert "Traceback" not in text and "Cannot get modification stamp" not in text, text
        for needle in expected:
            assert needle in text, f"build: {needle!r} not in\n{text}"
    assert tree_digest(site.output) == digest


# --- output names ----------------------------------------------------------------------------

@pytest.mark.parametrize("relative, text, expected", [
    ("events/calendar.yaml", EVENT, "events/calendar.yaml:1: field 'slug': 'calendar' is reserved"),
    ("events/x.yaml", EVENT + "slug: index\n", "events/x.yaml:4: field 'slug': 'index' is reserved"),
    ("events/x.yaml", EVENT + "slug: group\n", "events/x.yaml:4: field 'slug': 'group' is reserved"),
    ("events/x.yaml", EVENT + "slug: tag\n", "events/x.yaml:4: field 'slug': 'tag' is reserved"),
    ("pages/x.md", "Title: X\nSlug: blog\n\nx\n", "pages/x.md:2: field 'slug': 'blog' is reserved"),
    ("pages/x.md", "Title: X\nSlug: events\n\nx\n", "pages/x.md:2: field 'slug': 'events' is reserved"),
    ("pages/x.md", "Title: X\nSlug: feeds\n\nx\n", "pages/x.md:2: field 'slug': 'feeds' is reserved"),
    ("pages/x.md", "Title: X\nSlug: images\n\nx\n", "pages/x.md:2: field 'slug': 'images' is reserved"),
    ("pages/x.md", "Title: X\nSlug: theme\n\nx\n", "pages/x.md:2: field 'slug': 'theme' is reserved"),
    ("pages/x.md", "Title: X\nSlug: pagefind\n\nx\n", "pages/x.md:2: field 'slug': 'pagefind' is reserved"),
    ("pages/x.md", "Title: X\nSlug: 404\n\nx\n", "pages/x.md:2: field 'slug': '404' is reserved"),
    ("pages/x.md", "Title: X\nSlug: search\n\nx\n", "pages/x.md:2: field 'slug': 'search' is reserved"),
    # The browser editor's folder: the build stopped with an internal error.
    ("pages/x.md", "Title: X\nSlug: admin\n\nx\n", "pages/x.md:2: field 'slug': 'admin' is reserved: "
     "the site writes admin/ (EDITOR_URL) there"),
    ("pages/x.md", "Title: X\nSlug: tag\n\nx\n", "pages/x.md:2: field 'slug': 'tag' is reserved"),
    ("pages/x.md", "Title: X\nSlug: a/b\n\nx\n", "pages/x.md:2: field 'slug': 'a/b' is not a slug"),
    ("pages/x.md", "Title: X\nSlug: /srv/x\n\nx\n", "pages/x.md:2: field 'slug': '/srv/x' is not a slug"),
    ("pages/x.md", "Title: X\nSlug: Big Name\n\nx\n", "field 'slug': 'Big Name' is not a slug"),
    ("pages/x.md", "Title: X\nSlug: " + "a" * 300 + "\n\nx\n", "field 'slug': 'aaaa"),
    ("posts/x.md", POST.format(title="X", extra="Slug: ../../x"), "field 'slug': '../../x' is not a slug"),
    ("posts/x.md", POST.format(title="🎉", extra=""), "posts/x.md:1: field 'title': gives an empty slug"),
    ("posts/x.md", POST.format(title="x" + " word" * 80, extra=""),
     "posts/x.md:1: field 'title': gives the slug 'x-word-word"),
    ("working-groups/" + "g" * 101 + ".md", GROUP,
     "field 'title': the file name gives the slug 'gggg"),
    ("events/2027-03-04-" + "w" * 95 + ".yaml", EVENT,
     ":1: field 'slug': the file name gives the slug '2027-03-04-www"),
    ("posts/x.md", POST.format(title="X", extra="").replace("Tags: commons", "Tags: 🎉"),
     "posts/x.md:4: field 'tags': '🎉' gives an empty address"),
    ("posts/x.md", POST.format(title="X", extra="").replace("Tags: commons", "Tags: " + "t" * 300),
     "posts/x.md:4: field 'tags': 'tttt"),
    ("events/x.yaml", EVENT + "tags: ['" + "t" * 300 + "']\n", "events/x.yaml:4: field 'tags':"),
])
def test_reserved_and_invalid_names(hostile, relative, text, expected):
    site, digest = hostile
    site.write(relative, text)
    # The build too where it once went wrong: a replaced calendar, a traceback, a long name.
    refused(site, digest, [expected], build=any(word in text for word in ("blog", "aaaaa", "admin"))
            or "calendar" in relative)


def test_a_tag_only_hidden_posts_use_is_refused_as_a_link_nowhere(hostile):
    site, digest = hostile
    site.write("posts/x.md", POST.format(title="X", extra="Status: hidden").replace(
        "Tags: commons", "Tags: secret-only"))
    refused(site, digest, ["posts/x.md:4: field 'tags': 'secret-only' is used only by hidden"])


# --- files and references --------------------------------------------------------------------

@pytest.mark.parametrize("relative, expected", [
    ("posts/what?.md", "posts/what?.md: cannot be checked out on Windows: its name has ?"),
    ('images/a<b>:c"d|e*.svg', "cannot be checked out on Windows: its name has \" * : < > |"),
    ("posts/line\nbreak.md", "posts/line\\nbreak.md: cannot be checked out on Windows: its name "
                              "has '\\n'"),
    ("posts/aux.md", "posts/aux.md: cannot be checked out on Windows: 'aux' is a device name"),
    ("images/Com1.photo.svg", "images/Com1.photo.svg: cannot be checked out on Windows: 'Com1'"),
    ("images/trailing.", "images/trailing.: cannot be checked out on Windows: its name ends with"),
    ("posts/Fine.md", "posts/fine.md: has the same name as 'Fine.md' on macOS and Windows"),
    ("Images/x.svg", "images: has the same name as 'Images' on macOS and Windows"),
    ("posts/cafe\u0301.md", None),  # with its twin below: the same name once normalised (macOS)
])
def test_names_every_contributors_machine_cannot_check_out_are_refused(hostile, relative,
                                                                      expected):
    site, digest = hostile
    site.write(relative, POST.format(title="Named", extra="") if relative.endswith(".md")
               else "<svg xmlns='http://www.w3.org/2000/svg'/>")
    if expected is None:
        site.write("posts/caf\u00e9.md", POST.format(title="Named too", extra=""))
        expected = "has the same name as 'cafe\u0301.md' on macOS and Windows"
    refused(site, digest, [expected], build=relative == "posts/what?.md")


def test_a_symlink_to_nothing_is_refused(hostile):
    site, digest = hostile
    (site.content / "images" / "gone.png").symlink_to("nothing.png")
    (site.content / "posts" / "gone.md").symlink_to("nothing.md")
    refused(site, digest, ["images/gone.png: is a symbolic link to", "which does not exist",
                           "posts/gone.md: is a symbolic link to"], build=True)
    assert len(site.check()) == 2, "one problem each, not Pelican's 'Could not process' too"


def test_pictures_readers_could_not_see_or_would_wait_for_are_refused(hostile):
    site, digest = hostile
    site.write("images/photo.jpg", b"\xff\xd8" + b"\0" * 1_200_000)
    site.write("images/IMG_0001.HEIC", b"\0" * 100)
    refused(site, digest, [
        "images/photo.jpg: is 1.2 MB, slow to load on a phone (expected at most 1 MB",
        "images/IMG_0001.HEIC: is a .heic picture, which browsers other than Safari do not show"],
        build=True)
    raised = site.check({"CONTENT_IMAGE_MAX_BYTES": 2_000_000})
    assert not [line for line in raised if "photo.jpg" in line], raised


def test_a_source_file_no_part_of_the_site_reads_is_refused(hostile):
    """A post in a mistyped folder, or dropped in content/ itself, would pass and never appear."""
    site, digest = hostile
    site.write("post/typo.md", POST.format(title="Typo", extra=""))
    site.write("stray.yaml", EVENT)
    site.write("README.md", "Notes for whoever keeps this folder.\n")  # IGNORE_FILES
    # What macOS leaves beside a file on a USB drive: binary, ignored.
    site.write("posts/._typo.md", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    refused(site, digest, [
        "post/typo.md: is in no folder the site reads, so it would not be published (expected "
        "it in events/, pages/, posts/, working-groups/)",
        "stray.yaml: is in no folder the site reads"], build=True)
    assert not [line for line in site.check() if "README.md" in line or "._typo.md" in line]


def test_wrong_case_extensions_are_reported(hostile):
    site, digest = hostile
    site.write("posts/x.MD", POST.format(title="X", extra=""))
    site.write("events/y.YAML", EVENT)
    refused(site, digest, ["posts/x.MD: use the .md extension", "events/y.YAML: use the .yaml extension"])


@pytest.mark.parametrize("body, expected", [
    ("![x]({static}/../../../../etc/passwd)", "field 'link': {static}/../../../../etc/passwd points outside content/"),
    ("![x](/images/nope.jpg)", "field 'link': '/images/nope.jpg' is not a page or file of this site"),
    ("[x](/blog/2099/01/nothing/)", "field 'link': '/blog/2099/01/nothing/' is not a page or file"),
    # Read from the post's own address (/blog/2020/05/x/), where no picture is.
    ("![An oven](images/posts/oven.svg)",
     "field 'content': image 'images/posts/oven.svg' is a relative address"),
    ('<img alt="An oven" src="../../images/pic.svg">',
     "field 'content': image '../../images/pic.svg' is a relative address"),
])
def test_references_that_leave_content_or_lead_nowhere(hostile, body, expected):
    site, digest = hostile
    site.write("posts/x.md", POST.format(title="X", extra="").replace("Body text.", body))
    refused(site, digest, ["posts/x.md:9: " + expected], build=True)


def test_a_post_dated_days_ahead_is_refused(hostile):
    """It would head the blog and the feeds until then; a draft may wait for its day, and a date
    within a day of now (another time zone's today) passes."""
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    site, digest = hostile
    # The machine's clock, not SOURCE_DATE_EPOCH: a build pinned to a past moment must still
    # accept the posts written since.
    soon = (datetime.now(timezone.utc) + timedelta(hours=12)).astimezone(ZoneInfo("Europe/London"))
    since_epoch = datetime.fromtimestamp(int(EPOCH) + 5 * 86400, timezone.utc)

    def dated(title: str, date: str, extra: str = "") -> str:
        return POST.format(title=title, extra=extra).replace("Date: 2020-05-01 10:00",
                                                             f"Date: {date}")

    site.write("posts/x.md", dated("X", "2062-05-01 10:00"))
    site.write("posts/edited.md", dated("Edited", "2020-05-01 10:00", "Modified: 2063-01-01 09:00"))
    site.write("posts/soon.md", dated("Soon", f"{soon:%Y-%m-%d %H:%M}"))
    site.write("posts/since.md", dated("Since", f"{since_epoch:%Y-%m-%d %H:%M}"))
    site.write("posts/waiting.md", dated("Waiting", "2062-05-01 10:00", "Status: draft"))
    refused(site, digest, [
        "posts/x.md:2: field 'date': 2062-05-01 10:00 is in the future",
        "posts/edited.md:7: field 'modified': 2063-01-01 09:00 is in the future"], build=True)
    assert [line for line in site.check() if any(name in line for name in (
        "soon.md", "since.md", "waiting.md"))] == []


def test_links_to_drafts_and_from_groups_are_checked(hostile):
    """A draft is not published, so a link to it would lead readers to the home page; a working
    group's text links like a post's."""
    site, digest = hostile
    site.write("posts/soon.md", POST.format(title="Soon", extra="Status: draft"))
    site.write("pages/plans.md", "Title: Plans\nStatus: draft\n\nNot yet.\n")
    site.write("posts/x.md", POST.format(title="X", extra="").replace(
        "Body text.", "See [soon]({filename}soon.md).\n\nAnd [plans]({filename}/pages/plans.md)."))
    site.write("working-groups/tools.md", GROUP.replace("Gardens", "Tools") + (
        "\nSee [soon]({filename}/posts/soon.md) and [gone]({filename}/posts/gone.md).\n"))
    # A draft may link to a draft: neither is published.
    site.write("posts/later.md", POST.format(title="Later", extra="Status: draft").replace(
        "Body text.", "After [soon]({filename}soon.md)."))
    refused(site, digest, [
        "posts/x.md:9: field 'link': {filename}soon.md points at a draft (Status: draft)",
        "posts/x.md:11: field 'link': {filename}/pages/plans.md points at a draft",
        "working-groups/tools.md:7: field 'link': {filename}/posts/soon.md points at a draft",
        "working-groups/tools.md:7: field 'link': {filename}/posts/gone.md points at a file that "
        "does not exist"], build=True)
    assert not [line for line in site.check() if "later.md" in line]


def test_an_image_field_outside_content_is_refused(hostile):
    site, digest = hostile
    site.write("posts/x.md", POST.format(
        title="X", extra="Image: {static}/../../../../etc/passwd\nImage_alt: a file"))
    refused(site, digest, ["posts/x.md:7: field 'image':"])


def test_a_symlink_out_of_content_is_refused(hostile, tmp_path):
    site, digest = hostile
    outside = tmp_path / "secret.md"
    outside.write_text(POST.format(title="Secret", extra=""), encoding="utf-8")
    (site.content / "posts" / "link.md").symlink_to(outside)
    refused(site, digest, ["posts/link.md: is a symbolic link to", "outside content/"], build=True)


@pytest.mark.parametrize("target, where", [
    ("..", "inside content/"),  # an ancestor: without the check, the tree is read over and over
    ("../pages", "inside content/"),  # a sibling: each page read again as a post
    (None, "outside content/"),
])
def test_a_symlink_to_a_folder_stops_the_build_before_reading(hostile, tmp_path, target, where):
    site, digest = hostile
    if target is None:
        outside = tmp_path / "elsewhere"
        (outside / "deep").mkdir(parents=True)
        (outside / "deep" / "p.md").write_text(POST.format(title="P", extra=""), encoding="utf-8")
        target = str(outside)
    (site.content / "posts" / "more").symlink_to(target, target_is_directory=True)
    refused(site, digest, ["posts/more: is a symbolic link to the folder", where], build=True)
    assert len(site.check()) == 1, "one problem, not one for each file read through the link"


# --- values ------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ("Title: Again", "posts/x.md:7: field 'title': is given twice"),
    ("Category: Open", "posts/x.md:7: field 'category': is given twice"),
    ("Date: 2021-01-01", "posts/x.md:7: field 'date': is given twice"),
    ("Duration: ninety minutes", "posts/x.md:7: field 'duration': 'ninety minutes' is not a duration"),
    ("Audio_length: 99999999999999999999999", "posts/x.md:7: field 'audio_length':"),
    ("Modified: 2026-11-20 12:00+99:00", "posts/x.md:7: field 'modified': '2026-11-20 12:00+99:00': the UTC offset"),
])
def test_post_header_values(hostile, extra, expected):
    site, digest = hostile
    site.write("posts/x.md", POST.format(title="X", extra=extra))
    refused(site, digest, [expected], build="Duration" in extra)


@pytest.mark.parametrize("relative, text, expected", [
    ("posts/x.md", POST.format(title="X", extra="Tgas: commons"),
     "posts/x.md:7: field 'tgas': is not a field a post has (did you mean 'Tags:'?)"),
    ("posts/x.md", POST.format(title="X", extra="Lang: cy"),
     "posts/x.md:7: field 'lang': is not a field a post has (expected one of: Audio,"),
    ("pages/x.md", "Title: X\nSumary: About.\n\nx\n",
     "pages/x.md:2: field 'sumary': is not a field a page has (did you mean 'Summary:'?)"),
    ("working-groups/x.md", GROUP.replace("Status: active", "Status: active\nJion: https://x.org/"),
     "working-groups/x.md:4: field 'jion': is not a field a working group has (did you mean 'Join:'?)"),
])
def test_a_mistyped_field_is_named_not_ignored(hostile, relative, text, expected):
    # Pelican keeps any header line and ignores what nothing reads: the post would lose its tags.
    site, digest = hostile
    site.write(relative, text)
    refused(site, digest, [expected], build=True)


@pytest.mark.parametrize("relative, line, expected", [
    # The home page replaced by a contributor's page, without a word.
    ("pages/x.md", "Save_as: index.html", "pages/x.md:2: field 'save_as': 'index.html': a page's "
     "address comes from its Slug (expected 'Slug: name'"),
    ("pages/x.md", "Save_as: feeds/all.atom.xml", "pages/x.md:2: field 'save_as': 'feeds/"),
    ("pages/x.md", "Save_as: ../evil.html", "pages/x.md:2: field 'save_as': '../evil.html'"),
    # Was an internal error of the build: no such template.
    ("pages/x.md", "Template: ../../nope", "pages/x.md:2: field 'template': is not a field a page"),
    # Was listed in the sitemap as https://open.coop/javascript:alert(1).
    ("pages/x.md", "Url: javascript:alert(1)", "pages/x.md:2: field 'url': is not a field a page"),
    # Pelican gave up on the file, naming neither the line nor the field.
    ("posts/x.md", "Save_as: ../../evil.html", "posts/x.md:7: field 'save_as': is not a field a "
     "post has"),
])
def test_a_file_cannot_choose_where_it_is_written(hostile, relative, line, expected):
    site, digest = hostile
    text = (POST.format(title="X", extra=line) if relative.startswith("posts/")
            else f"Title: X\n{line}\n\nText.\n")
    site.write(relative, text)
    refused(site, digest, [expected], build=True)
    assert not (site.root / "evil.html").exists() and not (site.output.parent / "evil.html").exists()


@pytest.mark.parametrize("written, instead, expected", [
    # The Audio category's RSS feed is the podcast: an item without an enclosure is no episode.
    ("Category: Commons", "Category: Audio",
     "posts/x.md:3: field 'Audio': missing: the Audio category is the podcast"),
    ("Body text.\n", "", "posts/x.md: field 'content': has no text below its header"),
    ("Summary: A short summary.", "Summary:",
     "posts/x.md:6: field 'summary': is empty (required; write it after 'Summary:')"),
])
def test_a_post_missing_what_readers_would_get_is_refused(hostile, written, instead, expected):
    site, digest = hostile
    site.write("posts/x.md", POST.format(title="X", extra="").replace(written, instead))
    refused(site, digest, [expected], build=True)


@pytest.mark.parametrize("date, expected", [
    ("12:00", "field 'date': '12:00' is not a full date"),
    ("2026-11-20 12:00+99:00", "field 'date': '2026-11-20 12:00+99:00': the UTC offset is beyond"),
    ("0001-01-01", "field 'date': year 1 is outside"),
])
def test_post_dates(hostile, date, expected):
    site, digest = hostile
    site.write("posts/x.md", POST.format(title="X", extra="").replace("2020-05-01 10:00", date))
    refused(site, digest, ["posts/x.md:2: " + expected], build="+99" in date)


@pytest.mark.parametrize("title, expected", [
    ("A\x00B", "posts/x.md:1: field 'title': contains the control character U+0000"),
    ("A\x07B", "posts/x.md:1: field 'title': contains the control character U+0007"),
    # Characters str.splitlines() takes for line ends: they must not hide from the check.
    ("A\x0bB", "posts/x.md:1: field 'title': contains the control character U+000B"),
    ("A\x1dB", "posts/x.md:1: field 'title': contains the control character U+001D"),
])
def test_control_characters_in_a_post(hostile, title, expected):
    site, digest = hostile
    site.write("posts/x.md", POST.format(title=title, extra=""))
    refused(site, digest, [expected], build=True)


def test_control_characters_splitlines_would_take_for_line_ends(hostile):
    # The feeds' XML writer refuses them: the check must name them, and count lines as editors do.
    site, digest = hostile
    post = POST.format(title="X", extra="").replace("A short summary.", "A short\x0csummary.")
    site.write("posts/x.md", post.replace("Body text.", "Body\x85text.\u2028More."))
    refused(site, digest, ["posts/x.md:6: field 'summary': contains the control character U+000C",
                           "posts/x.md:9: field 'content': contains the control character U+0085"],
            build=True)


@pytest.mark.parametrize("extra, expected", [
    ('title: "A\\x07B"', "field 'title': contains the control character U+0007"),
    # A YAML escape: the check passed it, the build stopped at writing it as UTF-8.
    ('summary: "A\\ud800B"', "field 'summary': contains U+D800 at position 2, half of a "
     "surrogate pair, which UTF-8 cannot carry"),
    ("sequence: 99999999999", "field 'sequence': '99999999999' is out of range"),
    ("sequence: one", "field 'sequence': got the text 'one' (expected a whole number)"),
    # Too long for Python to write out in decimal: the message itself was an internal error.
    ("sequence: 0x" + "f" * 5000, "field 'sequence': a number of 20,000 bits is out of range"),
    ("start: 9999-12-31 23:30", "field 'start': '9999-12-31 23:30': year 9999 is outside"),
    ("updated: 2026-11-20 12:00+99:00", "field 'updated': '2026-11-20 12:00+99:00': the UTC offset"),
    ("description: |\n" + "".join("  " + "  " * i + "- x\n" for i in range(60)),
     "field 'description': nests lists"),
    ("recurrence: FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE="
     + ",".join(map(str, range(60))) + ";BYSECOND=" + ",".join(map(str, range(60))),
     "field 'recurrence': the rule makes more than 1000 occurrences in its first year"),
    ("recurrence: FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31", "field 'recurrence': the rule makes no occurrence"),
    # Published as events that never take place ("Daily, until 1 January 2020"; "Every 7 days
    # on Tuesday" of a series stepping from a Thursday), shown as past before their start.
    ("recurrence: FREQ=DAILY;UNTIL=20200101T000000Z",
     "field 'recurrence': the rule makes no occurrence at all"),
    ("recurrence: FREQ=DAILY;INTERVAL=7;BYDAY=TU",
     "field 'recurrence': the rule makes no occurrence at all"),
    # Stopped dateutil part way: an internal error of the build.
    ("recurrence: FREQ=MONTHLY;BYDAY=53MO",
     "field 'recurrence': BYDAY=53MO: a month has at most 5 of each weekday"),
    # dateutil drops the number: the page said "Weekly on the first Monday" of every Monday.
    ("recurrence: FREQ=WEEKLY;BYDAY=1MO", "field 'recurrence': BYDAY=1MO: a numbered day is the "
     "nth of a month or a year, so it needs FREQ=MONTHLY or FREQ=YEARLY"),
    # dateutil reads BYMONTHDAY=0 as no BYMONTHDAY: "Monthly on the 0th" held every day.
    ("recurrence: FREQ=MONTHLY;BYMONTHDAY=0", "field 'recurrence': BYMONTHDAY=0: there is no day "
     "of the month 0 (expected 1 to 31, or -1 to -31 counting from the end)"),
    ("recurrence: FREQ=YEARLY;BYWEEKNO=10,-0;BYDAY=MO",
     "field 'recurrence': BYWEEKNO=10,-0: there is no week of the year 0"),
    ("description: <script>alert(1)</script>", "field 'description': contains a <script> element"),
])
def test_event_values(hostile, extra, expected):
    site, digest = hostile
    lines = EVENT.splitlines()
    key = extra.split(":", 1)[0]
    kept = [line for line in lines if not line.startswith(key + ":")]
    site.write("events/x.yaml", "\n".join(kept) + "\n" + extra + "\n")
    refused(site, digest, ["events/x.yaml:", expected],
            build=(key in ("sequence", "start", "description") and "script" not in extra)
            or "53MO" in extra or "UNTIL=2020" in extra or "ud800" in extra)


def test_a_series_in_the_last_years_a_calendar_carries_is_built(hostile):
    # Year 9997 is accepted: the check of its clock changes ten years ahead overflowed, an
    # internal error.
    site, _digest = hostile
    site.write("events/x.yaml", EVENT.replace("2027-03-04", "9997-12-01")
               + "recurrence: FREQ=DAILY\n")
    assert site.check() == []
    result = site.run("build")
    assert result.returncode == 0, result.stdout + result.stderr


def test_yaml_aliases_are_refused_before_expansion(hostile):
    site, digest = hostile
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        laughs.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    site.write("events/x.yaml", EVENT + "\n".join(laughs) + "\ntags: *i\n")
    refused(site, digest, ["events/x.yaml:", "uses a YAML alias (*name)"])


def test_deeply_nested_yaml_is_refused_before_it_is_built(hostile):
    # PyYAML builds nested values by recursion: 1,000 levels were a RecursionError, 100,000 a
    # crash of the process (libyaml's composer has no limit), from a 100 KB file.
    site, digest = hostile
    site.write("events/x.yaml", EVENT + "tags: " + "[" * 1000 + "]" * 1000 + "\n")
    site.write("events/y.yaml", EVENT + "location: " + "{a: " * 100_000 + "\n")
    expected = ["events/x.yaml:4: field 'tags': nests lists or mappings more than 8 levels deep",
                "events/y.yaml:4: field 'location': nests lists or mappings more than 8 levels"]
    for command in ("check", "build"):  # each in a process of its own: a crash is seen as one
        result = site.run(command)
        text = result.stdout + result.stderr
        assert result.returncode == 1, f"{command}: exit {result.returncode}\n{text}"
        assert "Traceback" not in text and "internal error" not in text, text
        for needle in expected:
            assert needle in text, text
    assert tree_digest(site.output) == digest


def test_deep_nesting_and_size_are_bounded(hostile):
    site, digest = hostile
    nested = "".join("    " * i + "- x\n" for i in range(200))
    site.write("posts/x.md", POST.format(title="X", extra="").replace("Body text.", nested))
    site.write("pages/big.md", "Title: Big\n\n" + "word " * 300_000)
    refused(site, digest, ["posts/x.md:", "field 'content': nests lists, quotes or indentation",
                           "pages/big.md: the file is"], build=True)


def test_inline_text_markdown_would_read_in_quadratic_time_is_refused(hostile):
    # Markdown looks ahead from each "[" or "<" for what closes it: 100 KB of "[" in one
    # paragraph took most of an hour. Real paragraphs full of links still pass (below).
    site, digest = hostile
    site.write("posts/x.md", POST.format(title="X", extra="").replace(
        "Body text.", "Intro.\n\n" + "[" * 100_000))
    site.write("events/x.yaml", EVENT + "description: |\n  " + "<a " * 20_000 + "\n")
    refused(site, digest, ["posts/x.md:11: field 'content': makes Markdown look through "
                           "5,000,050,000 characters for the ']' and '>'",
                           "events/x.yaml:4: field 'description': makes Markdown look through"],
            build=True)


def test_thousands_of_abbreviations_are_refused_before_markdown_reads_them(hostile):
    # Each abbreviation is looked for in all the text: 8,000 of them took most of a minute.
    site, digest = hostile
    glossary = "\n".join(f"*[AB{i}]: Abbreviation {i}" for i in range(8000))
    site.write("posts/x.md", POST.format(title="X", extra="").replace(
        "Body text.", "Intro.\n\n" + glossary + "\n\n" + " ".join(f"AB{i}" for i in range(8000))))
    refused(site, digest, ["posts/x.md:211: field 'content': defines more than 200 "
                           "abbreviations"], build=True)


def test_a_glossary_of_abbreviations_is_not_refused(hostile):
    site, _digest = hostile
    glossary = "\n".join(f"*[AB{i}]: Abbreviation {i}" for i in range(150))
    site.write("posts/x.md", POST.format(title="X", extra="").replace(
        "Body text.", "We use AB1 and AB2.\n\n" + glossary))
    assert site.check() == []


def test_paragraphs_full_of_links_are_not_refused(hostile):
    site, _digest = hostile
    links = "\n\n".join(["[a link](https://example.org/) and <https://example.org/> " * 40] * 60)
    listed = "\n".join(["- [x](https://example.org/x) and [y](https://example.org/y)"] * 1500)
    prose = "\n\n".join(["If a < b and <em>c</em> [is](https://example.org/) bigger, " * 20] * 50)
    site.write("posts/x.md", POST.format(title="X", extra="").replace(
        "Body text.", "\n\n".join((links, listed, prose))))
    assert site.check() == []


def test_thousands_of_tags_or_authors_are_refused(hostile):
    # Each tag is a page and feeds of its own, and each of those feeds lists all of the post's
    # tags: 3,000 tags in a 30 KB post took hours to build.
    site, digest = hostile
    tags = ", ".join(f"tag {number}" for number in range(3000))
    authors = "; ".join(f"Writer {number}" for number in range(25))
    text = POST.format(title="X", extra="").replace("Tags: commons", f"Tags: {tags}")
    site.write("posts/x.md", text.replace("Authors: Ada Lovelace", f"Authors: {authors}"))
    site.write("events/x.yaml", EVENT + "tags: [" + ", ".join(f"t{n}" for n in range(500)) + "]\n")
    refused(site, digest, ["posts/x.md:4: field 'tags': lists 3000 tags (expected at most 20",
                           "posts/x.md:5: field 'authors': lists 25 authors",
                           "events/x.yaml:4: field 'tags': lists 500 tags"], build=True)


@pytest.mark.parametrize("data, expected", [
    ("Title: X\n\nbody\n".encode("utf-16"), "pages/x.md:1: is not UTF-8 text"),
    (bytes(range(1, 256)) * 4, "pages/x.md:2: byte 0x80 is not UTF-8 text"),
])
def test_encodings(hostile, data, expected):
    site, digest = hostile
    site.write("pages/x.md", data)
    refused(site, digest, [expected])


@pytest.mark.parametrize("body, expected", [
    ("<script>alert(1)</script>", "contains a <script> element"),
    ('<a href="#" onclick="x()">a</a>', "<a> has an event handler attribute 'onclick'"),
    ("[a](javascript:alert(1))", "links to a javascript: URL"),
    ('<a href="&#106;avascript:alert(1)">a</a>', "links to a javascript: URL"),
    ("![a](data:image/svg+xml;base64,PHN2Zz4=)", "links to a data: URL"),
    ('<iframe src="https://evil.example/"></iframe>', "embeds an <iframe> from 'evil.example'"),
    ('<object data="https://evil.example/x.swf"></object>', "embeds an <object> from 'evil.example'"),
    # No Content-Security-Policy stops a refresh: the page would send its readers elsewhere.
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">',
     "contains a <meta> element, which sends readers elsewhere"),
    ("<STYLE>main { display: none }</STYLE>", "contains a <style> element, which restyles every page"),
    ('<link rel="stylesheet" href="/theme/css/site.css">', "contains a <link> element"),
    ('<base href="https://evil.example/">', "contains a <base> element"),
])
def test_content_security_lint(hostile, body, expected):
    site, digest = hostile
    site.write("pages/x.md", f"Title: X\n\n{body}\n")
    site.write("working-groups/x.md", GROUP + f"\n{body}\n")
    refused(site, digest, ["pages/x.md:3: field 'content': " + expected,
                           "working-groups/x.md:7: field 'content': " + expected])


def test_markup_shown_as_code_is_text_and_is_published(hostile):
    # A post about the web shows tags as code: a code span, an indented block, an escaped
    # tag, in the body, the summary and an event's description. The page shows them as text.
    site, _digest = hostile
    body = ("Verify your profile with `<link rel=\"me\" href=\"https://social.coop/@us\">` in "
            "your page's head, never `<script>` or a `javascript:` link. Write &lt;meta&gt; "
            "for the tag.\n\n    <style>main { display: none }</style>\n    "
            "<a href=\"#\" onclick=\"x()\">a</a>\n")
    post = POST.format(title="Tags as code", extra="").replace(
        "A short summary.", "Why `<meta>` tags matter.")
    site.write("posts/x.md", post.replace("Body text.", body))
    site.write("events/x.yaml", EVENT + "description: |\n  Bring a page with a `<base>` "
               "tag.\n")
    assert site.check() == []
    result = site.run("build")
    assert result.returncode == 0, result.stdout + result.stderr
    from bs4 import BeautifulSoup

    page = BeautifulSoup((site.output / "blog/2020/05/tags-as-code/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    article = page.find("main")
    assert not article.find_all(["script", "style", "link", "meta", "base"])
    assert not [tag for tag in article.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    text = article.get_text()
    assert '<link rel="me" href="https://social.coop/@us">' in text and "<meta>" in text
    assert "<style>main { display: none }</style>" in text


@pytest.mark.parametrize("body", [
    # Markdown leaves a raw HTML block as it is: a code span there is no code span.
    "<div>\n`<script>alert(1)</script>`\n</div>",
    "`<script>` as code, and <script>alert(1)</script> for real",
])
def test_markup_that_only_looks_like_code_is_still_refused(hostile, body):
    site, digest = hostile
    site.write("pages/x.md", f"Title: X\n\n{body}\n")
    refused(site, digest, ["pages/x.md:", "field 'content': contains a <script> element"])


def test_a_post_cannot_restyle_or_redirect_the_pages_it_is_shown_on(hostile):
    # A summary is shown on the home page and the blog's lists: its <style> would hide them.
    site, digest = hostile
    post = POST.format(title="X", extra="").replace(
        "A short summary.", "Short. <style>main { display: none }</style>")
    site.write("posts/x.md", post.replace(
        "Body text.", '<meta http-equiv="refresh" content="0; url=https://evil.example/">'))
    refused(site, digest, ["posts/x.md:6: field 'summary': contains a <style> element",
                           "posts/x.md:9: field 'content': contains a <meta> element"], build=True)


def test_an_allowed_embed_host_passes(hostile):
    site, _digest = hostile
    site.write("pages/x.md", 'Title: X\n\n<iframe src="https://video.example/e/1" title="v"></iframe>\n')
    result = site.run("check", {"CONTENT_EMBED_HOSTS": ["video.example"]})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("url", ['https://x.example/"><script>', "https://x .example", "ftp://x.example",
                                 "https://x.example/'onmouseover='"])
def test_site_urls_are_validated(hostile, url):
    site, digest = hostile
    refused(site, digest, ["field 'SITEURL':"], overrides={"SITEURL": url}, build='"' in url)


def test_reader_pages_carry_a_content_security_policy(built):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built.output / "about" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    policy = dict(part.strip().split(" ", 1) for part in meta["content"].split(";"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-src"] == "'none'"


# --- messages: each problem once, no traceback ---------------------------------------------

def test_pelicans_own_log_lines_are_not_printed_beside_the_problems(hostile):
    site, digest = hostile
    site.write("posts/x.md", POST.format(title="X", extra="").replace("2020-05-01 10:00", "soon")
               .replace("Body text.", "![a]({static}/images/nope.svg) and ![b](/images/nope.svg)"))
    for command in ("check", "build"):
        result = site.run(command, flags=())  # warnings shown, as `make check` shows them
        text = result.stdout + result.stderr
        assert result.returncode == 1, text
        assert "Could not process" not in text and "Cannot get modification stamp" not in text, text
        assert text.count("posts/x.md:2: field 'date': 'soon' is not a full date") == 1, text
    assert tree_digest(site.output) == digest


PLUGIN = """\
from pelican import signals


def fail(generators):
    raise RuntimeError("a plugin bug")


def register():
    signals.all_generators_finalized.connect(fail)
"""


def test_an_internal_error_is_plain_and_its_traceback_only_under_verbose(built, tmp_path):
    (tmp_path / "broken_probe.py").write_text(PLUGIN, encoding="utf-8")
    plugins = ["content_checks", "events", "working_groups", "feeds", "seo", "broken_probe"]
    overrides = {"PLUGIN_PATHS": [str(ROOT / "plugins"), str(tmp_path)], "PLUGINS": plugins}
    for command in ("check", "build"):
        plain = built.run(command, overrides)
        assert plain.returncode == 2
        assert "internal error: RuntimeError: a plugin bug" in plain.stderr
        assert "please report it" in plain.stderr
        assert "Traceback" not in plain.stdout + plain.stderr
    verbose = built.run("check", overrides, flags=("-v",))
    text = verbose.stdout + verbose.stderr  # Pelican's log console writes to stdout
    assert "a plugin bug" in text and "Traceback" in text


def test_an_error_while_writing_names_the_source_file(tmp_path):
    from publishing.problems import output_problem

    class Post:
        source_path = str(tmp_path / "x.md")

    Path(Post.source_path).write_text("x", encoding="utf-8")

    def render(article):
        raise ValueError("All strings must be XML compatible")

    try:
        render(Post())
    except ValueError as error:
        problem = output_problem(error)
    assert problem.path == Post.source_path
    assert str(problem).endswith("All strings must be XML compatible (while writing the site)")


# --- property-based: any value in any field --------------------------------------------------

HOSTILE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), min_size=1, max_size=40),
    st.sampled_from(["\x00", "\x07", "<script>x</script>", "../../etc/passwd", "{static}/../../x",
                     "9999-12-31 23:59", "2026-01-01 12:00+99:00", "🎉", "a" * 400, "*a", "&a x",
                     "javascript:alert(1)", "calendar", "index", "blog", "-1", "1e309"]),
)
POST_FIELDS = ("Title", "Date", "Modified", "Category", "Tags", "Authors", "Summary", "Slug",
               "Status", "Image", "Image_alt", "Group", "Audio", "Audio_length", "Video",
               "Duration", "Feed_id")
PAGE_FIELDS = ("Title", "Slug", "Status", "Summary")
GROUP_FIELDS = ("Title", "Purpose", "Status", "Slug", "Order", "Docs", "Join", "Chat", "Contact",
                "Image", "Image_alt")
EVENT_FIELDS = ("title", "start", "end", "timezone", "location", "online_url", "url", "summary",
                "description", "organizer", "group", "tags", "status", "recurrence", "exdates",
                "slug", "uid", "updated", "sequence")
FEW = settings(max_examples=4, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    """Writes one file, checks the site in the long-lived process, removes the file."""
    site = Site(tmp_path_factory.mktemp("properties"))

    def check(relative: str, text: str) -> list[str]:
        path = site.write(relative, text)
        try:
            return site.check()
        finally:
            path.unlink()

    yield check
    site.close()


def _named(problems: list[str], relative: str, field: str) -> bool:
    return any(relative in p and f"field '{field}'" in p for p in problems)


def _accepted_or_named(problems: list[str], relative: str, field: str, value: str) -> None:
    """A hostile value is either harmless (no problem at all) or refused on its own field."""
    for problem in problems:
        assert len(problem) < 400
    if problems:
        assert _named(problems, relative, field), (value, problems)


@FEW
@given(field=st.sampled_from(POST_FIELDS), value=HOSTILE)
def test_any_value_in_any_post_field(in_process, field, value):
    header = dict(line.split(": ", 1) for line in POST.format(title="X", extra="").splitlines()
                  if ": " in line)
    header[field] = value
    text = "\n".join(f"{k}: {v}" for k, v in header.items()) + "\n\nBody.\n"
    _accepted_or_named(in_process("posts/p.md", text), "posts/p.md", field.lower(), value)


@FEW
@given(field=st.sampled_from(PAGE_FIELDS), value=HOSTILE)
def test_any_value_in_any_page_field(in_process, field, value):
    header = {"Title": "P", "Slug": "p", field: value}
    text = "\n".join(f"{k}: {v}" for k, v in header.items()) + "\n\nBody.\n"
    _accepted_or_named(in_process("pages/p.md", text), "pages/p.md", field.lower(), value)


@FEW
@given(field=st.sampled_from(GROUP_FIELDS), value=HOSTILE)
def test_any_value_in_any_group_field(in_process, field, value):
    header = {"Title": "G", "Purpose": "A purpose.", "Status": "active", field: value}
    text = "\n".join(f"{k}: {v}" for k, v in header.items()) + "\n\nBody.\n"
    _accepted_or_named(in_process("working-groups/g.md", text), "working-groups/g.md",
                       field.lower(), value)


@FEW
@given(field=st.sampled_from(EVENT_FIELDS), value=HOSTILE)
def test_any_value_in_any_event_field(in_process, field, value):
    data = {"title": "E", "start": "2027-03-04 18:00", "timezone": "Europe/London"}
    data[field] = value
    text = "".join(f"{k}: {json.dumps(v)}\n" for k, v in data.items())
    problems = in_process("events/e.yaml", text)
    _accepted_or_named(problems, "events/e.yaml", field, value)
