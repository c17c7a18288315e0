"""The seo plugin on a small fixture site: hostile titles, drafts, hidden pages, PUBLIC_SITEURL."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from conftest import FixtureSite, page_at, soup
from seo_support import jsonld_blocks, local_time, meta_content, sitemap

SITE = "https://coop.example"
HOSTILE = "</script><script>alert(1)</script> <!-- x"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> FixtureSite:
    site = FixtureSite(tmp_path_factory.mktemp("seo"))
    site.post("plain-post", date="2021-02-03 10:00", extra="Modified: 2022-07-08 09:15")
    site.post("hostile-title", title=HOSTILE, date="2021-03-01 12:00",
              summary="Summary with <em>markup</em> & an ampersand.")
    site.post("unfinished", date="2021-04-01 12:00", extra="Status: draft")
    site.file("images/pic.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    site.post("with-picture", date="2021-05-01 12:00",
              extra="Image: {static}/images/pic.svg\nImage_alt: A tiny square")
    site.file("images/photo.png", "a picture's bytes")
    site.post("with-photo", date="2021-05-02 12:00",
              extra="Image: {static}/images/photo.png\nImage_alt: A photo")
    site.page("about", "About us")
    site.page("secret", "Secret", extra="Status: hidden")
    site.post("unlisted", date="2021-06-01 12:00", extra="Status: hidden")
    result = site.build(overrides={"PUBLIC_SITEURL": SITE})
    assert result.ok, result.stderr
    return site


def test_hostile_title_cannot_break_out_of_the_jsonld_block(built):
    doc = soup(page_at(built.output, "/blog/2021/03/hostile-title/"))
    scripts = doc.find_all("script")
    # Only the two JSON-LD blocks: the title did not open a script element of its own.
    assert [s.get("type") for s in scripts] == ["application/ld+json"] * 2
    blocks = {b["@type"]: b for b in jsonld_blocks(doc)}
    assert blocks["BlogPosting"]["headline"] == HOSTILE
    assert blocks["BreadcrumbList"]["itemListElement"][-1]["name"] == HOSTILE
    assert blocks["BlogPosting"]["description"] == "Summary with markup & an ampersand."
    assert doc.h1.get_text() == HOSTILE
    assert meta_content(doc, "og:title") == [HOSTILE]
    assert meta_content(doc, "og:description") == ["Summary with markup & an ampersand."]


def test_sitemap_uses_public_siteurl_and_skips_drafts_and_hidden_pages(built):
    entries = sitemap(built.output)
    assert f"{SITE}/blog/2021/02/plain-post/" in entries
    assert f"{SITE}/about/" in entries
    assert f"{SITE}/blog/2021/04/unfinished/" not in entries
    assert f"{SITE}/secret/" not in entries
    assert not [loc for loc in entries if "404" in loc or not loc.startswith(SITE + "/")]
    lastmod = datetime.fromisoformat(entries[f"{SITE}/blog/2021/02/plain-post/"])
    assert lastmod == local_time("2022-07-08 09:15")
    # The home page changed when its newest post did.
    assert datetime.fromisoformat(entries[f"{SITE}/"]) == local_time("2022-07-08 09:15")
    robots = (built.output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE}/sitemap.xml" in robots.splitlines()


def test_image_and_canonical_use_public_siteurl(built):
    doc = soup(page_at(built.output, "/blog/2021/05/with-picture/"))
    assert doc.find("link", rel="canonical")["href"] == f"{SITE}/blog/2021/05/with-picture/"
    # An SVG: no social card shows one, so the cards get the site's own; the page's structured
    # data (read by search engines, which do) keeps it.
    assert meta_content(doc, "og:image") == [f"{SITE}/images/social-card.png"]
    assert meta_content(doc, "twitter:card") == ["summary"]
    assert {b["@type"]: b for b in jsonld_blocks(doc)}["BlogPosting"]["image"] == f"{SITE}/images/pic.svg"
    photo = soup(page_at(built.output, "/blog/2021/05/with-photo/"))
    assert meta_content(photo, "og:image") == meta_content(photo, "twitter:image") == [
        f"{SITE}/images/photo.png"]
    assert meta_content(photo, "twitter:image:alt") == ["A photo"]
    assert meta_content(photo, "twitter:card") == ["summary_large_image"]


def test_sitemap_and_breadcrumbs_follow_the_events_and_groups_contracts():
    # The events and working-groups plugins live on other branches: their context contract is
    # all the seo plugin relies on, so exercise it with objects of that shape.
    from seo.helpers import SeoHelpers
    from seo.settings import read
    from seo.sitemap import sitemap_entries

    config = read({"PUBLIC_SITEURL": SITE, "SITENAME": "Co-op", "DIRECT_TEMPLATES": []})
    updated = local_time("2026-01-02 03:04")
    event = SimpleNamespace(url="events/meetup/", title="Meet </script>", updated=updated,
                            start=updated)
    context = {"events": [event], "working_groups": [SimpleNamespace(url="working-groups/a/")],
               "archived_working_groups": [SimpleNamespace(url="working-groups/b/")]}
    entries = {e.loc: e.lastmod for e in sitemap_entries(context, config)}
    assert entries == {f"{SITE}/events/": updated, f"{SITE}/events/meetup/": updated,
                       f"{SITE}/working-groups/": None, f"{SITE}/working-groups/a/": None,
                       f"{SITE}/working-groups/b/": None}
    html = str(SeoHelpers(config, context).event_jsonld(event))
    assert "</script>" not in html[:-len("</script>")]
    doc = soup_of(html)
    crumbs = jsonld_blocks(doc)[0]["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs] == [
        ("Home", f"{SITE}/"), ("Events", f"{SITE}/events/"), ("Meet </script>", f"{SITE}/events/meetup/")]


def soup_of(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_hidden_posts_and_pages_stay_out_of_search_and_search_engines(built):
    """Hidden: published for whoever has the link, listed nowhere, the site's search and search
    engines included (the sitemap leaves them out too)."""
    for url in ("/secret/", "/blog/2021/06/unlisted/"):
        doc = soup(page_at(built.output, url))
        assert [m.get("content") for m in doc.find_all("meta", attrs={"name": "robots"})] == \
            ["noindex"], url
        assert not doc.select("[data-pagefind-body]"), url
    for url in ("/about/", "/blog/2021/02/plain-post/"):
        doc = soup(page_at(built.output, url))
        assert not doc.find_all("meta", attrs={"name": "robots"}), url
        assert doc.select("main[data-pagefind-body]"), url
