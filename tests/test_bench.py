"""The benchmark corpus builds cleanly, the parallel Markdown reader changes nothing in the output,
the content cache never serves a stale page, and the benchmark runs end to end (no timings are
asserted: the benchmark reports them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, page_at, run_publishing, side_by_side, soup, tree_digest

import corpus
import run as bench_run

N = 30


@pytest.fixture(scope="module")
def bench_corpus(tmp_path_factory) -> Path:
    return corpus.generate(tmp_path_factory.mktemp("corpus"), n=N, events=12)


def _header(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in head.splitlines())}


def test_corpus_is_deterministic_and_covers_the_brief(bench_corpus, tmp_path):
    again = corpus.generate(tmp_path, n=N, events=12)
    assert tree_digest(again) == tree_digest(bench_corpus)
    posts = sorted((bench_corpus / "posts").rglob("*.md"))
    assert len(posts) == N
    headers = [_header(p) for p in posts]
    assert {h["category"] for h in headers} == set(corpus.CATEGORIES)
    assert all(2 <= len(h["tags"].split(", ")) <= 4 for h in headers)
    assert {h["group"] for h in headers if "group" in h} == set(corpus.GROUPS)
    assert len({h["authors"] for h in headers}) > 3
    words = len(posts[1].read_text(encoding="utf-8").split("\n\n", 1)[1].split())
    assert 450 <= words <= 800
    assert len(list((bench_corpus / "events").glob("*.yaml"))) == 12
    assert sorted(p.stem for p in (bench_corpus / "working-groups").glob("*.md")) == sorted(corpus.GROUPS)


def test_corpus_events_and_groups_follow_their_formats(bench_corpus):
    import yaml

    events = [yaml.safe_load(p.read_text()) for p in sorted((bench_corpus / "events").glob("*.yaml"))]
    assert all({"title", "start", "end", "timezone", "summary", "description", "group", "tags"}
               <= set(e) for e in events)
    assert len({e["timezone"] for e in events}) >= 3
    assert any(e.get("recurrence") == "FREQ=WEEKLY;COUNT=10" for e in events)
    assert all(e["end"] > e["start"] and e["group"] in corpus.GROUPS for e in events)
    group = _header(bench_corpus / "working-groups" / "coop-cloud.md")
    assert group["status"] == "active" and group["purpose"] and group["slug"] == "coop-cloud"


def test_corpus_checks_clean_and_builds_every_post(bench_corpus, tmp_path):
    overrides = {"PATH": str(bench_corpus), "CACHE_PATH": str(tmp_path / "cache")}
    checked, built = side_by_side(
        lambda: run_publishing("check", overrides={**overrides,
                                                   "CACHE_PATH": str(tmp_path / "check-cache")}),
        lambda: run_publishing("build", output=tmp_path / "out", overrides=overrides))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert built.ok, built.stderr
    pages = [p for p in (tmp_path / "out" / "blog").rglob("index.html")
             if re.search(r"/post-\d{5}/index\.html$", str(p))]
    assert len(pages) == N
    first = soup(page_at(tmp_path / "out", "/blog/2016/01/post-00000/"))
    assert first.find("h1") and first.find("img", src="/images/bench.svg")


def _settings(content: Path, cache: Path) -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"),
                         override={"PATH": str(content), "CACHE_PATH": str(cache)})


def test_parallel_reader_returns_what_pelicans_reader_returns(bench_corpus, tmp_path, monkeypatch):
    from pelican import readers
    from fastbuild.markdown import MarkdownReader, Prerender

    posts = sorted((bench_corpus / "posts").rglob("*.md"))
    settings = _settings(bench_corpus, tmp_path / "cache")
    expected = [readers.MarkdownReader(settings).read(str(p)) for p in posts]

    def no_inline_markdown(*args, **kwargs):
        raise AssertionError("the parallel reader converted Markdown in the main process")

    monkeypatch.setattr(readers, "Markdown", no_inline_markdown)
    # Sent in another order than read: each read waits for its own chunk.
    pool = Prerender([str(p) for p in reversed(posts)], settings["MARKDOWN"],
                     settings["FORMATTED_FIELDS"], workers=2, chunk_size=4)
    parallel = type("MarkdownReader", (MarkdownReader,), {"prerender": pool})(settings)
    got = [parallel.read(str(p)) for p in posts]
    assert [c for c, _ in got] == [c for c, _ in expected]
    assert [m for _, m in got] == [m for _, m in expected]
    assert "<em>emphasis</em>" in str(got[0][1]["summary"])


def test_the_reader_converts_from_the_back_while_it_waits_for_the_pool(bench_corpus, tmp_path):
    from pelican import readers
    from fastbuild.markdown import MarkdownReader, Prerender

    posts = [str(p) for p in sorted((bench_corpus / "posts").rglob("*.md"))]
    settings = _settings(bench_corpus, tmp_path / "cache")
    expected = [readers.MarkdownReader(settings).read(p) for p in posts]
    pool = Prerender(posts, settings["MARKDOWN"], settings["FORMATTED_FIELDS"], workers=1,
                     chunk_size=2)
    assert pool._pool is not None, "no pool started"
    here = []
    convert_last = pool._convert_last
    pool._convert_last = lambda: here.append(convert_last()) or here[-1]
    parallel = type("MarkdownReader", (MarkdownReader,), {"prerender": pool})(settings)
    assert [parallel.read(p) for p in posts] == expected
    # What Pelican reads; and some chunks were converted here while the pool converted others.
    assert any(here), "this process never converted a chunk the pool had not started"


def test_the_speed_layer_changes_nothing_in_the_output(bench_corpus, tmp_path):
    """FASTBUILD on (three workers even here) and off: the same bytes."""
    common = {"PATH": str(bench_corpus), "FASTBUILD_MIN_FILES": 1, "FASTBUILD_MIN_PAGES": 1,
              "FASTBUILD_WORKERS": 3, "CACHE_PATH": str(tmp_path / "cache")}
    parallel = run_publishing("build", output=tmp_path / "parallel", overrides=common)
    sequential = run_publishing("build", output=tmp_path / "sequential",
                                overrides={**common, "FASTBUILD": False})
    assert parallel.ok and sequential.ok, parallel.stderr + sequential.stderr
    digest = tree_digest(parallel.output)
    assert len(digest) > N and digest == tree_digest(sequential.output)


def test_page_worker_forks_share_the_batches_out_in_order():
    from fastbuild.pages import _rounds  # noqa: PLC0415

    assert _rounds(16, 2) == [(0, 8), (8, 16)]
    assert _rounds(3, 2) == [(0, 2), (2, 3)]
    assert _rounds(1, 2) == [(0, 1)]
    assert _rounds(0, 2) == []
    assert [i for first, last in _rounds(17, 3) for i in range(first, last)] == list(range(17))


def test_page_batches_play_every_call_once_keeping_same_name_calls_together():
    from fastbuild.pages import _batches  # noqa: PLC0415

    def call(name):
        return ((name, "template", {}), {})

    calls = [call(f"post{i}.html") for i in range(20)]
    calls += [call("about.html"), call("blog/index.html"), call("about.html")]
    batches = _batches(calls, 8)
    played = [index for batch in batches for index in batch]
    assert sorted(played) == list(range(len(calls)))
    about = [batch for batch in batches if 20 in batch]
    assert len(about) == 1 and about[0].index(20) < about[0].index(22)
    assert 6 <= len(batches) <= 9 and max(map(len, batches)) <= 4


PROBE = """\
import os
from pelican import signals

def written(path, context):
    # Pelican's promise: the file exists when content_written is sent.
    with open(os.environ["PROBE_LOG"], "a") as fh:
        fh.write(f"{path}\\t{os.path.getsize(path)}\\t{context['output_file']}\\n")

def register():
    signals.content_written.connect(written)
"""


def test_content_written_is_still_sent_for_every_page(site, tmp_path):
    for number in range(12):
        site.post(f"post-{number}", body=f"Post number {number}.")
    probe = tmp_path / "probe_plugins" / "write_probe"
    probe.mkdir(parents=True)
    (probe / "__init__.py").write_text(PROBE)
    log = tmp_path / "written.log"
    plugins = _settings(site.content, tmp_path)["PLUGINS"]
    result = site.build(overrides={"PLUGIN_PATHS": [str(ROOT / "plugins"), str(probe.parent)],
                                   "PLUGINS": plugins + ["write_probe"],
                                   "FASTBUILD_MIN_PAGES": 1, "FASTBUILD_WORKERS": 2},
                        env={"PROBE_LOG": str(log)})
    assert result.ok, result.stderr
    rows = [line.split("\t") for line in log.read_text().splitlines()]
    assert all(int(size) > 0 for _, size, _ in rows)
    written = sorted(name for _, _, name in rows)
    html = sorted(str(p.relative_to(site.output)) for p in site.output.rglob("*.html"))
    assert written == html and len(written) > 12


def test_warm_rebuild_shows_every_edit(site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    post = site.post("cached-post", body="The first version of the post.")
    site.post("other-post", body="Another post, never edited.")
    page = site.page("cached-page", "Cached page", body="The first version of the page.")
    overrides = {"THEME": str(theme)}
    assert site.build(overrides=overrides).ok
    assert list((site.root / "cache").rglob("*")), "the content cache was not written"

    post.write_text(post.read_text().replace("first version of the post", "SECOND post text"))
    page.write_text(page.read_text().replace("first version of the page", "SECOND page text"))
    footer = theme / "templates" / "base.html"
    footer.write_text(footer.read_text().replace("</body>", "<p>Template edit marker</p></body>", 1))
    rebuilt = site.build(overrides=overrides)
    assert rebuilt.ok, rebuilt.stderr
    post_page = page_at(site.output, "/blog/2020/05/cached-post/").read_text()
    assert "SECOND post text" in post_page and "first version" not in post_page
    assert "SECOND page text" in page_at(site.output, "/cached-page/").read_text()
    for url in ("/blog/2020/05/other-post/", "/blog/2020/05/cached-post/", "/cached-page/"):
        assert "Template edit marker" in page_at(site.output, url).read_text()


def test_settings_change_does_not_reuse_the_cache(site):
    site.post("quotes", body='She said "hello" -- twice.')
    assert site.build().ok
    curly = page_at(site.output, "/blog/2020/05/quotes/").read_text()
    assert "&ldquo;hello&rdquo;" in curly
    plain = {"extension_configs": {"markdown.extensions.extra": {}}, "output_format": "html5"}
    assert site.build(overrides={"MARKDOWN": plain}).ok
    straight = page_at(site.output, "/blog/2020/05/quotes/").read_text()
    assert '"hello"' in straight or "&quot;hello&quot;" in straight


def test_warm_rebuild_shows_an_edited_event(site):
    event = site.file("events/meetup.yaml", """\
        title: First meetup title
        start: 2026-12-01 18:00
        end: 2026-12-01 20:00
        timezone: Europe/London
        """)
    assert site.build().ok
    event.write_text(event.read_text().replace("First meetup title", "Renamed meetup"))
    assert site.build().ok
    assert "Renamed meetup" in page_at(site.output, "/events/meetup/").read_text()


def test_benchmark_runs_end_to_end(tmp_path):
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--n", "20",
                           "--rounds", "1", "--cache-rounds", "2", "--events", "20",
                           "--output", str(results)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(results.read_text())
    assert data["n"] == 20 and data["rounds"] == 1 and data["cache_rounds"] == 2
    runs = {"a", "b", "b_index", "a_warm", "c", "c_index"}
    assert set(data["median_seconds"]) == runs == set(data["peak_tree_pss_mib"])
    assert set(data["ratios"]) == {"cold wall", "cold cpu", "warm wall", "warm cpu", "memory"}
    seconds = data["median_seconds"]
    assert data["ratios"]["cold wall"] == pytest.approx(
        (seconds["b"] + seconds["b_index"]) / seconds["a"], abs=0.01)
    assert data["ratios"]["warm wall"] == pytest.approx(seconds["c"] / seconds["a_warm"], abs=0.01)
    assert all(v > 0 for v in data["peak_rss_mib"].values())
    assert {"cores", "cpu_model", "python", "pelican"} <= set(data["machine"])
    assert data["machine"]["pelican"].startswith("4.12")
    assert "cold (b + b_index) / a" in proc.stdout and "vanilla" in proc.stdout
    # Every cache the speed layer keeps is measured emptied, against a rebuild with all of them.
    warm = data["caches"]["warm rebuild"]
    assert set(warm) == {"every cache", "content cache", "output cache", "compiled templates",
                         "events read", "content-check findings"}
    assert set(data["caches"]["search index"]) == {"in parts", "in one part"}
    # With two rounds a median is a mean, so the median of the rounds' savings is the
    # difference of the medians.
    for measured in data["caches"].values():
        base = next(run for run in measured.values() if "saves_seconds" not in run)
        for run in measured.values():
            if "saves_seconds" in run:
                assert run["saves_seconds"] == pytest.approx(run["seconds"] - base["seconds"],
                                                             abs=0.002)
    assert "each cache emptied in turn" in proc.stdout and "in one part" in proc.stdout


def test_relative_urls_build_matches_the_sequential_writer(site, tmp_path):
    for number in range(12):
        site.post(f"post-{number}", body=f"See [the other post]({{filename}}/posts/post-{(number + 1) % 12}.md).")
    common = {"RELATIVE_URLS": True, "FASTBUILD_MIN_PAGES": 1}
    assert site.build(overrides=common).ok
    parallel = tree_digest(site.output)
    assert site.build(overrides={**common, "FASTBUILD": False}).ok
    assert tree_digest(site.output) == parallel
    assert 'href="../../../../blog/2020/05/post-1/"' in page_at(site.output, "/blog/2020/05/post-0/").read_text()


def test_urls_are_remembered_only_once_the_writer_is_made(bench_corpus, tmp_path):
    import datetime  # noqa: PLC0415

    from pelican.contents import Article  # noqa: PLC0415

    from fastbuild import contents  # noqa: PLC0415

    settings = _settings(bench_corpus, tmp_path)
    article = Article("<p>x</p>", metadata={"title": "T", "slug": "first",
                                           "date": datetime.datetime(2020, 5, 1)},
                      settings=settings)
    contents.note_reads(article)  # what the content_object_init handler does
    assert type(article).__name__ == "Article" and isinstance(article, Article)
    article.slug = "changed-while-reading"
    assert article.url == "blog/2020/05/changed-while-reading/"
    from fastbuild.pages import FastWriter  # noqa: PLC0415

    writer = FastWriter(str(tmp_path / "staging"), settings=settings)
    try:
        article.slug = "first"
        assert article.url == "blog/2020/05/first/"
        article.slug = "renamed"  # remembered: the writing stage sees one URL per object
        assert article.url == "blog/2020/05/first/"
    finally:
        writer.abandon()
    other = Article("<p>y</p>", metadata={"title": "U", "slug": "second",
                                         "date": datetime.datetime(2020, 5, 1)}, settings=settings)
    contents.note_reads(other)
    other.slug = "after-the-build"  # a build that ended remembers nothing more
    assert other.url == "blog/2020/05/after-the-build/"


def test_a_post_edit_that_keeps_size_and_time_shows_in_the_next_build(site):
    """Caches are checked by content, so an edit is seen even when a tool keeps the file's
    size and puts its old modification time back."""
    import os  # noqa: PLC0415

    post = site.post("same-size", body="The first version.")
    assert site.build().ok
    before = os.stat(post)
    post.write_text(post.read_text().replace("first", "FIRST"))
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(post).st_size == before.st_size
    assert site.build().ok
    assert "The FIRST version." in page_at(site.output, "/blog/2020/05/same-size/").read_text()


@pytest.mark.parametrize("value", ["2024-05-01", "2024-05-01 10:00", "2024-05-01 10:00:30",
                                   "2024-05-01T10:00", " 2024-05-01 10:00 ", "2024-02-30",
                                   "2024-05-01 25:00", "May 1 2024", "2024-05-01 10:00+02:00",
                                   "2024_05_01 10:00", "2024-5-1", "not a date"])
def test_the_parallel_readers_dates_are_pelicans(value):
    """fastbuild's reader parses the documented date forms itself; every value or error it
    gives is the one Pelican's own date processor gives."""
    from pelican.readers import METADATA_PROCESSORS  # noqa: PLC0415
    from pelican.settings import DEFAULT_CONFIG  # noqa: PLC0415

    from fastbuild.markdown import MarkdownReader  # noqa: PLC0415

    reader = MarkdownReader(dict(DEFAULT_CONFIG))
    for name in ("date", "modified"):
        try:
            expected = METADATA_PROCESSORS[name](value, {})
        except ValueError as error:
            expected = ("error", str(error))
        try:
            got = reader.process_metadata(name, value)
        except ValueError as error:
            got = ("error", str(error))
        assert got == expected and type(got) is type(expected)
        assert getattr(got, "tzinfo", None) == getattr(expected, "tzinfo", None)


def test_the_benchmark_clears_a_round_by_moving_it_aside_or_deleting_it(tmp_path):
    folders = tuple(tmp_path / name for name in ("output", "cache", "never-made"))
    for folder in folders[:2]:
        (folder / "blog").mkdir(parents=True)
        (folder / "blog" / "index.html").write_text("round 1", encoding="utf-8")
    retired = tmp_path / "retired"
    bench_run._clear(folders, retired)
    assert not any(folder.exists() for folder in folders)
    kept = sorted(path.relative_to(retired).parts[1:] for path in retired.rglob("index.html"))
    assert kept == [("cache", "blog", "index.html"), ("output", "blog", "index.html")]

    (folders[0] / "blog").mkdir(parents=True)
    bench_run._clear(folders, None)
    assert not folders[0].exists() and len(list(retired.iterdir())) == 2
