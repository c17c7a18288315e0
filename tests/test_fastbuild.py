"""The speed layer (plugins/fastbuild) on every contributor's machine: the same bytes without
os.fork and with spawned workers (macOS, Windows), warm builds equal to cold ones after every kind
of edit, and the plain ``pelican`` command (the private seams: tests/test_upstream_seams.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from pelican.settings import read_settings

from conftest import (EPOCH, ROOT, SEARCH_PARTS, FixtureSite, fragment_urls, html_files,
                      run_publishing, side_by_side, tree_digest)


def test_no_fork_anywhere_in_the_speed_layer():
    for path in (ROOT / "plugins").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "os.fork" not in text and 'get_context("fork")' not in text, path


WITHOUT_FORK = """\
import multiprocessing, os, sys
if hasattr(os, "fork"):
    del os.fork  # as on Windows
multiprocessing.set_start_method("spawn", force=True)  # as on macOS and Windows
from publishing.cli import main
sys.exit(main(sys.argv[1:]))
"""


NO_PROCESSES = """\
import concurrent.futures, sys

class NoProcesses(concurrent.futures.ProcessPoolExecutor):
    def __init__(self, *args, **kwargs):
        raise OSError("no processes here")  # as where semaphores or processes cannot be had

concurrent.futures.ProcessPoolExecutor = NoProcesses
from publishing.cli import main
sys.exit(main(sys.argv[1:]))
"""
SETTINGS = {"FASTBUILD_MIN_FILES": 1, "FASTBUILD_MIN_PAGES": 1, "FASTBUILD_WORKERS": 2}
AS_USUAL = """\
import sys
from publishing.cli import main
sys.exit(main(sys.argv[1:]))
"""
# Every worker process dies at its first file or batch of pages (killed for memory, say): the
# pools break while the build is under way.
WORKERS_DIE = """\
import os, sys
from fastbuild import markdown, pages

build_process = os.getpid()
render_chunk, play_batch = markdown.render_chunk, pages._play_batch

def chunk_in_a_worker_dies(*args):
    if os.getpid() != build_process:
        os._exit(9)
    return render_chunk(*args)

def batch_in_a_worker_dies(*args):
    if os.getpid() != build_process:
        os._exit(9)
    return play_batch(*args)

markdown.render_chunk = chunk_in_a_worker_dies
pages._play_batch = batch_in_a_worker_dies
from publishing.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def normal_build(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("normal")
    built = run_publishing("build", output=folder / "output",
                           overrides={**SETTINGS, "CACHE_PATH": str(folder / "cache")})
    assert built.ok, built.stderr
    return folder / "output"


def _words(text: str) -> str:
    """Log output as words (the log handler wraps long lines)."""
    return " ".join(text.split())


def _build_with(script: str, output: Path,
                settings: str = "pelicanconf.py") -> subprocess.CompletedProcess:
    args = [sys.executable, "-c", script, "build", "-s", settings, "-o", str(output), "-e"]
    args += [f"{key}={json.dumps(value)}" for key, value in
             {**SETTINGS, "CACHE_PATH": str(output.parent / "cache")}.items()]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("SITEURL", None)
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_build_without_fork_and_with_spawned_workers_is_byte_identical(normal_build, tmp_path):
    spawned = _build_with(WITHOUT_FORK, tmp_path / "spawned")
    assert spawned.returncode == 0, spawned.stderr
    assert "Could not use worker processes" not in _words(spawned.stdout + spawned.stderr)
    digest = tree_digest(tmp_path / "spawned")
    assert len(digest) > 100 and digest == tree_digest(normal_build)


def test_workers_that_cannot_start_leave_the_work_to_the_build_with_a_warning(normal_build,
                                                                            tmp_path):
    alone = _build_with(NO_PROCESSES, tmp_path / "alone")
    assert alone.returncode == 0, alone.stderr
    said = _words(alone.stdout + alone.stderr)  # Pelican logs to stdout
    assert said.count("Could not use worker processes") == 2
    assert "worker processes for Markdown" in said and "worker processes for pages" in said
    assert "problem" not in said
    assert tree_digest(tmp_path / "alone") == tree_digest(normal_build)


def test_workers_that_die_midway_leave_their_work_to_the_build_with_a_warning(normal_build,
                                                                           tmp_path):
    broken = _build_with(WORKERS_DIE, tmp_path / "broken")
    assert broken.returncode == 0, broken.stderr
    said = _words(broken.stdout + broken.stderr)
    assert "worker processes for Markdown" in said and "worker processes for pages" in said
    assert said.count("Could not use worker processes") == 2
    assert "problem" not in said
    assert tree_digest(tmp_path / "broken") == tree_digest(normal_build)


def test_a_lambda_in_the_settings_leaves_the_content_cache_working(normal_build, tmp_path):
    # A filter written as a lambda, as many Pelican sites have: Pelican pickles each post's tags
    # with the settings they were made with, so no post could be kept, and the cache file begun
    # stopped the next build ("Ran out of input").
    settings = tmp_path / "lambda_conf.py"
    settings.write_text(textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pelicanconf import *
        PATH, THEME = {str(ROOT / "content")!r}, {str(ROOT / "theme")!r}
        PLUGIN_PATHS = [{str(ROOT / "plugins")!r}]
        JINJA_FILTERS = {{**JINJA_FILTERS, "shout": lambda text: text.upper()}}
        """))
    output = tmp_path / "site" / "output"
    for build in ("cold", "warm"):
        built = _build_with(AS_USUAL, output, settings=str(settings))
        assert built.returncode == 0, f"{build}: {built.stdout + built.stderr}"
        said = _words(built.stdout + built.stderr)
        assert "cache" not in said and "pickle" not in said, f"{build}: {said}"
        (kept,) = (output.parent / "cache").glob("*/ArticlesGenerator")
        assert kept.stat().st_size > 10_000, f"{build}: the posts are kept"
        assert tree_digest(output) == tree_digest(normal_build), build


def test_settings_no_worker_can_be_sent_leave_markdown_to_the_build_with_a_warning(
        normal_build, tmp_path):
    # A lambda in MARKDOWN (a slugify for the table of contents) is a valid Pelican setting,
    # but cannot be pickled for a worker process: never a content error.
    settings = tmp_path / "lambda_conf.py"
    settings.write_text(textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pelicanconf import *
        from markdown.extensions.toc import slugify
        PATH, THEME = {str(ROOT / "content")!r}, {str(ROOT / "theme")!r}
        PLUGIN_PATHS = [{str(ROOT / "plugins")!r}]
        MARKDOWN = {{**MARKDOWN, "extension_configs": {{**MARKDOWN["extension_configs"],
            "markdown.extensions.toc": {{"permalink": False,
                                        "slugify": lambda text, separator: slugify(text, separator)}}}}}}
        """))
    built = _build_with(AS_USUAL, tmp_path / "output", settings=str(settings))
    assert built.returncode == 0, built.stdout + built.stderr
    said = _words(built.stdout + built.stderr)
    assert said.count("Could not use worker processes") == 1
    assert "worker processes for Markdown" in said and "Can't pickle" in said
    assert "problem" not in said
    assert tree_digest(tmp_path / "output") == tree_digest(normal_build)


def test_workers_collect_garbage_with_the_interpreters_own_thresholds():
    # The build raises its own process's thresholds; a worker's objects are short-lived and
    # must be freed as it goes, whatever this Python version's own thresholds are.
    script = (
        "import gc, sys\n"
        "fresh = gc.get_threshold()\n"
        "from publishing import cli, collector  # cli first, as python -m publishing does\n"
        "from fastbuild import pool\n"
        "collector.for_the_build()\n"
        "assert gc.get_threshold() != fresh\n"
        "executor = pool.start(1, 'test')\n"
        "print(fresh == tuple(executor.submit(gc.get_threshold).result()))\n"
        "executor.shutdown()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def _pelican(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("SITEURL", None)
    return subprocess.run([sys.executable, "-m", "pelican", "-s", "pelicanconf.py", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("pelican_class", ["publishing.PublishingPelican", "pelican.Pelican"])
def test_the_plain_pelican_command_builds_the_full_site(real_site, tmp_path, pelican_class):
    proc = _pelican("-o", str(tmp_path / "out"), "-e",
                    f"CACHE_PATH={json.dumps(str(tmp_path / 'cache'))}",
                    f"PELICAN_CLASS={json.dumps(pelican_class)}")
    assert proc.returncode == 0, proc.stderr
    built = {str(p.relative_to(tmp_path / "out")) for p in html_files(tmp_path / "out")}
    expected = {str(p.relative_to(real_site)) for p in html_files(real_site)}
    assert built == expected and len(built) > 50
    assert (tmp_path / "out" / "feeds" / "all.atom.xml").is_file()
    assert (tmp_path / "out" / "events" / "calendar.ics").is_file()


# A copy of the project (settings, theme, plugins) to edit: the real files are never touched.
def _project_copy(root: Path) -> Path:
    project = root / "project"
    project.mkdir()
    shutil.copy(ROOT / "pelicanconf.py", project)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "theme", project / "theme", ignore=ignore)
    shutil.copytree(ROOT / "plugins", project / "plugins", ignore=ignore)
    return project


def _replace(path: Path, old: str, new: str, keep_time: bool = False) -> None:
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if keep_time:  # cp -p, rsync -t, tar: the same size and time, other bytes
        assert os.stat(path).st_size == before.st_size
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_warm_builds_equal_cold_builds_after_every_kind_of_edit(tmp_path):
    project = _project_copy(tmp_path)
    site = FixtureSite(tmp_path / "site")
    # The first post is never edited: Pelican's cache keeps it whole, and its link must follow
    # the second post wherever that moves.
    site.post("first", body="The first post's body, linking to [the second]({filename}second.md).",
              tags="commons, governance")
    second = site.post("second", date="2020-06-02 09:00", body="The second post.",
                       tags="commons, mutual aid", category="Software", authors="Grace Hopper")
    site.page("about", "About", body="About the co-op.")
    group = site.file("working-groups/tools.md", """\
        Title: Tools
        Slug: tools
        Status: active
        Purpose: Shared tools for co-ops.

        The tools group.
        """)
    event = site.file("events/meetup.yaml", """\
        title: Autumn meetup
        start: 2026-12-01 18:00
        end: 2026-12-01 20:00
        timezone: Europe/London
        """)
    overrides = {"PATH": str(site.content)}
    settings: dict = {}
    epoch = {"SOURCE_DATE_EPOCH": EPOCH}

    def build_and_compare(step: str) -> None:
        cold_out = tmp_path / "cold"
        shutil.rmtree(cold_out, ignore_errors=True)
        shutil.rmtree(tmp_path / "cold-cache", ignore_errors=True)
        # Each reads the same sources into its own output and cache folder.
        warm, cold = side_by_side(
            lambda: run_publishing("build", output=site.output, cwd=project, env=dict(epoch),
                                   overrides={**overrides, **settings,
                                              "CACHE_PATH": str(tmp_path / "cache")}),
            lambda: run_publishing("build", output=cold_out, cwd=project, env=dict(epoch),
                                   overrides={**overrides, **settings,
                                              "CACHE_PATH": str(tmp_path / "cold-cache")}))
        assert warm.ok, (step, warm.stderr)
        assert cold.ok, (step, cold.stderr)
        assert tree_digest(site.output) == tree_digest(cold_out), step

    build_and_compare("first build")
    _replace(second, "The second post.", "The second post, edited.")
    _replace(second, "Title: Second", "Title: Second, retitled")
    build_and_compare("post body and title")
    _replace(second, "Slug: second", "Slug: second-moved")
    build_and_compare("the slug of a post an unchanged post links to")
    # Names alone: the lists of tags, categories and authors keep their shape, and the
    # listings show the post's summary (its header's), not its body.
    _replace(second, "mutual aid", "mutual credit")
    _replace(second, "Category: Software", "Category: Video")
    _replace(second, "Authors: Grace Hopper", "Authors: Grace Murray")
    build_and_compare("a tag, the category and the author of a post renamed")
    _replace(second, "2020-06-02 09:00", "2020-04-02 09:00")
    site.post("third", date="2021-01-01 10:00", body="A new post.", tags="governance")
    build_and_compare("post date and a new post")
    (site.content / "posts" / "third.md").unlink()
    _replace(event, "Autumn meetup", "Winter meetup")
    _replace(group, "Shared tools for co-ops.", "Shared tools for all co-ops.")
    build_and_compare("deleted post, event, group")
    _replace(project / "theme" / "templates" / "base.html", "</body>", "<!-- edited --></body>")
    _replace(project / "theme" / "static" / "css" / "site.css", "}", "} /* edited */")
    build_and_compare("template and stylesheet")
    settings["SITESUBTITLE"] = "An edited subtitle"
    _replace(project / "plugins" / "events" / "generator.py", "//Events//EN", "//Events//FR",
             keep_time=True)
    build_and_compare("setting and a plugin edit that keeps size and time")
    epoch["SOURCE_DATE_EPOCH"] = str(int(EPOCH) + 30 * 86400)  # the meetup is now past
    build_and_compare("time passing")


def test_an_unchanged_rebuild_keeps_the_search_index_byte_for_byte(site):
    site.post("searchable", body="A post about mutual credit.")
    digests = []
    for _ in range(2):  # make html twice: build, then index
        assert site.build().ok
        indexed = run_publishing("index", output=site.output,
                                 overrides={"CACHE_PATH": str(site.root / "cache")})
        assert indexed.returncode == 0, indexed.stderr
        digests.append(tree_digest(site.output / "pagefind"))
    assert len(digests[0]) > 5 and digests[0] == digests[1]
    assert any(name.endswith(".pf_filter") for name in digests[0])


def test_an_edited_post_indexes_again_only_its_part_of_the_search_index(site):
    for number in range(12):
        site.post(f"post-{number}", body=f"Post number {number} about shared ownership.")
    cache = site.root / "cache"
    overrides = {"CACHE_PATH": str(cache), "SEARCH_INDEX_PART_PAGES": 3}

    def make_html() -> dict[str, int]:
        """Build and index; {part: inode of its pagefind-entry.json} as the output holds them."""
        assert site.build().ok
        indexed = run_publishing("index", output=site.output, overrides=overrides)
        assert indexed.returncode == 0, indexed.stderr
        bundle = site.output / "pagefind"
        listed = json.loads((bundle / "parts.json").read_text(encoding="utf-8"))
        return {part: (bundle / part / "pagefind-entry.json").stat().st_ino
                for part in ["", *listed]}

    before = make_html()
    assert len(before) >= 4
    site.post("post-5", body="Post number 5, now about mutual credit.")
    after = make_html()
    page = next(site.output.rglob("post-5/index.html")).read_text(encoding="utf-8")
    assert "mutual credit" in page, "the rebuild left the edited post's old page"
    # The edited post's part is a new bundle; every other part is the same file as before.
    assert len(set(before.values()) - set(after.values())) == 1
    assert len(set(after.values()) - set(before.values())) == 1
    assert len(list((cache / "search-index").iterdir())) == len(after), "old parts forgotten"
    fragments = [gzip.decompress(f.read_bytes()) for f in site.output.rglob("*.pf_fragment")]
    assert sum(b"mutual credit" in fragment for fragment in fragments) == 1
    assert not any(b"Post number 5 about shared" in fragment for fragment in fragments)


def test_a_build_keeps_the_search_index_in_place_until_the_indexer_replaces_it(site):
    """OUTPUT_RETENTION names it: the search page works while a build runs, and the indexer
    re-links only what changed. Whatever else the build did not make goes."""
    for number in range(6):
        site.post(f"post-{number}", body=f"Post number {number} about shared ownership.")
    assert site.build().ok
    assert run_publishing("index", output=site.output,
                          overrides={"CACHE_PATH": str(site.root / "cache")}).returncode == 0
    bundle = site.output / "pagefind"

    def inodes() -> dict[str, int]:
        return {p.relative_to(bundle).as_posix(): p.stat().st_ino
                for p in bundle.rglob("*") if p.is_file()}

    index = inodes()
    assert "pagefind-entry.json" in index
    stray = site.output / "by-hand.txt"
    stray.write_text("not built", encoding="utf-8")
    site.post("post-2", body="Post number 2, now about mutual credit.")
    assert site.build().ok  # warm: the output brought up to date file by file
    assert inodes() == index and not stray.exists()
    assert "mutual credit" in next(site.output.rglob("post-2/index.html")).read_text()
    for outputs in (site.root / "cache").glob("*/outputs"):
        shutil.rmtree(outputs)
    stray.write_text("not built", encoding="utf-8")
    assert site.build().ok  # nothing to reuse: a new tree swapped in
    assert inodes() == index and not stray.exists()
    assert site.build(overrides={"OUTPUT_RETENTION": []}).ok
    assert not bundle.exists()


def test_pull_requests_build_and_test_on_macos_and_windows():
    import yaml  # noqa: PLC0415

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pr.yml").read_text())
    job = workflow["jobs"]["portable"]
    assert set(job["strategy"]["matrix"]["os"]) == {"macos-latest", "windows-latest"}
    commands = [step["run"] for step in job["steps"] if "run" in step]
    assert "python -m invoke html" in commands
    tests = next(c for c in commands if "pytest" in c).split()
    assert "tests/test_fastbuild.py" in tests
    assert all((ROOT / name).is_file() for name in tests if name.startswith("tests/"))
    sys.path.insert(0, str(ROOT))
    import tasks  # noqa: PLC0415  (the invoke task the job calls exists)

    assert callable(tasks.html)


# A filter that fails only in a worker process (this process renders slowly, so the workers take
# some pages), and an article template that applies it to a post's title.
WORKER_PROBE = """\
import os
import time

from pelican import signals

MAIN = os.getpid()


def shout(text):
    if os.getpid() == MAIN:
        time.sleep(0.05)
        return text
    raise ValueError("the probe cannot shout here")


def add_filter(generator):
    generator.env.filters["shout"] = shout


def register():
    signals.generator_init.connect(add_filter)
"""


def test_a_page_failing_in_a_worker_is_named_after_its_source_file(site, tmp_path):
    for number in range(24):
        site.post(f"post-{number:02d}")
    probe = tmp_path / "probe_plugins" / "worker_probe"
    probe.mkdir(parents=True)
    (probe / "__init__.py").write_text(WORKER_PROBE, encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text("<h1>{{ article.title | shout }}</h1>\n",
                                            encoding="utf-8")
    plugins = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    overrides = {**SETTINGS, "PLUGIN_PATHS": [str(ROOT / "plugins"), str(probe.parent)],
                 "PLUGINS": [*plugins, "worker_probe"],
                 "THEME_TEMPLATES_OVERRIDES": [str(templates)]}
    result = site.build(overrides=overrides)
    assert result.returncode == 1, result.stdout + result.stderr
    problems = [line for line in result.stderr.splitlines() if "while writing the site" in line]
    assert problems and all(
        line.endswith("the probe cannot shout here (while writing the site)") for line in problems)
    named = {line.split(":")[0] for line in problems}
    posts = {str(path) for path in (site.content / "posts").glob("post-*.md")}
    assert named and {os.path.abspath(name) for name in named} <= posts, problems
    assert "Traceback" not in result.stdout + result.stderr
    assert not site.output.exists()


@pytest.mark.parametrize("mistake, expected", [
    ("category", "wrong.md:3: field 'category': unknown category 'Misc'"),
    # Found before anything is read, where the staged build would raise ContentError.
    ("folder link", "posts/loop: is a symbolic link to the folder"),
])
def test_the_plain_pelican_class_stops_on_content_problems(site, tmp_path, mistake, expected):
    site.post("fine")
    if mistake == "category":
        site.post("wrong", category="Misc")
    else:
        (site.content / "posts" / "loop").symlink_to("..", target_is_directory=True)
    out = tmp_path / "out"
    proc = _pelican("-o", str(out), "-e", f"PATH={json.dumps(str(site.content))}",
                    f"CACHE_PATH={json.dumps(str(tmp_path / 'cache'))}",
                    'PELICAN_CLASS="pelican.Pelican"')
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert expected in proc.stderr
    assert "1 content problem found; nothing was written" in proc.stderr
    assert "make html" in proc.stderr and "Traceback" not in proc.stdout + proc.stderr
    assert not out.exists() or html_files(out) == []


def test_two_cold_builds_give_the_same_bytes_search_index_included(real_site, searchable_site,
                                                                   tmp_path):
    output = tmp_path / "output"
    overrides = {"CACHE_PATH": str(tmp_path / "cache")}
    built = run_publishing("build", output=output, overrides=overrides)
    assert built.ok, built.stderr
    assert tree_digest(output) == tree_digest(real_site), "the pages alone, before indexing"
    indexed = run_publishing("index", output=output, overrides={**overrides, **SEARCH_PARTS})
    assert indexed.ok, indexed.stderr
    again = tree_digest(output)
    assert any(name.startswith("pagefind/filter/") for name in again)
    assert any(name.startswith("pagefind/pagefind.") and name.endswith(".pf_meta") for name in again)
    assert again == tree_digest(searchable_site)


def test_the_index_holds_what_pagefind_makes_of_the_whole_pages(real_site, tmp_path):
    # The indexer has Pagefind read only the marked elements; Pagefind on its own reads each
    # whole page, filters and metadata outside the marked element included.
    from fastbuild import pagefindorder  # noqa: PLC0415
    from fastbuild.searchindex import _pagefind  # noqa: PLC0415

    site = tmp_path / "output"
    shutil.copytree(real_site, site)
    indexed = run_publishing("index", output=site, overrides={
        "CACHE_PATH": str(tmp_path / "cache"), "SEARCH_INDEX_PART_PAGES": 10 ** 9})
    assert indexed.ok, indexed.stderr
    (tmp_path / "plain").mkdir()  # no pagefind.json there: Pagefind's own defaults
    whole = tmp_path / "whole"
    subprocess.run([*_pagefind(), "--site", str(site), "--output-path", str(whole), "--quiet"],
                   cwd=tmp_path / "plain", check=True, capture_output=True, timeout=120)
    pagefindorder.canonicalise(whole)
    assert (site / "pagefind" / "parts.json").read_bytes() == b"[]", "one part"
    ours = tree_digest(site / "pagefind")
    ours.pop("parts.json")
    theirs = tree_digest(whole)
    assert len([name for name in ours if name.startswith("fragment/")]) > 40
    assert ours.keys() == theirs.keys() and ours == theirs, (
        "the index differs from Pagefind's reading of the whole pages: a data-pagefind-filter, "
        "-meta or -sort outside the data-pagefind-body element? The indexer reads only that "
        "element (plugins/fastbuild/searchindex.py); move it inside")


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="threads choose their CPUs only on Linux, and with two CPUs to choose")
def test_pagefinds_run_side_by_side_get_a_cpu_each_and_one_alone_keeps_them_all():
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    from fastbuild.searchindex import one_cpu_each  # noqa: PLC0415

    every = os.sched_getaffinity(0)
    assert one_cpu_each(1) is None
    barrier = threading.Barrier(2)

    def cpus_of_this_thread(_):
        barrier.wait(timeout=10)  # both threads started: each ran the initializer
        return frozenset(os.sched_getaffinity(0))

    with ThreadPoolExecutor(max_workers=2, initializer=one_cpu_each(2)) as runners:
        seen = set(runners.map(cpus_of_this_thread, range(2)))
    assert len(seen) == 2 and all(len(cpus) == 1 and cpus <= every for cpus in seen)
    assert os.sched_getaffinity(0) == every, "the calling thread keeps every CPU"


def test_a_site_with_no_marked_page_has_every_page_indexed(tmp_path):
    site = tmp_path / "output"
    for name, words in (("index.html", "Home of the network"), ("about/index.html", "About us")):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f'<!doctype html><html lang="en"><head><title>{words}</title>'
                                 f"</head><body><main><h1>{words}</h1></main></body></html>",
                                 encoding="utf-8")
    indexed = run_publishing("index", output=site,
                             overrides={"CACHE_PATH": str(tmp_path / "cache")})
    assert indexed.ok, indexed.stderr
    assert sorted(fragment_urls(site / "pagefind")) == ["/", "/about/"]


def test_registering_again_adds_no_second_handler():
    # The devserver and publishing.site.build() make a Pelican instance per build in one
    # process; each registers the plugins again.
    from pelican import signals

    import fastbuild

    names = ("initialized", "readers_init", "article_generator_preread", "page_generator_preread",
             "content_object_init", "get_writer", "all_generators_finalized", "finalized")
    fastbuild.register()
    before = {name: len(getattr(signals, name).receivers) for name in names}
    fastbuild.register()
    assert {name: len(getattr(signals, name).receivers) for name in names} == before


def test_caches_of_configurations_not_built_lately_are_deleted(tmp_path):
    from types import SimpleNamespace

    from fastbuild import fingerprint

    old = [tmp_path / f"{number:016x}" for number in range(6)]
    for age, folder in enumerate(old):
        (folder / "outputs").mkdir(parents=True)
        os.utime(folder, (1_000_000 - age * 1000,) * 2)  # old[0] used last
    search = tmp_path / "search-index"
    search.mkdir()
    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"CACHE_PATH": str(tmp_path), "PATH": str(tmp_path)})
    fingerprint.namespace_cache(SimpleNamespace(settings=settings))
    current = Path(settings["CACHE_PATH"])
    left = sorted(path.name for path in tmp_path.iterdir())
    assert current.parent == tmp_path and current.is_dir()
    # This configuration and the three used most recently before it; other folders stay.
    assert left == sorted([current.name, *(folder.name for folder in old[:3]), "search-index"])


def test_pelican_listings_answer_membership_as_lists_do():
    """Pelican's per-tag, category and author lists are replaced by ``Members``: ``in`` must
    keep a list's answers, after any change too, and for items that compare equal."""
    from fastbuild.listings import Members  # noqa: PLC0415

    class Post:
        pass

    class Equal:
        def __eq__(self, other):
            return isinstance(other, Equal)

        __hash__ = object.__hash__

    first, second, other = Post(), Post(), Post()
    posts = Members([first, second])
    assert first in posts and other not in posts
    assert [post for post in [other, second, first] if post in posts] == [second, first]
    posts.append(other)
    assert other in posts
    posts[0] = Post()
    assert first not in posts
    posts.remove(second)
    assert second not in posts
    assert Equal() in Members([Equal()]) and Equal() not in Members([first])
    assert Equal() in Members([first, Equal()]) and first in Members([Equal(), first])
    assert posts == list(posts) and isinstance(posts, list)


def test_a_renamed_tag_category_or_author_changes_the_page_keys():
    """A page listing a post's tags must be rendered again when one is renamed, whether or
    not anything has asked the tag for its URL yet (Pelican then copies name and slug into
    the object's public fields)."""
    from fastbuild.digest import ContextDigest  # noqa: PLC0415
    from pelican.urlwrappers import Author, Category, Tag  # noqa: PLC0415

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    for kind in (Tag, Category, Author):
        digest = ContextDigest()
        assert digest.of(kind("mutual aid", settings)) != digest.of(kind("mutual credit", settings))
        asked = kind("mutual aid", settings)
        assert asked.url  # fills the public fields
        assert digest.of(asked) == ContextDigest().of(kind("mutual aid", settings)), kind


def test_pelican_listings_unpickled_elsewhere_answer_from_their_own_items():
    import pickle  # noqa: PLC0415

    from fastbuild.listings import Members  # noqa: PLC0415

    posts = Members(["first", "second"])
    assert "first" in posts
    copy = pickle.loads(pickle.dumps(posts))
    assert type(copy) is Members and copy == posts and copy._ids is None
    assert copy[0] in copy and "third" not in copy


def test_the_search_index_takes_the_marked_pages_or_every_page_when_none_is(tmp_path):
    """Pagefind's own rule: only pages marked data-pagefind-body when any page is."""
    from fastbuild.searchindex import _indexed_pages  # noqa: PLC0415

    site = tmp_path / "site"
    (site / "blog").mkdir(parents=True)
    (site / "index.html").write_text("<main>Home</main>", encoding="utf-8")
    (site / "blog" / "a.html").write_text("<main>A</main>", encoding="utf-8")
    pages, marked = _indexed_pages(site)
    assert list(pages) == ["blog/a.html", "index.html"] and not marked
    (site / "blog" / "b.html").write_text("<main data-pagefind-body>B</main>", encoding="utf-8")
    pages, marked = _indexed_pages(site)
    assert list(pages) == ["blog/b.html"] and marked
    assert pages["blog/b.html"] == hashlib.sha256((site / "blog" / "b.html").read_bytes()).digest()
    # The index's own folder is never indexed; a folder of that name deeper down is a page's.
    for folder in (site / "pagefind", site / "blog" / "pagefind"):
        folder.mkdir()
        (folder / "c.html").write_text("<main data-pagefind-body>C</main>", encoding="utf-8")
    assert list(_indexed_pages(site)[0]) == ["blog/b.html", "blog/pagefind/c.html"]
