"""What a reader gets from the real content: pages at their URLs, no drafts, pagination, a11y basics."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from conftest import source_header, ROOT, html_files, page_at, soup

POSTS = sorted((ROOT / "content" / "posts").rglob("*.md"))




PUBLISHED = [p for p in POSTS if source_header(p).get("status", "published") == "published"]
DRAFTS = [p for p in POSTS if source_header(p).get("status") == "draft"]


def _post_url(path: Path) -> str:
    meta = source_header(path)
    year, month = meta["date"][:4], meta["date"][5:7]
    return f"/blog/{year}/{month}/{meta['slug']}/"


def test_sample_content_covers_the_brief():
    categories = {source_header(p)["category"] for p in PUBLISHED}
    assert categories == {"Open", "Co-operative", "Commons", "Inspiring Projects",
                          "Legal Structures", "Software", "Audio", "Video"}
    years = {int(source_header(p)["date"][:4]) for p in PUBLISHED}
    assert set(range(2016, 2027)) <= years
    assert len(PUBLISHED) >= 24
    assert len(DRAFTS) == 1
    assert sum(1 for p in PUBLISHED if "image" in source_header(p)) >= 3


@pytest.mark.parametrize("url", ["/", "/about/", "/open/", "/co-operative/", "/collaborate/",
                                 "/contact/", "/books/", "/privacy/", "/blog/", "/blog/page/2/",
                                 "/blog/archives/", "/blog/2019/", "/categories/", "/tags/",
                                 "/authors/", "/category/commons/", "/category/legal-structures/",
                                 "/404.html"])
def test_pages_exist_at_directory_urls(real_site, url):
    path = page_at(real_site, url)
    assert path.is_file(), f"{url} was not built"
    doc = soup(path)
    assert doc.html.get("lang") == "en"
    assert len(doc.find_all("h1")) == 1, f"{url} must have exactly one h1"


def test_every_published_post_has_its_page_with_title_and_metadata(real_site):
    for post in PUBLISHED:
        meta = source_header(post)
        path = page_at(real_site, _post_url(post))
        assert path.is_file(), f"{post.name} not at {_post_url(post)}"
        doc = soup(path)
        assert doc.h1.get_text(strip=True) == meta["title"].replace("&amp;", "&")
        assert doc.select_one("time.dt-published")["datetime"].startswith(meta["date"][:10])
        for author in meta["authors"].split(","):
            assert author.strip() in doc.select_one(".post-header").get_text()
        if "image" in meta:
            img = doc.select_one("figure.featured img")
            assert img["alt"] == meta["image_alt"]
            assert (real_site / img["src"].lstrip("/")).is_file()


def test_no_html_files_without_directory_urls(real_site):
    stray = [p for p in html_files(real_site) if p.name != "index.html" and p.name != "404.html"
             and "pagefind" not in p.parts]
    assert stray == []


def test_draft_is_not_published(real_site):
    assert DRAFTS, "the sample content should include one draft"
    for draft in DRAFTS:
        meta = source_header(draft)
        assert not page_at(real_site, _post_url(draft)).exists()
        title = meta["title"]
        for path in real_site.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".xml", ".ics", ".json"}:
                assert title not in path.read_text(encoding="utf-8"), f"draft leaked into {path}"


def test_blog_is_paginated_ten_per_page(real_site):
    pages = math.ceil(len(PUBLISHED) / 10)
    seen = []
    for number in range(1, pages + 1):
        url = "/blog/" if number == 1 else f"/blog/page/{number}/"
        doc = soup(page_at(real_site, url))
        cards = doc.select("main .card")
        assert len(cards) == (10 if number < pages else len(PUBLISHED) - 10 * (pages - 1))
        seen += [c.a["href"] for c in cards]
        nxt = doc.select_one('.pagination a[rel="next"]')
        assert (nxt is not None) == (number < pages)
        if nxt:
            assert nxt["href"] == f"/blog/page/{number + 1}/"
    assert not page_at(real_site, f"/blog/page/{pages + 1}/").exists()
    assert sorted(seen) == sorted(_post_url(p) for p in PUBLISHED)
    # newest first
    dates = [source_header(p)["date"] for p in PUBLISHED]
    first = soup(page_at(real_site, "/blog/")).select_one("main .card time")["datetime"]
    assert first.startswith(max(dates)[:10])


def test_category_tag_and_author_pages_list_their_posts(real_site):
    for post in PUBLISHED:
        meta = source_header(post)
        category_slug = re.sub(r"[^a-z0-9]+", "-", meta["category"].lower()).strip("-")
        links = [a["href"] for a in soup(page_at(real_site, f"/category/{category_slug}/"))
                 .select("main .card-title a")]
        pages = sorted(real_site.glob(f"category/{category_slug}/page/*/index.html"))
        for extra in pages:
            links += [a["href"] for a in soup(extra).select("main .card-title a")]
        assert _post_url(post) in links


def test_archives_group_posts_by_year(real_site):
    doc = soup(page_at(real_site, "/blog/archives/"))
    years = [h.get_text(strip=True) for h in doc.select("main h2")]
    assert years == sorted(years, reverse=True)
    assert "2016" in years and "2026" in years
    assert len(doc.select(".archive-list li")) == len(PUBLISHED)


def test_home_page_has_intro_latest_posts_and_newsletter(real_site):
    doc = soup(page_at(real_site, "/"))
    assert doc.select_one(".intro .prose p"), "the home page shows the Home page's text"
    assert len(doc.select("main .card")) >= 3
    forms = doc.select("form.newsletter")
    assert forms and all(f["action"].startswith("https://") for f in forms)
    assert all(f.find("input", attrs={"type": "email"}) for f in forms)


@pytest.mark.parametrize("address", ["/", "/contact/", "/collaborate/"])
def test_a_newsletter_panel_is_headed_once(real_site, address):
    # The page's own sign-up panel has its heading; the form inside it repeated "Newsletter".
    doc = soup(page_at(real_site, address))
    (panel,) = [form for form in doc.select("form.newsletter") if not form.find_parent("footer")]
    section = panel.find_parent("section")
    headings = [h.get_text(strip=True) for h in section.find_all(["h2", "h3", "h4"])]
    assert len(headings) == 1, headings
    footer = doc.select_one("footer form.newsletter")
    assert footer.find("h3").get_text(strip=True) == "Newsletter", "the footer's form keeps its own"


def test_navigation_and_landmarks_on_every_page(real_site):
    for path in html_files(real_site):
        if "pagefind" in path.parts:
            continue
        doc = soup(path)
        nav = [a.get_text(strip=True) for a in doc.select("nav.site-nav a")]
        assert nav == ["Home", "About", "Blog", "Events", "Collaborate", "Contact"], path
        assert doc.select_one("a.skip-link")["href"] == "#main"
        assert doc.find("main", id="main") and doc.find("header") and doc.find("footer")
        for img in doc.find_all("img"):
            assert img.has_attr("alt"), f"{path}: image without alt"
        assert not doc.find("script", src=re.compile(r"^https?://")), "no third-party scripts"
        assert not doc.find("link", href=re.compile(r"^https?://(?!open\.coop)"), rel="stylesheet")


def test_books_page_lists_two_books_with_prices(real_site):
    text = soup(page_at(real_site, "/books/")).main.get_text(" ")
    assert len(re.findall(r"£\d+(?:\.\d\d)?", text)) >= 2


def test_pages_are_small(real_site):
    css = sum(p.stat().st_size for p in real_site.glob("theme/css/*.css"))
    for path in html_files(real_site):
        assert path.stat().st_size + css < 50_000, f"{path} is over 50 KB with its CSS"


@pytest.mark.parametrize("url, section", [("/", "Home"), ("/about/", "About"), ("/blog/", "Blog"),
                                          ("/blog/page/2/", "Blog"), ("/events/", "Events"),
                                          ("/collaborate/", "Collaborate"),
                                          ("/working-groups/", "Collaborate"),
                                          ("/working-groups/murmurations/", "Collaborate"),
                                          ("/contact/", "Contact"), ("/books/", None)])
def test_navigation_marks_the_current_section(real_site, url, section):
    current = soup(page_at(real_site, url)).select('nav.site-nav a[aria-current="page"]')
    assert [a.get_text(strip=True) for a in current] == ([section] if section else [])


def test_a_right_to_left_title_keeps_its_own_direction(tmp_path):
    """An Arabic or Hebrew title in the English page: with dir="auto" its punctuation stays at
    its own end (the left), in the post's heading and in every list that links to it."""
    from conftest import FixtureSite, page_at, soup

    site = FixtureSite(tmp_path)
    title = "مرحبا بالتعاونيات!"
    site.post("rtl", title=title, date="2021-05-01 12:00")
    result = site.build()
    assert result.ok, result.stderr
    heading = soup(page_at(site.output, "/blog/2021/05/rtl/")).find("h1")
    assert heading.get_text(strip=True) == title and heading["dir"] == "auto"
    for url in ("/blog/", "/blog/archives/", "/blog/2021/", "/"):
        links = [a for a in soup(page_at(site.output, url)).find_all("a")
                 if a.get_text(strip=True) == title]
        assert links and all(a.get("dir") == "auto" for a in links), url
