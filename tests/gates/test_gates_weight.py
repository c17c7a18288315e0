"""Page weight gate: each reader page's HTML plus the stylesheets it links stays under 50 KB. The
table of the heaviest page per kind is printed at the end of the run (pytest's terminal summary),
with the browser editor (/admin/) apart: its scripts are counted, and no budget applies to it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .gates_support import (ALL_KINDS, PAGE_BUDGET, REQUIRED_KINDS, WEIGHTS,
                           missing, pages_by_kind)

_STYLESHEET = re.compile(r"<link\b[^>]*\brel=\"?stylesheet\"?[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref=\"([^\"]+)\"", re.IGNORECASE)
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)


def page_weight(output: Path, page: Path) -> tuple[int, int]:
    """(HTML bytes, bytes of the local stylesheets the page links)."""
    html = page.read_bytes()
    page_url = urljoin("http://site.invalid/", page.relative_to(output).as_posix())
    css = 0
    for tag in _STYLESHEET.findall(html.decode("utf-8")):
        href = _HREF.search(tag)
        target = urlsplit(urljoin(page_url, href.group(1))) if href else None
        if target and target.netloc == "site.invalid":
            sheet = output / target.path.lstrip("/")
            assert sheet.is_file(), f"{page}: stylesheet {href.group(1)} is missing"
            css += sheet.stat().st_size
    return len(html), css


def script_weight(output: Path, page: Path) -> int:
    """Bytes of the local scripts a page loads (the editor's, with the chunks beside them)."""
    html = page.read_text(encoding="utf-8")
    total = 0
    for src in _SCRIPT_SRC.findall(html):
        script = output / urlsplit(src).path.lstrip("/")
        assert script.is_file(), f"{page}: script {src} is missing"
        total += script.stat().st_size
        if script.name == "decap-cms.js":
            total += sum(chunk.stat().st_size for chunk in script.parent.glob("*.decap-cms.js"))
    return total


def test_the_editor_is_weighed_apart_and_reader_pages_load_none_of_it(real_site, request):
    (editor,) = pages_by_kind(real_site)["editor"]
    html, css = page_weight(real_site, editor)
    scripts = script_weight(real_site, editor)
    assert scripts > PAGE_BUDGET, "the editor page loads no editor (is Decap CMS installed?)"
    request.config.stash.setdefault(WEIGHTS, {})["editor"] = (
        1, editor.relative_to(real_site).as_posix(), html, css + scripts)
    readers = [page for kind, pages in pages_by_kind(real_site).items() if kind != "editor"
               for page in pages]
    loading = [page.relative_to(real_site).as_posix() for page in readers
               if "/admin/" in " ".join(_SCRIPT_SRC.findall(page.read_text(encoding="utf-8")))]
    assert readers and not loading, loading


@pytest.mark.parametrize("kind", [kind for kind in ALL_KINDS if kind != "editor"])
def test_every_page_is_under_the_weight_budget(kind, real_site, request):
    pages = pages_by_kind(real_site)[kind]
    if not pages:
        if kind in REQUIRED_KINDS:
            missing(f"{kind} pages")
        return
    weights = {page: page_weight(real_site, page) for page in pages}
    heaviest = max(weights, key=lambda page: sum(weights[page]))
    table = request.config.stash.setdefault(WEIGHTS, {})
    table[kind] = (len(pages), heaviest.relative_to(real_site).as_posix(), *weights[heaviest])
    over = [f"{page.relative_to(real_site)}: {sum(w):,} bytes (HTML {w[0]:,} + CSS {w[1]:,})"
            for page, w in weights.items() if sum(w) > PAGE_BUDGET]
    assert not over, f"over the {PAGE_BUDGET:,}-byte budget:\n" + "\n".join(over)
