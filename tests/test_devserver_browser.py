"""The live preview in a real browser (Debian's Chromium driven by Playwright): an open post page
follows the saves with no navigation by the test, keeping its scroll position; a stylesheet
change is swapped in without a reload; a content error shows over the last good page and goes
when the file is fixed."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from devserver_support import Devserver
from workflow_support import TINY_POST, project_copy

pytestmark = pytest.mark.browser

LIMIT_MS = 30_000
LONG_BODY = "\n\n".join(f"Paragraph {n} of a post long enough to scroll." for n in range(80))


@contextlib.contextmanager
def tab_on_hello(browser, project: Path, tmp_path: Path, **context_options):
    """The preview of ``project`` running, and a tab open on its hello post with the live-reload
    script loaded; both stopped at the end."""
    server = Devserver(project, tmp_path / "devserver.err")
    context = browser.new_context(**context_options)
    try:
        server.settle()
        page = context.new_page()
        page.goto(f"{server.url}/blog/2020/05/hello/", wait_until="load")
        page.wait_for_function("() => document.querySelector('script[data-server]')")
        yield server, page
    finally:
        context.close()
        server.kill()


def test_open_tab_follows_saves_keeps_scroll_and_shows_errors(browser, tmp_path: Path):
    project = project_copy(tmp_path / "project", real_content=False)
    post = project / "content/posts/hello.md"
    post.write_text(TINY_POST.format(title="Hello there").replace("Some text.", LONG_BODY),
                    encoding="utf-8")
    with tab_on_hello(browser, project, tmp_path,
                      viewport={"width": 1000, "height": 600}) as (server, page):
        page.evaluate("window.scrollTo(0, 900)")
        page.evaluate("window.notReloaded = true")

        post.write_text(post.read_text(encoding="utf-8").replace("Paragraph 3 of",
                                                                 "Saved in the editor, paragraph 3 of"),
                        encoding="utf-8")
        page.wait_for_function("() => document.body.innerText.includes('Saved in the editor')",
                               timeout=LIMIT_MS)
        assert page.evaluate("window.notReloaded") is None, "the page reloaded itself"
        page.wait_for_function("() => Math.abs(window.scrollY - 900) < 2", timeout=LIMIT_MS)
        server.settle()

        page.evaluate("window.notReloaded = true")
        with open(project / "theme/static/css/site.css", "a", encoding="utf-8") as css:
            css.write("\nbody { outline: 7px solid rgb(1, 2, 3); }\n")
        page.wait_for_function(
            "() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
            timeout=LIMIT_MS)
        assert page.evaluate("window.notReloaded") is True, "a stylesheet change needs no reload"
        server.settle()

        post.write_text(post.read_text(encoding="utf-8").replace("Category: Commons",
                                                                 "Category: Gardening"),
                        encoding="utf-8")
        overlay = page.locator("#devserver-problems")
        overlay.wait_for(state="visible", timeout=LIMIT_MS)
        assert "hello.md:3: field 'category'" in overlay.inner_text()
        assert "Saved in the editor" in page.inner_text("main"), "the last good page stays"
        server.settle()

        post.write_text(post.read_text(encoding="utf-8").replace("Category: Gardening",
                                                                 "Category: Commons"),
                        encoding="utf-8")
        overlay.wait_for(state="detached", timeout=LIMIT_MS)


def test_open_tab_follows_its_post_to_the_new_address_when_date_or_slug_change(browser, tmp_path):
    # The address of a post is made of its Date and Slug: after an edit of either, the old
    # address is gone and the tab goes to the new one instead of "Page not found".
    project = project_copy(tmp_path / "project", real_content=False)
    post = project / "content/posts/hello.md"
    with tab_on_hello(browser, project, tmp_path) as (server, page):

        post.write_text(post.read_text(encoding="utf-8").replace("Slug: hello", "Slug: hello-again"),
                        encoding="utf-8")
        page.wait_for_url(f"{server.url}/blog/2020/05/hello-again/", timeout=LIMIT_MS)
        page.wait_for_function("() => document.querySelector('script[data-server]')")
        assert "Hello there" in page.inner_text("h1")
        server.settle()

        post.write_text(post.read_text(encoding="utf-8").replace("Date: 2020-05-01",
                                                                 "Date: 2021-06-01"),
                        encoding="utf-8")
        page.wait_for_url(f"{server.url}/blog/2021/06/hello-again/", timeout=LIMIT_MS)
        page.wait_for_function("() => document.querySelector('script[data-server]')")
        assert "Hello there" in page.inner_text("h1")
        server.settle()


SQUARE = ('<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">'
          '<rect width="100%" height="100%" fill="teal"/></svg>\n')


def test_open_tab_shows_an_edited_picture(browser, tmp_path: Path):
    # A picture saved again under the same name changes no page's HTML: the tab that shows it
    # reloads all the same (a stylesheet alone is swapped in place).
    project = project_copy(tmp_path / "project", real_content=False)
    picture = project / "content/images/posts/square.svg"
    picture.parent.mkdir(parents=True)
    picture.write_text(SQUARE.format(size=40), encoding="utf-8")
    post = project / "content/posts/hello.md"
    post.write_text(post.read_text(encoding="utf-8").replace(
        "Some text.", "![A teal square]({static}/images/posts/square.svg)"), encoding="utf-8")
    with tab_on_hello(browser, project, tmp_path) as (server, page):
        shown = "() => document.querySelector('img[alt=\"A teal square\"]').naturalWidth"
        assert page.evaluate(shown) == 40

        picture.write_text(SQUARE.format(size=80), encoding="utf-8")
        page.wait_for_function(f"() => ({shown})() === 80", timeout=LIMIT_MS)
        server.settle()
