"""Accessibility gate: axe-core in Debian's Chromium (driven by Playwright, never a downloaded
browser) finds no WCAG 2.2 AA violation on the issue's pages, at 375 and 1280 px, light and dark."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gates_support import (AXE_JS, BROWSER_PAGES, browser_page_url, missing,
                           require_tool, serve_folder)

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [375, 1280]
SCHEMES = ["light", "dark"]


def axe_violations(browser, url: str, width: int, schemes: list[str],
                   screenshots: Path | None = None, name: str = "") -> dict[str, list[dict]]:
    """axe's violations on ``url`` at ``width``, for each colour scheme in ``schemes``.

    The page is loaded once per width; each scheme is then applied as a reader's system
    setting changes (emulated prefers-color-scheme): the site's schemes are CSS media queries,
    which the browser re-evaluates at once, and transitions are off under reduced motion, so
    axe sees what a fresh load in that scheme shows."""
    axe = require_tool(AXE_JS, "npm ci --ignore-scripts (make test does it)")
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=schemes[0], reduced_motion="reduce")
    found = {}
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        if page.locator("script[src]").count():
            # Scripted UI (the search page) is audited as the reader sees it, once it has loaded.
            page.wait_for_load_state("networkidle")
        # Evaluated, not added as a <script>: the page's Content-Security-Policy (rightly)
        # refuses inline scripts, and evaluation by the test harness is outside its reach.
        page.evaluate(Path(axe).read_text(encoding="utf-8"))
        for scheme in schemes:
            page.emulate_media(color_scheme=scheme)
            assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches"), (
                f"{url}: the page does not see prefers-color-scheme: {scheme}")
            if screenshots is not None:
                page.screenshot(path=str(screenshots / f"{name}-{width}-{scheme}.png"))
            result = page.evaluate("options => axe.run(document, options)",
                                   {"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                    "resultTypes": ["violations"]})
            found[scheme] = result["violations"]
    finally:
        context.close()
    return found


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", BROWSER_PAGES)
def test_page_has_no_wcag_violations(name, width, real_site, served_site, browser,
                                     screenshot_dir):
    path = browser_page_url(real_site, name)
    if path is None:
        missing(f"the {name} page")
    found = axe_violations(browser, served_site + path, width, SCHEMES, screenshot_dir, name)
    assert list(found) == SCHEMES
    problems = [f"{path} at {width}px {scheme}:\n{describe(violations)}"
                for scheme, violations in found.items() if violations]
    assert not problems, "\n".join(problems)


def test_axe_catches_a_violation(tmp_path, browser):
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">faint text</p><img src="x.png"></main></body></html>')
    server = serve_folder(tmp_path)
    try:
        found = {v["id"] for v in axe_violations(
            browser, f"http://127.0.0.1:{server.server_address[1]}/", 375, ["light"])["light"]}
    finally:
        server.shutdown()
        server.server_close()
    assert {"color-contrast", "image-alt"} <= found, found


def test_axe_sees_the_scheme_applied_after_the_load(tmp_path, browser):
    """Text readable in light and faint only in dark: found in dark alone, so switching the
    scheme on a loaded page checks what a page loaded in that scheme shows."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title><style>'
        ".d{color:#000;background:#fff}"
        "@media (prefers-color-scheme: dark){.d{color:#333;background:#000}}"
        '</style></head><body><main><p class="d">dark-only faint text</p></main></body></html>')
    server = serve_folder(tmp_path)
    try:
        found = axe_violations(browser, f"http://127.0.0.1:{server.server_address[1]}/", 375,
                               ["light", "dark"])
    finally:
        server.shutdown()
        server.server_close()
    assert found["light"] == [], describe(found["light"])
    contrast = [v for v in found["dark"] if v["id"] == "color-contrast"]
    assert contrast and "dark-only faint text" in contrast[0]["nodes"][0]["html"], found["dark"]
