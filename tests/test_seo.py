"""Discoverability of the real site: sitemap.xml, robots.txt, canonical and social tags, JSON-LD."""

from __future__ import annotations

import struct

from datetime import datetime

import pytest

from conftest import ROOT, html_files, page_at, soup
from seo_support import (header, jsonld_blocks, local_time, meta_content, post_path,
                         sitemap, url_of)

SITE = "https://open.coop"
POSTS = sorted((ROOT / "content" / "posts").rglob("*.md"))
PUBLISHED = [p for p in POSTS if header(p).get("status", "published") == "published"]
DRAFTS = [p for p in POSTS if header(p).get("status") == "draft"]
PAGES = sorted((ROOT / "content" / "pages").glob("*.md"))
VISIBLE_PAGES = [p for p in PAGES if header(p).get("status", "published") == "published"]
HIDDEN_PAGES = [p for p in PAGES if header(p).get("status") == "hidden"]


def required_fields(block: dict) -> list[str]:
    """What a JSON-LD block of a known @type lacks (empty list when complete)."""
    missing = []
    kind = block.get("@type")
    if block.get("@context") != "https://schema.org":
        missing.append("@context")
    if kind == "BlogPosting":
        for field in ("headline", "datePublished", "dateModified", "author", "publisher"):
            if not block.get(field):
                missing.append(field)
        if not all(a.get("@type") == "Person" and a.get("name") for a in block.get("author", [])):
            missing.append("author.name")
        publisher = block.get("publisher", {})
        if publisher.get("@type") != "Organization" or not publisher.get("logo", {}).get("url"):
            missing.append("publisher.logo")
        for field in ("datePublished", "dateModified"):
            datetime.fromisoformat(block[field])
    elif kind == "WebSite":
        action = block.get("potentialAction", {})
        for field in ("url", "name"):
            if not block.get(field):
                missing.append(field)
        if action.get("@type") != "SearchAction":
            missing.append("potentialAction")
        if "{search_term_string}" not in str(action.get("target", "")):
            missing.append("potentialAction.target")
        if "search_term_string" not in action.get("query-input", ""):
            missing.append("potentialAction.query-input")
    elif kind == "BreadcrumbList":
        items = block.get("itemListElement") or []
        if not items:
            missing.append("itemListElement")
        for number, item in enumerate(items, start=1):
            if item.get("position") != number or not item.get("name") or not item.get("item"):
                missing.append(f"itemListElement[{number}]")
    return missing


def test_sitemap_lists_every_post_and_page_with_lastmod(real_site):
    entries = sitemap(real_site)
    for post in PUBLISHED:
        meta = header(post)
        loc = SITE + post_path(meta)
        assert loc in entries, f"{post.name} missing from the sitemap"
        expected = local_time(meta.get("modified") or meta["date"])
        assert datetime.fromisoformat(entries[loc]) == expected, loc
    for page in VISIBLE_PAGES:
        assert f"{SITE}/{header(page)['slug']}/" in entries
    for url in ("/", "/blog/", "/blog/page/2/", "/category/commons/", "/tags/", "/search/"):
        assert SITE + url in entries, url
    assert next(iter(entries)) == SITE + "/", "the home page comes first"


def test_sitemap_leaves_out_drafts_hidden_pages_and_404(real_site):
    entries = sitemap(real_site)
    assert DRAFTS and HIDDEN_PAGES
    for draft in DRAFTS:
        assert SITE + post_path(header(draft)) not in entries
    for hidden in HIDDEN_PAGES:
        assert f"{SITE}/{header(hidden)['slug']}/" not in entries
    assert not [loc for loc in entries if "404" in loc]
    assert all(loc.startswith(SITE + "/") for loc in entries)


def test_sitemap_urls_are_built_and_built_pages_are_listed(real_site):
    entries = sitemap(real_site)
    for loc in entries:
        assert page_at(real_site, loc[len(SITE):]).is_file(), f"{loc} is in the sitemap but not built"
    # Pages written by Pelican itself; the events and groups plugins own their folders.
    built = {url_of(real_site, p) for p in html_files(real_site)
             if p.name == "index.html" and p.relative_to(real_site).parts[0]
             not in {"events", "working-groups", "pagefind"}}
    assert built, "the real site has pages"
    assert sorted(built - {loc[len(SITE):] for loc in entries}) == []


OG_TYPES = {"website", "article", "book", "profile"}
CARD_ALT = "Open Co-op: Open, co-operative, commons: news and ideas from a network of co-ops"


def test_the_not_found_page_is_kept_out_of_search_engines(real_site):
    doc = soup(real_site / "404.html")
    assert meta_content(doc, "robots") == ["noindex"]


def test_robots_txt_points_at_the_absolute_sitemap(real_site):
    lines = (real_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert not [line for line in lines if line.strip() == "Disallow: /"]


def test_every_page_has_one_absolute_canonical_link(real_site):
    for path in html_files(real_site):
        doc = soup(path)
        links = doc.find_all("link", rel="canonical")
        assert len(links) == 1, path
        assert links[0]["href"] == SITE + url_of(real_site, path), path
        assert meta_content(doc, "og:url") == [links[0]["href"]], path
        assert len(meta_content(doc, "og:title")) == 1 and len(meta_content(doc, "twitter:card")) == 1
        # Open Graph's own types (ogp.me); "event" is none of them.
        (kind,) = meta_content(doc, "og:type")
        assert kind in OG_TYPES or kind.split(".")[0] in ("music", "video"), (path, kind)


def _with_image():
    return [p for p in PUBLISHED if "image" in header(p)]


@pytest.mark.parametrize("post", _with_image()[:2], ids=lambda p: p.stem)
def test_social_tags_on_a_post_with_an_image(real_site, post):
    meta = header(post)
    doc = soup(page_at(real_site, post_path(meta)))
    image = SITE + "/" + meta["image"].removeprefix("{static}").lstrip("/")
    # Social cards show raster pictures only: a post illustrated with an SVG gets the site's card.
    raster = not image.endswith(".svg")
    card, alt = (image, meta["image_alt"]) if raster else (SITE + "/images/social-card.png", CARD_ALT)
    expected = {
        "og:type": "article", "og:title": meta["title"], "og:description": meta["summary"],
        "og:url": SITE + post_path(meta), "og:image": card, "og:image:alt": alt,
        "og:site_name": "Open Co-op", "twitter:card": "summary_large_image" if raster else "summary",
        "twitter:title": meta["title"], "twitter:description": meta["summary"],
        "twitter:image": card, "twitter:image:alt": alt,
        "article:section": meta["category"],
    }
    for key, value in expected.items():
        assert meta_content(doc, key) == [value], key
    assert (real_site / card[len(SITE) + 1:]).is_file()
    published = meta_content(doc, "article:published_time")
    assert [datetime.fromisoformat(v) for v in published] == [local_time(meta["date"])]
    modified = datetime.fromisoformat(meta_content(doc, "article:modified_time")[0])
    assert modified == local_time(meta.get("modified") or meta["date"])
    assert sorted(meta_content(doc, "article:tag")) == sorted(t.strip() for t in meta["tags"].split(","))


def test_post_without_image_gets_a_small_card_and_the_site_image(real_site):
    post = next(p for p in PUBLISHED if "image" not in header(p))
    doc = soup(page_at(real_site, post_path(header(post))))
    assert meta_content(doc, "twitter:card") == ["summary"]
    image = meta_content(doc, "og:image")[0]
    assert image == SITE + "/images/social-card.png" and (real_site / "images/social-card.png").is_file()
    assert meta_content(doc, "og:image:alt") == [CARD_ALT]
    # The picture is one social cards show: a PNG at the size they crop to.
    data = (real_site / "images/social-card.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)


def test_every_jsonld_block_parses_and_is_complete(real_site):
    seen = set()
    for path in html_files(real_site):
        for block in jsonld_blocks(soup(path)):
            assert required_fields(block) == [], f"{path}: {block.get('@type')}"
            seen.add(block["@type"])
    assert {"BlogPosting", "BreadcrumbList", "WebSite"} <= seen


def test_posts_carry_blogposting_and_breadcrumbs(real_site):
    for post in PUBLISHED:
        meta = header(post)
        blocks = {b["@type"]: b for b in jsonld_blocks(soup(page_at(real_site, post_path(meta))))}
        article = blocks["BlogPosting"]
        assert article["headline"] == meta["title"]
        assert [a["name"] for a in article["author"]] == [a.strip() for a in meta["authors"].split(",")]
        assert datetime.fromisoformat(article["datePublished"]) == local_time(meta["date"])
        assert datetime.fromisoformat(article["dateModified"]) == local_time(
            meta.get("modified") or meta["date"])
        assert article["mainEntityOfPage"]["@id"] == SITE + post_path(meta)
        if "image" in meta:
            assert article["image"] == SITE + "/" + meta["image"].removeprefix("{static}").lstrip("/")
        names = [item["name"] for item in blocks["BreadcrumbList"]["itemListElement"]]
        assert names == ["Home", "Blog", meta["category"], meta["title"]]
        assert blocks["BreadcrumbList"]["itemListElement"][-1]["item"] == SITE + post_path(meta)


def test_home_page_declares_the_website_and_its_search(real_site):
    blocks = {b["@type"]: b for b in jsonld_blocks(soup(page_at(real_site, "/")))}
    site = blocks["WebSite"]
    assert site["url"] == SITE + "/" and site["name"] == "Open Co-op"
    target = site["potentialAction"]["target"]
    assert target == SITE + "/search/?q={search_term_string}"
    assert page_at(real_site, "/search/").is_file()
    assert "BlogPosting" not in blocks


def test_only_content_pages_are_marked_for_the_search_index(real_site):
    for post in PUBLISHED[:5]:
        main = soup(page_at(real_site, post_path(header(post)))).main
        assert main.has_attr("data-pagefind-body")
        assert main.find(attrs={"data-pagefind-filter": "kind:Post"})
        category = main.find(attrs={"data-pagefind-filter": "category"})
        assert category.get_text(strip=True) == header(post)["category"]
    about = soup(page_at(real_site, "/about/")).main
    assert about.has_attr("data-pagefind-body") and about.find(attrs={"data-pagefind-filter": "kind:Page"})
    for url in ("/", "/blog/", "/search/", "/tags/", "/404.html"):
        assert not soup(page_at(real_site, url)).main.has_attr("data-pagefind-body"), url

