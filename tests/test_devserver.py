"""The live preview's long-lived build: after any sequence of saves, the output folder it keeps
is byte for byte what a cold build of the same sources writes (the search index aside: Pagefind
writes it apart, after the pages)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, FixtureSite, run_publishing, tree_digest
from devserver_support import Devserver, fetch
from workflow_support import env_for, free_port, project_copy

NEW_POST = """\
Title: Written during the preview
Date: 2026-10-02 09:30
Category: Commons
Tags: commons, preview tags
Authors: Ada Lovelace
Summary: A post added while the devserver runs.
Slug: written-during-the-preview

A new post, added while the preview was open.
"""

NEW_EVENT = """\
title: Preview picnic
start: 2026-12-20 12:00
end: 2026-12-20 15:00
timezone: Europe/Berlin
location:
  name: Tempelhofer Feld
  address: Berlin, Germany
summary: An event added while the devserver runs.
tags: [commons]
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def site_files(output: Path) -> dict[str, str]:
    return {name: digest for name, digest in tree_digest(output).items()
            if not name.startswith("pagefind")}


def assert_same_as_cold(project: Path, tmp_path: Path, step: str) -> None:
    cold = tmp_path / f"cold-{step}"
    # The environment the devserver runs in (Devserver uses env_for too).
    result = run_publishing("build", output=cold, cwd=project, env=env_for(project),
                            overrides={"CACHE_PATH": str(tmp_path / f"cold-cache-{step}")})
    assert result.ok, result.stderr
    served, expected = site_files(project / "output"), site_files(cold)
    differ = sorted(name for name in set(served) | set(expected)
                    if served.get(name) != expected.get(name))
    assert not differ, f"after {step}, the devserver's output differs from a cold build: {differ[:20]}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_copy(tmp_path / "project")


def _indexed(output: Path) -> int | None:
    """How many pages the search index in ``output`` holds, all its parts together (None while
    there is none)."""
    bundle = output / "pagefind"
    try:
        parts = json.loads((bundle / "parts.json").read_text(encoding="utf-8"))
        entries = [json.loads((bundle / part / "pagefind-entry.json").read_text(encoding="utf-8"))
                   for part in ["", *parts]]
    except (OSError, ValueError):
        return None
    return sum(language["page_count"] for entry in entries
               for language in entry["languages"].values())


def test_output_after_a_sequence_of_saves_is_byte_identical_to_a_cold_build(project, tmp_path):
    server = Devserver(project, tmp_path / "devserver.err")
    content = project / "content"
    try:
        server.settle()
        post = content / "posts/2024/choosing-a-legal-form.md"
        page = project / "output/blog/2024/03/choosing-a-legal-form/index.html"
        url = f"{server.url}/blog/2024/03/choosing-a-legal-form/"
        edit(post, "\n\n", "\n\nA paragraph written in the preview.\n\n")
        server.settle()
        served = fetch(url)
        assert served and "A paragraph written in the preview." in served
        assert "/__devserver/livereload.js" in served, "pages served get the live-reload script"
        assert "__devserver" not in page.read_text(encoding="utf-8"), "never the files in output/"

        edit(post, "Title: ", "Title: Retitled: ")
        server.settle()
        edit(content / "posts/2020/commons-and-co-ops.md", "Date: 2020-", "Date: 2021-")
        server.settle()

        (content / "posts/2026/written-during-the-preview.md").write_text(NEW_POST, encoding="utf-8")
        server.settle()
        (content / "posts/2022/qa-how-do-co-ops-make-decisions.md").unlink()
        server.settle()
        edit(content / "posts/2026/towards-a-co-op-ontology-v1.md", "Status: draft\n", "")
        server.settle()
        # A content error: reported as path:line: field, the last good pages stay served.
        edit(content / "posts/2026/written-during-the-preview.md", "Category: Commons",
             "Category: Gardening")
        server.settle()
        assert "written-during-the-preview.md:3: field 'category'" in server.log()
        kept = project / "output/blog/2026/10/written-during-the-preview/index.html"
        assert "Gardening" not in kept.read_text(encoding="utf-8"), "last good page kept"
        edit(content / "posts/2026/written-during-the-preview.md", "Category: Gardening",
             "Category: Commons")
        server.settle()
        assert_same_as_cold(project, tmp_path, "post edits, new, deleted and published posts")

        edit(content / "events/governance-workshop-nyc.yaml", "start: 2026-12-10 18:00",
             "start: 2026-12-10 17:15")
        server.settle()
        edit(content / "events/governance-workshop-nyc.yaml", "timezone: America/New_York",
             "timezone: America/Chicago")
        server.settle()
        (content / "events/preview-picnic.yaml").write_text(NEW_EVENT, encoding="utf-8")
        server.settle()
        (content / "events/manchester-meetup-2020.yaml").unlink()
        server.settle()
        edit(content / "working-groups/ontology.md", "Status: forming", "Status: active")
        server.settle()

        edit(project / "theme/templates/article.html", "</article>",
             "<p>Template edited in the preview.</p></article>")
        server.settle()
        assert "Template edited in the preview." in fetch(url)
        with open(project / "theme/static/css/site.css", "a", encoding="utf-8") as css:
            css.write("\n.preview-edit { color: rebeccapurple; }\n")
        server.settle()
        # A template error while a post is edited: reported with the template's line, the
        # last good pages stay; once fixed, the post's page shows the edit.
        template = project / "theme/templates/article.html"
        good = template.read_text(encoding="utf-8")
        template.write_text(good.replace("</article>", "{{ article.nothing.deeper }}</article>"),
                            encoding="utf-8")
        server.settle()
        assert "theme/templates/article.html:" in server.log()
        edit(post, "A paragraph written in the preview.", "A paragraph rewritten in the preview.")
        server.settle()
        template.write_text(good, encoding="utf-8")
        server.settle()
        assert "A paragraph rewritten in the preview." in fetch(url)
        # A settings change: a new builder process reads them.
        # The search index in parts of 12 pages, as a large site's would be.
        settings = project / "pelicanconf.py"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            'SITESUBTITLE = "', 'SITESUBTITLE = "Previewed: ').replace(
            "SEARCH_INDEX_PART_PAGES = 400", "SEARCH_INDEX_PART_PAGES = 12"), encoding="utf-8")
        server.settle()
        assert "restarting the builder" in server.log()
        assert_same_as_cold(project, tmp_path, "events, groups, template, stylesheet, settings")
        # The search index follows the pages, in the background, in parts: every post, event
        # and group page is in it, and it is the index make html gives the same pages.
        marked = sum(b"data-pagefind-body" in page.read_bytes()
                     for page in (project / "output").rglob("*.html")
                     if "pagefind" not in page.parts)
        assert marked > 30
        server.wait_for(lambda: _indexed(project / "output") == marked, "search index")
        cold = tmp_path / "cold-events, groups, template, stylesheet, settings"
        indexed = run_publishing("index", output=cold, cwd=project, env=env_for(project),
                                 overrides={"CACHE_PATH": str(tmp_path / "cold-index-cache")})
        assert indexed.returncode == 0, indexed.stderr
        served = tree_digest(project / "output" / "pagefind")
        assert len([name for name in served if name.endswith("pagefind-entry.json")]) > 2
        assert served == tree_digest(cold / "pagefind")

        assert server.interrupt() == 0
        assert not server.group_alive(), "Ctrl-C stops every process the devserver started"
        with socket.socket() as probe:  # the port is free for the next server
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", server.port))
    finally:
        server.kill()



def test_settings_or_a_plugin_that_cannot_load_leave_the_preview_running(tmp_path):
    """A syntax error in the settings or a plugin is one line naming the file and line; the
    server keeps the last good build, and the next save to either starts the build again."""
    project = project_copy(tmp_path / "project", real_content=False)
    server = Devserver(project, tmp_path / "devserver.err")
    try:
        server.settle()
        for broken in (project / "plugins/events/model.py", project / "pelicanconf.py"):
            good = broken.read_text(encoding="utf-8")
            line = good.count("\n") + 1
            broken.write_text(good + "x = (\n", encoding="utf-8")
            where = f"{broken.relative_to(project).as_posix()}:{line}: SyntaxError"
            server.wait_for(lambda: where in server.log(), "the error's file and line")
            assert "Traceback" not in server.log()
            assert fetch(server.url + "/") is not None, "the server still answers"
            started = server.log().count("Building the site")
            broken.write_text(good, encoding="utf-8")
            server.wait_for(lambda: server.log().count("Building the site") > started,
                            "a new builder after the fix")
            server.seen = server.finished() - 1
            server.settle()
        assert server.proc.poll() is None
    finally:
        server.kill()


def test_a_port_in_use_gets_a_clear_message(tmp_path):
    project = project_copy(tmp_path / "project", real_content=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "publishing", "serve", "--autoreload",
                               "--port", str(port), "-s", "pelicanconf.py"], cwd=project,
                              env=env_for(project), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in proc.stderr
    assert f"make devserver PORT={port + 1}" in proc.stderr


STOPPED_REBUILD = """\
import sys
from pathlib import Path
from pelican.settings import read_settings
from publishing.preview import CHECKPOINTS, Preview, Superseded

settings = read_settings("pelicanconf.py")
asked = []
def superseded():
    asked.append(1)
    return sys.argv[1] == "stop" and len(asked) == int(sys.argv[2])
preview = Preview(settings, superseded=superseded)
try:
    preview.build()
except Superseded:
    print("stopped at", len(asked))
else:
    print("built, checkpoints asked:", len(asked))
"""


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_a_rebuild_stopped_for_a_newer_save_leaves_the_served_site_as_it_was(project, tmp_path,
                                                                            stage):
    # A save during a rebuild stops it at its next checkpoint; nothing it had begun reaches
    # the output folder, and the next rebuild serves what a cold build writes.
    script = tmp_path / "stopped.py"
    script.write_text(STOPPED_REBUILD, encoding="utf-8")
    env = env_for(project)

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, str(script), *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "built, checkpoints asked: 3" in run("build")
    before = site_files(project / "output")
    edit(project / "content/posts/2024/choosing-a-legal-form.md", "\n\n",
         "\n\nA paragraph the stopped rebuild must not show.\n\n")
    assert f"stopped at {stage}" in run("stop", str(stage))
    assert site_files(project / "output") == before
    mirror = project / "cache" / "devserver"
    assert [p.name for p in mirror.iterdir() if p.name.startswith(".site")] == []
    assert "built" in run("build")
    assert "A paragraph the stopped rebuild must not show." in (
        project / "output/blog/2024/03/choosing-a-legal-form/index.html").read_text(encoding="utf-8")
    assert_same_as_cold(project, tmp_path, f"after-stop-{stage}")


REBUILDS = """\
import gc
from pathlib import Path
from pelican.contents import Article
from pelican.settings import read_settings
from publishing.preview import Preview

preview = Preview(read_settings("pelicanconf.py"))
post = Path("content/posts/2024/choosing-a-legal-form.md")
for number in range(4):
    post.write_text(post.read_text(encoding="utf-8") + f"\\nEdit {number}.\\n", encoding="utf-8")
    preview.build()
    gc.collect()
    print(sum(isinstance(o, Article) for o in gc.get_objects()))
"""


def _script(project: Path, script: Path, text: str) -> str:
    """What the Python program ``text`` prints, run in ``project`` as the devserver runs."""
    script.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=project, env=env_for(project),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_preview_keeps_two_builds_in_memory_however_many_it_makes(project, tmp_path):
    # The long-lived build holds the last good build (for a theme edit and a quick render)
    # and the one it makes; nothing of the builds before may stay alive (every fork of the
    # page workers would copy it, and the process would grow with each save).
    alive = [int(line) for line in _script(project, tmp_path / "rebuilds.py", REBUILDS).split()]
    posts = len(list((project / "content" / "posts").rglob("*.md")))
    assert len(alive) == 4 and alive[0] >= posts - 5
    assert max(alive) <= 2 * alive[0], alive  # without the memo emptied: 1, 2, 3, 4 builds


FOLDERS = """\
from pathlib import Path
from pelican.settings import read_settings
from publishing.preview import Preview

preview = Preview(read_settings("pelicanconf.py"))
folders = Path("cache/devserver/.site-folders")
post = Path("content/posts/2024/choosing-a-legal-form.md")

def edit(number):
    post.write_text(post.read_text(encoding="utf-8") + f"\\nEdit {number}.\\n", encoding="utf-8")
    preview.build()

def count(kind):
    return sum(1 for path in folders.rglob("*") if getattr(path, kind)())

preview.build()
print("first build leaves folders:", folders.exists())
edit(1)
print("folders", count("is_dir") > 0, "files", count("is_file"))
(folders / "blog" / "stray").mkdir(parents=True, exist_ok=True)
(folders / "blog" / "stray" / "index.html").write_text("from a build stopped halfway")
edit(2)
print("stray published:", Path("output/blog/stray/index.html").exists())
edit(3)
preview.build(theme_only=True)
print("files", count("is_file"))
"""


def test_the_preview_reuses_its_staging_folders_but_never_a_file_left_in_them(project, tmp_path):
    # Each rebuild of the long-lived preview stages its pages in folders kept from the one
    # before (one per page: making and removing thousands in every rebuild costs time on some
    # file systems); a file found among them is not trusted, and the output stays what a cold
    # build writes.
    printed = _script(project, tmp_path / "folders.py", FOLDERS)
    assert printed.splitlines() == ["first build leaves folders: False", "folders True files 0",
                                    "stray published: False", "files 0"], printed
    assert_same_as_cold(project, tmp_path, "staging folders reused")


def test_a_quick_render_sees_the_edited_post_in_every_list_of_the_site():
    """The page rendered at once is given the site's context with the edited post in place
    of the old one, in the speed layer's post lists and Pelican's defaultdicts too."""
    from collections import defaultdict  # noqa: PLC0415

    from fastbuild.listings import Members  # noqa: PLC0415
    from publishing.preview import _replaced  # noqa: PLC0415

    old, new, other = object(), object(), object()
    tags = defaultdict(list)
    tags["commons"] = Members([other, old])
    context = {"tags": tags, "categories": [("Commons", Members([old]))],
               "articles": [old, other], "dates": (other, old), "untouched": [other]}
    replaced = _replaced(context, old, new)
    assert replaced["tags"]["commons"] == [other, new]
    assert replaced["categories"] == [("Commons", [new])]
    assert replaced["articles"] == [new, other] and replaced["dates"] == (other, new)
    assert replaced["untouched"] is context["untouched"] and context["articles"] == [old, other]



def _get(url: str, server: subprocess.Popen, limit: float = 60):
    """The response at ``url`` once the server answers."""
    deadline = time.monotonic() + limit
    while True:
        try:
            return urllib.request.urlopen(url, timeout=10)
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.1)


def test_serve_shows_the_last_build_as_it_is_with_each_files_charset(tmp_path):
    """``make serve`` serves output/ as the last build left it (a public build stays public), and
    gives calendars and feeds their charset, as a web host does: a client reading a calendar
    without one may take its UTF-8 for Latin-1."""
    site = FixtureSite(tmp_path)
    site.post("a-post", title="Café à côté")
    site.file("events/meet.yaml", "title: Ünïcødé meet-up\nstart: 2027-03-04 18:00\n"
              "timezone: Europe/London\n")
    assert site.build(overrides={"SITEURL": "https://example.test"}).ok
    refused = run_publishing("serve", output=tmp_path / "nothing-built",
                             overrides={"PATH": str(site.content)})
    assert refused.returncode == 1 and "make html" in refused.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "publishing", "serve", "--port", str(port), "-s", "pelicanconf.py",
         "-o", str(site.output), "-e", f"PATH={json.dumps(str(site.content))}"],
        cwd=ROOT, env=env_for(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with _get(f"http://127.0.0.1:{port}/", server) as response:
            assert 'href="https://example.test/' in response.read().decode("utf-8")
        for path, kind, text in (("/events/meet.ics", "text/calendar", "Ünïcødé"),
                                 ("/feeds/all.atom.xml", "application/xml", "Café à côté")):
            with _get(f"http://127.0.0.1:{port}{path}", server) as response:
                assert response.headers.get_content_type() == kind
                charset = response.headers.get_content_charset()
                assert charset == "utf-8" and text in response.read().decode(charset), path
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_editors_passing_files_are_not_reported_as_changed(tmp_path):
    # What watchfiles reports for one save, as vim and gedit make it: the saved file, and a
    # file the editor created and removed again within the save.
    from watchfiles import Change

    from publishing.devserver import saved

    post, gone = tmp_path / "post.md", tmp_path / "old.md"
    post.write_text("saved", encoding="utf-8")
    vim = {(Change.added, str(tmp_path / "4913")), (Change.deleted, str(tmp_path / "4913")),
           (Change.added, str(post)), (Change.deleted, str(post))}
    assert {path for _, path in saved(vim)} == {str(post)}
    gedit = {(Change.added, str(tmp_path / ".goutputstream-QX81")),
             (Change.deleted, str(tmp_path / ".goutputstream-QX81")), (Change.added, str(post))}
    assert saved(gedit) == {(Change.added, str(post))}
    assert saved({(Change.deleted, str(gone))}) == {(Change.deleted, str(gone))}, "a deletion"
    assert saved({(Change.added, str(tmp_path / "4913")),
                  (Change.deleted, str(tmp_path / "4913"))}) == set(), "nothing to rebuild"


def test_a_page_that_is_gone_is_the_sites_own_404_page_and_still_follows_saves(tmp_path):
    # The tab open on a post that was just deleted (or whose address moved) reloads at the
    # address that is gone: it gets the site's 404 page, as the public host gives it, with the
    # live-reload script, so that it comes back when the post does.
    project = project_copy(tmp_path / "project", real_content=False)
    post = project / "content/posts/hello.md"
    server = Devserver(project, tmp_path / "devserver.err")
    url = f"{server.url}/blog/2020/05/hello/"
    try:
        server.settle()
        text = post.read_text(encoding="utf-8")
        post.unlink()
        server.settle()
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(url, timeout=10)
        assert gone.value.code == 404
        body = gone.value.read().decode("utf-8")
        assert "<h1>Page not found</h1>" in body
        assert "/__devserver/livereload.js" in body, "the tab keeps following the saves"
        post.write_text(text, encoding="utf-8")
        server.settle()
        assert "Some text." in fetch(url)
    finally:
        server.kill()


def test_emacs_auto_save_files_are_not_followed(tmp_path):
    from watchfiles import Change

    from publishing.devserver import editors_files_apart

    follows = editors_files_apart()
    assert not follows(Change.added, str(tmp_path / "#written-during-the-preview.md#"))
    assert not follows(Change.added, str(tmp_path / ".#written-during-the-preview.md"))
    assert follows(Change.modified, str(tmp_path / "written-during-the-preview.md"))
    assert follows(Change.modified, str(tmp_path / "c#-and-co-ops.md"))


def test_a_checkout_of_many_files_is_named_on_one_short_line():
    from publishing.devserver import listed

    pages = [f"blog/2026/{n:02d}/post/index.html" for n in range(40)]
    assert listed(pages) == ("blog/2026/00/post/index.html, blog/2026/01/post/index.html, "
                             "blog/2026/02/post/index.html (and 37 more)")
    assert listed(["b.md", "a.md", "a.md"], 1) == "a.md (and 1 more)"
    assert listed(["blog/x/index.html"]) == "blog/x/index.html"
