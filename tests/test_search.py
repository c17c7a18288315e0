"""Site search in a real browser: build the real site, index it with Pagefind, search in Chromium."""

from __future__ import annotations

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT, fragment_urls
from gates.gates_support import SHUTDOWN_POLL
from seo_support import body, header, post_path

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CONTENT = ROOT / "content"
POSTS = sorted((CONTENT / "posts").rglob("*.md"))
PUBLISHED = [p for p in POSTS if header(p).get("status", "published") == "published"]
WAIT_MS = 20_000  # generous ceiling for a loaded CI machine; nothing asserts on speed


def _prose_words(path: Path) -> set[str]:
    """Words a reader sees in a post's body (link targets, code and markup left out)."""
    text = body(path)
    text = re.sub(r"```.*?```|`[^`]*`|\]\([^)]*\)|<[^>]+>|\{[^}]*\}", " ", text, flags=re.S)
    return {w.lower() for w in re.findall(r"(?<![\w-])[A-Za-z]{9,}(?![\w-])", text)}


def distinctive_word() -> tuple[str, Path]:
    """A word from one post's text whose first 7 letters appear in no other content file.

    The prefix rule keeps Pagefind's stemming from matching a relative of the word elsewhere.
    """
    corpus = {p: p.read_text(encoding="utf-8").lower() for p in CONTENT.rglob("*")
              if p.is_file() and p.suffix in {".md", ".yaml", ".yml", ".html", ".txt"}}
    for post in PUBLISHED:
        for word in sorted(_prose_words(post)):
            pattern = re.compile(r"(?<![a-z])" + re.escape(word[:7]))
            holders = [p for p, text in corpus.items() if pattern.search(text)]
            if holders == [post]:
                return word, post
    raise AssertionError("no post has a word of its own; the sample content is too uniform")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(searchable_site):
    """The real site plus its Pagefind index, served on 127.0.0.1 at a free port."""
    site = searchable_site
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"script errors on the page: {errors}"


def _result_links(page) -> list[str]:
    page.wait_for_selector("#search-results li a", timeout=WAIT_MS)
    return page.eval_on_selector_all("#search-results li h3 a", "els => els.map(a => a.getAttribute('href'))")


def test_distinctive_word_is_in_exactly_one_post():
    word, post = distinctive_word()
    holders = [p for p in CONTENT.rglob("*.md") if word in p.read_text(encoding="utf-8").lower()]
    assert holders == [post]


def test_searching_a_word_from_one_post_finds_that_post_first(served, searchable_site, page):
    word, post = distinctive_word()
    # The post sits in a part the page merges in, not in the first one, which pagefind.js
    # loads by itself.
    assert post_path(header(post)) not in fragment_urls(searchable_site / "pagefind")
    page.goto(f"{served}/search/?q={word}")
    links = _result_links(page)
    assert links[0] == post_path(header(post)), (word, links)
    assert page.input_value("#search-query") == word
    status = page.locator("#search-status")
    assert status.get_attribute("aria-live") == "polite"
    noun = "result" if len(links) == 1 else "results"
    assert status.inner_text() == f"{len(links)} {noun} for “{word}”."
    assert page.locator("#search-results mark").count() >= 1, "the excerpt highlights the word"
    assert page.locator("#search-fallback").is_hidden()


def test_header_search_box_leads_to_results(served, page):
    word, post = distinctive_word()
    page.goto(f"{served}/")
    page.fill("#site-search", word)
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="), timeout=WAIT_MS)
    assert _result_links(page)[0] == post_path(header(post))


def test_filters_narrow_results_by_kind_and_category(served, page):
    # The counts offered cover every part of the index.
    page.goto(f"{served}/search/")
    page.locator("#search-kind option[value=Post]").wait_for(state="attached", timeout=WAIT_MS)
    assert page.locator("#search-kind option[value=Post]").inner_text() == f"Post ({len(PUBLISHED)})"
    page.goto(f"{served}/search/?q=co-operative&kind=Page")
    links = _result_links(page)
    pages = {f"/{header(p)['slug']}/" for p in (CONTENT / "pages").glob("*.md")}
    assert links and set(links) <= pages, links
    assert page.input_value("#search-kind") == "Page"

    software = {post_path(header(p)) for p in PUBLISHED if header(p)["category"] == "Software"}
    page.goto(f"{served}/search/?q=open&category=Software")
    links = _result_links(page)
    assert links and set(links) <= software, links
    page.select_option("#search-category", "")
    # A locator, not wait_for_function: the page's Content-Security-Policy forbids the eval()
    # a string predicate needs.
    page.locator("#search-results li").nth(len(links)).wait_for(timeout=WAIT_MS)
    assert "category=" not in page.url


def test_search_page_without_javascript_still_offers_a_form(served, browser):
    word, _ = distinctive_word()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{served}/search/?q={word}")
        form = page.locator("form.search-page")
        assert form.get_attribute("action").endswith("/search/")
        assert page.locator("label[for=search-query]").is_visible()
        assert page.locator("#search-query").is_visible()
        assert page.locator("#search-fallback").is_visible()
        assert page.locator(".search-filters").is_hidden(), "filters need the script"
        assert page.locator("#search-fallback a[href$='/blog/archives/']").count() == 1
        page.fill("#search-query", word)
        page.press("#search-query", "Enter")
        page.wait_for_url(re.compile(rf"/search/\?q={word}$"), timeout=WAIT_MS)
    finally:
        context.close()



def test_every_page_marked_for_search_is_in_the_index_once_and_nothing_else(searchable_site):
    # Pagefind is given only the pages that carry data-pagefind-body, shared out among the
    # index's parts; every one of them (posts, pages, events, groups) must be in exactly one.
    import json

    site = searchable_site
    marked = set()
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if not relative.startswith("pagefind/") and "data-pagefind-body" in path.read_text(
                encoding="utf-8"):
            marked.add("/" + relative[: -len("index.html")] if relative.endswith("index.html")
                       else "/" + relative)
    listed = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    bundles = [site / "pagefind", *(site / "pagefind" / part for part in listed)]
    assert len(bundles) > 2, "the tests' settings cut the sample site's index in parts"
    assert sorted(p.name for p in (site / "pagefind" / "parts").iterdir()) == sorted(
        part.split("/")[1] for part in listed), "a part on disk that parts.json does not list"
    assert not list((site / "pagefind" / "parts").glob("*/*.js")), "scripts once, in the first"
    indexed = [url for bundle in bundles for url in fragment_urls(bundle)]
    assert "/about/" in marked and not {"/events/", "/working-groups/", "/tags/"} & marked
    assert any(url.startswith("/events/") for url in marked)
    assert any(url.startswith("/working-groups/") for url in marked)
    assert sorted(indexed) == sorted(marked)  # each page once, in one part
