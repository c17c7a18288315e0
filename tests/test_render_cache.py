"""Rendered-page reuse (fastbuild pages and outputcache): a warm rebuild reuses exactly
the pages whose inputs did not change, and every edit shows on every page that displays it.

"Reused" is observed the way a user could: a reused page keeps its modification time, a
re-rendered one gets a new one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, build, page_at, side_by_side, soup, tree_digest


def _times(output: Path) -> dict[str, int]:
    return {str(p.relative_to(output)): p.stat().st_mtime_ns for p in output.rglob("*.html")}


def _fill(site) -> dict[str, Path]:
    posts = {
        "kept": site.post("kept-summary", date="2020-05-02 10:00", summary="Its own summary.",
                          body="Body of the kept post."),
        "other": site.post("other-post", date="2020-05-01 10:00", tags="governance",
                           body="Another post, never edited."),
    }
    posts["about"] = site.page("about", "About", body="About the co-op.")
    # The home page shows this hidden page's body: a body read from another page.
    posts["home"] = site.page("home", "Home", body="Opening words of the home page.",
                              extra="Status: hidden\nSave_as:\n")
    return posts


def test_an_unchanged_rebuild_reuses_every_page_and_equals_a_cold_build(site, tmp_path):
    _fill(site)
    # The cold build to compare with reads the same sources into its own folders, meanwhile.
    built, cold = side_by_side(site.build, lambda: build(
        tmp_path / "cold", overrides={"PATH": str(site.content),
                                      "CACHE_PATH": str(tmp_path / "cold-cache")}))
    assert built.ok
    first = _times(site.output)
    assert site.build().ok
    assert _times(site.output) == first and len(first) > 10
    assert cold.ok and tree_digest(cold.output) == tree_digest(site.output)


def test_a_body_edit_rerenders_the_pages_that_show_that_body_and_nothing_else(site):
    posts = _fill(site)
    assert site.build().ok
    before = _times(site.output)

    posts["kept"].write_text(posts["kept"].read_text().replace("Body of the kept post.",
                                                               "EDITED kept body."))
    assert site.build().ok
    after = _times(site.output)
    kept_page = "blog/2020/05/kept-summary/index.html"
    assert "EDITED kept body." in (site.output / kept_page).read_text()
    changed = {name for name in after if after[name] != before.get(name)}
    # Its listings show its own Summary, not its body: only its page is rendered again.
    assert changed == {kept_page}

    posts["home"].write_text(posts["home"].read_text().replace("Opening words", "NEW opening"))
    assert site.build().ok
    assert "NEW opening of the home page." in soup(page_at(site.output, "/")).get_text()
    again = _times(site.output)
    assert {name for name in again if again[name] != after.get(name)} == {"index.html"}


def test_a_title_edit_reaches_every_page_that_lists_the_post(site):
    posts = _fill(site)
    assert site.build().ok
    posts["other"].write_text(posts["other"].read_text().replace("Title: Other Post",
                                                                 "Title: Renamed & <Other>"))
    assert site.build().ok
    # The footer lists recent posts on every page, and the tag page lists the post.
    for url in ("/about/", "/blog/2020/05/kept-summary/", "/blog/", "/tag/governance/"):
        assert "Renamed & <Other>" in soup(page_at(site.output, url)).get_text(), url


def test_a_page_edit_and_a_new_post_show_after_a_warm_rebuild(site):
    posts = _fill(site)
    assert site.build().ok
    posts["about"].write_text(posts["about"].read_text().replace("About the co-op.",
                                                                 "About us, EDITED."))
    site.post("brand-new", date="2020-06-01 10:00", title="Brand new post")
    assert site.build().ok
    assert "About us, EDITED." in page_at(site.output, "/about/").read_text()
    assert page_at(site.output, "/blog/2020/06/brand-new/").exists()
    assert "Brand new post" in soup(page_at(site.output, "/blog/")).get_text()


def test_a_deleted_or_replaced_output_is_rendered_again(site):
    _fill(site)
    assert site.build().ok
    shutil.rmtree(site.output)  # make clean keeps the cache
    assert site.build().ok
    page = page_at(site.output, "/blog/2020/05/other-post/")
    assert "Another post, never edited." in page.read_text()
    page.unlink()
    page.write_text("changed by hand")
    assert site.build().ok
    assert "Another post, never edited." in page_at(site.output, "/blog/2020/05/other-post/").read_text()


def test_a_template_edit_rerenders_every_page_that_uses_it(site, tmp_path):
    _fill(site)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    overrides = {"THEME": str(theme)}
    assert site.build(overrides=overrides).ok
    before = _times(site.output)
    partial = theme / "templates" / "partials" / "post_card.html"
    card = '<div class="summary p-summary"'
    partial.write_text(partial.read_text().replace(card, card + ' data-edited="yes"', 1))
    assert site.build(overrides=overrides).ok
    assert soup(page_at(site.output, "/blog/")).select('[data-edited="yes"]')
    after = _times(site.output)
    changed = {name for name in after if after[name] != before.get(name)}
    # The listings import the card; a post's or a page's template uses no template that does,
    # so those pages are reused as they were.
    assert {"blog/index.html", "tag/governance/index.html"} <= changed
    assert not changed & {"blog/2020/05/other-post/index.html", "about/index.html"}
    # A partial every page includes (through base.html) renders every page again.
    footer = theme / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text() + "<!-- footer edited -->", encoding="utf-8")
    assert site.build(overrides=overrides).ok
    again = _times(site.output)
    kept = {name for name in after if again[name] == after[name]}
    assert kept == {"admin/index.html"}  # the editor's page has no site footer
    assert "footer edited" in page_at(site.output, "/about/").read_text()
    cold = build(tmp_path / "cold", overrides={**overrides, "PATH": str(site.content),
                                               "CACHE_PATH": str(tmp_path / "cold-cache")})
    assert cold.ok and tree_digest(cold.output) == tree_digest(site.output)


def test_the_cache_can_be_switched_off(site):
    _fill(site)
    assert site.build(overrides={"OUTPUT_CACHE": False}).ok
    first = _times(site.output)
    assert site.build(overrides={"OUTPUT_CACHE": False}).ok
    assert not set(first.items()) & set(_times(site.output).items())


def test_alternating_local_and_public_builds_never_mix_their_pages(site):
    """make html, make publish, make html into one output: each build's own SITEURL everywhere."""
    _fill(site)
    for siteurl in ("", "https://example.org", ""):
        assert site.build(overrides={"SITEURL": siteurl}).ok
        for url in ("/about/", "/blog/", "/blog/2020/05/other-post/"):
            sheet = soup(page_at(site.output, url)).find("link", rel="stylesheet")["href"]
            assert sheet == f"{siteurl}/theme/css/site.css", (siteurl, url)
