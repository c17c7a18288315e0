"""Warm rebuilds reuse unchanged feeds, the sitemap and the content checks' findings, and still
show every change: what a reader of the feeds and the sitemap, or a contributor running the
checks, sees after a rebuild is what a cold build would give."""

from __future__ import annotations

import os

from conftest import build, side_by_side, tree_digest
from feeds_support import parse
from workflow_support import problems

SITE = "https://open.coop"
ADA_FEEDS = ("all", "category/commons", "tag/commons", "tag/maps", "author/ada-lovelace")
GRACE_FEEDS = ("category/software", "tag/code", "author/grace-hopper")


def _feed(site, name: str, fmt: str):
    return parse(site.output / "feeds" / f"{name}.{fmt}.xml")


def _entry(site, name: str, fmt: str, link: str):
    return next((e for e in _feed(site, name, fmt).entries if e.link == link), None)


def _inode(site, name: str, fmt: str) -> int:
    return os.stat(site.output / "feeds" / f"{name}.{fmt}.xml").st_ino


def _two_authors(site):
    ada = site.post("ada-post", body="The first version of Ada's post.", tags="commons, maps")
    site.post("grace-post", body="Grace's post, never edited.", category="Software",
              tags="code", authors="Grace Hopper", date="2020-04-01 10:00")
    return ada


def test_an_edited_body_shows_in_its_feeds_and_other_feeds_are_reused(site):
    ada = _two_authors(site)
    assert site.build().ok
    before = {(name, fmt): _inode(site, name, fmt)
              for name in GRACE_FEEDS for fmt in ("atom", "rss")}

    ada.write_text(ada.read_text().replace("The first version", "The SECOND version"))
    rebuilt = site.build()
    assert rebuilt.ok, rebuilt.stderr
    link = f"{SITE}/blog/2020/05/ada-post/"
    for name in ADA_FEEDS:
        for fmt in ("atom", "rss"):
            entry = _entry(site, name, fmt, link)
            assert entry is not None, (name, fmt)
            assert "The SECOND version" in entry.content[0].value, (name, fmt)
    # Hard-linked from the previous build, not written again.
    assert {key: _inode(site, *key) for key in before} == before


def test_a_renamed_added_or_deleted_post_changes_every_feed_that_lists_it(site):
    ada = _two_authors(site)
    assert site.build().ok

    ada.write_text(ada.read_text().replace("Title: Ada Post", "Title: Ada's renamed post"))
    assert site.build().ok
    for name in ADA_FEEDS:
        titles = [e.title for e in _feed(site, name, "rss").entries]
        assert "Ada's renamed post" in titles and "Ada Post" not in titles, name

    site.post("new-post", title="A brand new post", tags="maps", authors="Grace Hopper",
              date="2020-06-01 10:00")
    assert site.build().ok
    listing = ("all", "category/commons", "tag/maps", "author/grace-hopper")
    for name in listing:
        assert _feed(site, name, "atom").entries[0].title == "A brand new post", name

    (site.content / "posts" / "new-post.md").unlink()
    assert site.build().ok
    for name in listing:
        assert "A brand new post" not in [e.title for e in _feed(site, name, "atom").entries], name


def test_warm_rebuilds_write_the_same_bytes_as_a_cold_build(site, tmp_path):
    ada = _two_authors(site)
    assert site.build().ok
    cold = tree_digest(site.output)
    assert site.build().ok
    assert tree_digest(site.output) == cold

    ada.write_text(ada.read_text() + "\nOne more paragraph.\n")
    fresh = tmp_path / "fresh"
    warm, again = side_by_side(site.build, lambda: build(
        fresh, overrides={"PATH": str(site.content), "CACHE_PATH": str(tmp_path / "c2")}))
    assert warm.ok, warm.stderr
    assert again.ok, again.stderr
    assert tree_digest(site.output) == tree_digest(fresh)


def _files(site) -> dict[str, tuple[int, bytes]]:
    return {path.relative_to(site.output).as_posix(): (os.stat(path).st_ino, path.read_bytes())
            for path in site.output.rglob("*") if path.is_file()}


def test_an_edited_body_rewrites_its_page_and_leaves_every_other_file_where_it_is(site):
    ada = _two_authors(site)
    for number in range(12):  # enough posts for listings of several pages
        site.post(f"filler-{number}", date=f"2019-0{number % 9 + 1}-01 10:00", tags="maps")
    assert site.build().ok
    before = _files(site)
    assert "tag/maps/page/2/index.html" in before

    ada.write_text(ada.read_text().replace("The first version", "The SECOND version"))
    assert site.build().ok
    after = _files(site)
    assert set(after) == set(before)
    page = "blog/2020/05/ada-post/index.html"
    assert b"The SECOND version" in after[page][1]
    # Every other page is the very file the previous build wrote, not written again.
    rewritten = {name for name in after if after[name][0] != before[name][0]}
    assert {name for name in rewritten if name.endswith(".html")} == {page}
    assert not list(site.output.parent.glob(".output-*")), "a staging folder was left behind"


def test_a_page_changed_or_deleted_in_the_output_by_hand_is_built_again(site):
    _two_authors(site)
    assert site.build().ok
    built = _files(site)
    post = site.output / "blog/2020/05/ada-post/index.html"
    post.write_text("changed by hand")
    (site.output / "blog/2020/04/grace-post/index.html").unlink()
    (site.output / "stray.html").write_text("not built by this site")
    assert site.build().ok
    again = _files(site)
    assert {name: data for name, (_, data) in again.items()} == {
        name: data for name, (_, data) in built.items()}


def test_the_sitemap_lists_a_post_added_since_the_previous_build(site):
    _two_authors(site)
    assert site.build().ok
    sitemap = site.output / "sitemap.xml"
    assert "/blog/2020/06/late-post/" not in sitemap.read_text()
    site.post("late-post", date="2020-06-01 10:00")
    assert site.build().ok
    assert f"<loc>{SITE}/blog/2020/06/late-post/</loc>" in sitemap.read_text()


def test_content_checks_report_a_post_broken_after_a_good_build(site):
    post = site.post("fragile", body="Intro.\n\n![A bakery](https://example.org/b.png)\n")
    good = post.read_text()
    assert site.build().ok

    post.write_text(good.replace("![A bakery]", "![]") + "\nREPLACE ME: say what happened.\n")
    lines = post.read_text().splitlines()
    result = site.build()
    assert result.returncode == 1
    found = {(p["path"].rsplit("/", 1)[-1], p["line"], p["field"])
             for p in problems(result.stdout + result.stderr)}
    assert found == {("fragile.md", lines.index("![](https://example.org/b.png)") + 1, "alt"),
                     ("fragile.md", lines.index("REPLACE ME: say what happened.") + 1, "content")}

    post.write_text(good)
    assert site.build().ok
