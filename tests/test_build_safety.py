"""Bad input stops the build with a precise message and leaves the previous output untouched."""

from __future__ import annotations

import json
import os
import time

import pytest
from pelican.settings import read_settings

from conftest import ROOT, page_at, run_publishing, soup, tree_digest


def test_unknown_category_fails_and_keeps_previous_output(site):
    site.post("good-post")
    assert site.build().ok
    before = tree_digest(site.output)

    bad = site.post("bad-post", category="Foo")
    result = site.build()

    assert result.returncode == 1
    line = [ln for ln in result.stderr.splitlines() if "bad-post.md" in ln]
    assert line, result.stderr
    assert line[0].endswith(
        "bad-post.md:3: field 'category': unknown category 'Foo' (expected one of: Open, "
        "Co-operative, Commons, Inspiring Projects, Legal Structures, Software, Audio, Video)")
    assert str(bad.parent.name) in line[0]
    assert tree_digest(site.output) == before
    # no staging folders left behind
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output")] == []


def test_every_problem_is_listed_not_only_the_first(site):
    site.post("one", category="Nope")
    site.post("two", summary="", extra="Image: {static}/images/missing.png")
    result = site.build()
    assert result.returncode == 1
    err = result.stderr
    assert "one.md:3: field 'category': unknown category 'Nope'" in err
    assert "two.md:6: field 'summary': is empty" in err
    assert "two.md:8: field 'image': '{static}/images/missing.png' points at a file that does not exist" in err
    assert "two.md:8: field 'image_alt': missing" in err
    assert not site.output.exists(), "a failed first build writes nothing"


def test_a_post_pelican_skips_for_want_of_a_date_gets_every_missing_field_named(site):
    site.post("fine")
    site.file("posts/bare.md", "Title: Only a title\n\nSome text.\n")
    result = site.build()
    assert result.returncode == 1
    named = sorted(line.split(": field ")[1].split("'")[1] for line in result.stderr.splitlines()
                   if "bare.md: field " in line)
    assert named == ["authors", "category", "date", "summary"], result.stderr
    assert "add a 'Date:' line to the header" in result.stderr
    assert "could not find information" not in result.stderr  # Pelican's words, replaced
    assert not site.output.exists()


def test_two_spellings_of_one_tag_address_are_named(site):
    # Pelican makes one tag of every name with the same slug, shown under one of them on every
    # page: a capital letter in one post would rename the tag everywhere.
    site.post("cpp", tags="C++, commons")
    site.post("c", tags="C, Commons")
    result = site.build()
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "share the address" in line]
    assert len(lines) == 4, result.stderr
    assert any("cpp.md" in line and "tag 'C++' and 'C' (posts/c.md) share the address tag/c/"
               in line for line in lines), lines
    assert any("c.md" in line and "tag 'C' and 'C++' (posts/cpp.md)" in line for line in lines)
    assert any("c.md" in line and "tag 'Commons' and 'commons' (posts/cpp.md) share the address "
               "tag/commons/" in line for line in lines), lines


def test_two_authors_joined_by_and_are_named_as_one_author(site):
    # Pelican separates authors only by commas: "A and B" is a third author, with a page of its
    # own. Refused where each part writes elsewhere; a firm's name with "and" stays one author.
    site.post("ada", authors="Ada Lovelace")
    site.post("grace", authors="Grace Hopper")
    site.post("together", authors="Ada Lovelace and Grace Hopper")
    site.post("firm", authors="Marks and Spencer")
    result = site.build()
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "one author of that name" in line]
    assert len(lines) == 1, result.stderr
    assert "together.md:5: field 'authors': 'Ada Lovelace and Grace Hopper' is one author" in \
        lines[0], lines
    assert "expected 'Authors: Ada Lovelace, Grace Hopper'" in lines[0]
    site.post("together", authors="Ada Lovelace, Grace Hopper")
    assert site.build().ok


def test_unparseable_date_is_a_content_error(site):
    site.post("when", date="2020-13-45 10:00")
    result = site.build()
    assert result.returncode == 1
    assert "when.md" in result.stderr


def test_duplicate_slug_and_broken_internal_link(site):
    site.post("same", title="First")
    site.file("posts/other.md", (site.content / "posts" / "same.md").read_text()
              .replace("Title: First", "Title: Second"))
    site.post("linker", body="See [this]({filename}/posts/nowhere.md).")
    result = site.build()
    assert result.returncode == 1
    assert "field 'slug': duplicate post slug 'same'" in result.stderr
    assert "linker.md:9: field 'link': {filename}/posts/nowhere.md points at a file that does not exist" in result.stderr


def test_two_pages_with_one_slug_each_name_the_other(site):
    site.page("about-us", "About us")
    site.file("pages/about-us-again.md", "Title: About us again\nSlug: about-us\n\nPage text.\n")
    result = site.build()
    assert result.returncode == 1
    assert ("about-us.md:2: field 'slug': duplicate page slug 'about-us' (also used by "
            "pages/about-us-again.md; expected a unique slug)") in result.stderr
    assert ("about-us-again.md:2: field 'slug': duplicate page slug 'about-us' (also used by "
            "pages/about-us.md;") in result.stderr


def test_check_reports_without_writing(site):
    site.post("fine")
    ok = site.check()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    site.post("wrong", category="Misc")
    result = site.check()
    assert result.returncode == 1
    assert "wrong.md:3: field 'category': unknown category 'Misc'" in result.stdout
    assert not site.output.exists()


def test_titles_and_fields_are_escaped(site):
    title = 'Tools <script>alert("x")</script> & "friends"'
    site.post("escape-me", title=title, tags="a&b, <b>bold</b>", authors="Jo <Jo> & Co",
              body="Body text.")
    result = site.build()
    assert result.ok, result.stderr
    post = next(site.output.glob("blog/2020/05/escape-me/index.html"))
    raw = post.read_text(encoding="utf-8")
    assert "<script>alert" not in raw
    doc = soup(post)
    assert doc.h1.get_text() == title
    assert doc.title.get_text().startswith(title)
    # JSON-LD data blocks carry the title as data (never executed); no other script may.
    scripts = doc.find_all("script")
    assert not [s for s in scripts if "alert" in s.get_text() and s.get("type") != "application/ld+json"]
    blocks = [json.loads(s.get_text()) for s in scripts if s.get("type") == "application/ld+json"]
    assert [b["headline"] for b in blocks if b["@type"] == "BlogPosting"] == [title]
    tags = [a.get_text() for a in doc.select(".post-footer .tag-list a")]
    assert "<b>bold</b>" in tags and "a&b" in tags
    listing = page_at(site.output, "/blog/")
    assert "<script>alert" not in listing.read_text(encoding="utf-8")


def test_real_content_passes_check():
    result = run_publishing("check")
    assert result.returncode == 0, result.stdout + result.stderr


JOB_PROBE = """\
import os, time
from pelican import signals
from pelican.generators import Generator
from fastbuild.output import beside_pages


class ProbeGenerator(Generator):
    def generate_output(self, writer):
        mode = os.environ["PROBE_MODE"]
        if mode == "job fails":
            def job():
                raise RuntimeError("the probe job failed")
            beside_pages(writer, job)
        else:  # a slow job is running when the build fails
            def job():
                time.sleep(2)
                with open(os.environ["PROBE_MARKER"], "w") as fh:
                    fh.write("the job outlived its build")
            beside_pages(writer, job)
            if mode == "interrupted":
                raise KeyboardInterrupt  # Ctrl-C while the pages are being written
            raise RuntimeError("the probe generator failed")


def probe_generator(pelican):
    return ProbeGenerator


def register():
    signals.get_generators.connect(probe_generator)
"""


def _probe_overrides(tmp_path) -> dict:
    """The site's own plugins plus the probe, rendering in parallel even on a small site."""
    probe = tmp_path / "probe_plugins" / "job_probe"
    probe.mkdir(parents=True)
    (probe / "__init__.py").write_text(JOB_PROBE)
    plugins = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    return {"PLUGIN_PATHS": [str(ROOT / "plugins"), str(probe.parent)],
            "PLUGINS": list(plugins) + ["job_probe"], "FASTBUILD_WORKERS": 2,
            "FASTBUILD_MIN_PAGES": 1}


def test_a_failing_output_job_fails_the_build_and_keeps_the_previous_output(site, tmp_path):
    site.post("kept-post")
    assert site.build().ok
    before = tree_digest(site.output)
    result = site.build(overrides=_probe_overrides(tmp_path), env={"PROBE_MODE": "job fails"})
    assert result.returncode != 0
    assert "the probe job failed" in result.stderr
    assert tree_digest(site.output) == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output")] == []


@pytest.mark.parametrize("mode", ["build fails", "interrupted"])
def test_a_build_that_fails_or_is_stopped_stops_the_jobs_it_started(site, tmp_path, mode):
    site.post("kept-post")
    assert site.build().ok
    before = tree_digest(site.output)
    marker = tmp_path / "marker.txt"
    result = site.build(overrides=_probe_overrides(tmp_path),
                        env={"PROBE_MODE": mode, "PROBE_MARKER": str(marker)})
    if mode == "interrupted":  # Ctrl-C: one line, not a traceback
        assert result.returncode == 130
        assert result.stderr.strip() == ("build: stopped before it finished; run it again to "
                                         "bring output/ up to date."), result.stderr
    else:
        assert result.returncode != 0 and "the probe generator failed" in result.stderr
    time.sleep(3)  # longer than the job would have taken
    assert not marker.exists()
    assert tree_digest(site.output) == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output")] == []


def test_a_plugin_that_cannot_load_stops_the_build(site):
    site.post("good-post")
    assert site.build().ok
    before = tree_digest(site.output)
    plugins = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    result = site.build(overrides={"PLUGINS": [*plugins, "no_such_plugin"]})
    assert result.returncode != 0
    assert "no_such_plugin could not be loaded" in result.stderr, result.stderr
    assert "Site built" not in result.stderr
    assert tree_digest(site.output) == before


def test_a_warm_build_scans_an_edited_file_again_even_with_its_old_size_and_time(site):
    # The checks keep each file's findings by its bytes: an edit that keeps the file's size
    # and modification time (cp -p, rsync -t) must still be checked.
    post = site.post("kept", body="Plain words here.")
    assert site.build().ok
    assert list((site.root / "cache").rglob("content-checks-scans.pickle"))
    stat = post.stat()
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Plain words here.", "![](/a.png) here."), encoding="utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert post.stat().st_size == stat.st_size
    result = site.build()
    assert result.returncode == 1
    assert "kept.md" in result.stderr and "field 'alt': image '/a.png' has no alt text" in result.stderr
    post.write_text(text, encoding="utf-8")
    assert site.build().ok


def test_the_kept_findings_forget_a_deleted_file(site):
    import pickle

    site.post("stays")
    gone = site.post("goes-away")
    assert site.build().ok
    gone.unlink()
    assert site.build().ok
    (kept,) = (site.root / "cache").rglob("content-checks-scans.pickle")
    _version, entries = pickle.loads(kept.read_bytes())
    paths = {path for path, _settings in entries}
    assert any(path.endswith("stays.md") for path in paths)
    assert not any(path.endswith("goes-away.md") for path in paths)


def test_a_warm_build_reads_an_edited_event_again_and_reports_its_problems_every_time(site):
    # Events are kept as read by their bytes: an edit keeping size and time is read again, and a
    # problem kept with the event stops every build until the file is mended.
    site.post("a-post")
    event = site.file("events/meetup.yaml", """\
        title: Spring meetup
        start: 2026-04-01 18:00
        timezone: Europe/London
        """)
    assert site.build().ok
    assert list((site.root / "cache").rglob("events-read.pickle"))
    stat = event.stat()
    event.write_text(event.read_text(encoding="utf-8").replace("Spring", "Summer"),
                     encoding="utf-8")
    os.utime(event, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert site.build().ok
    page = (site.output / "events" / "meetup" / "index.html").read_text(encoding="utf-8")
    assert "Summer meetup" in page and "Spring meetup" not in page
    event.write_text(event.read_text(encoding="utf-8").replace("Europe/London", "Europe/Lundon"),
                     encoding="utf-8")
    for _ in range(2):
        result = site.build()
        assert result.returncode == 1, result.stderr
        assert "meetup.yaml:3" in result.stderr and "timezone" in result.stderr, result.stderr


def test_a_content_cache_file_that_cannot_be_read_is_read_afresh_with_a_warning(site):
    # Pelican saves its content cache in place: a build stopped while saving it (or one whose
    # settings could not all be pickled) leaves a file that ends early, and Pelican's loading
    # stops at such a file with "Ran out of input" in every build after it.
    site.post("first", title="First words")
    assert site.build().ok
    before = tree_digest(site.output)
    caches = [path for path in (site.root / "cache").rglob("ArticlesGenerator")]
    assert caches and all(path.stat().st_size > 0 for path in caches)
    for path in caches:
        path.write_bytes(b"")

    result = site.build(quiet=False)
    assert result.ok, result.stderr
    said = " ".join((result.stdout + result.stderr).split())  # the log wraps long lines
    assert "Could not read the content cache in" in said and "EOFError" in said
    assert tree_digest(site.output) == before
    assert all(path.stat().st_size > 0 for path in caches), "the cache is saved anew"

    again = site.build(quiet=False)
    assert again.ok and "content cache" not in " ".join((again.stdout + again.stderr).split())
    assert tree_digest(site.output) == before
