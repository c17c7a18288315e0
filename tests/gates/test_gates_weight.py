"""Page weight gate: each page's HTML plus the stylesheets it links stays under 50 KB. The table
of the heaviest page per kind is printed at the end of the run (pytest's terminal summary)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .gates_support import (ALL_KINDS, PAGE_BUDGET, REQUIRED_KINDS, WEIGHTS,
                           missing, pages_by_kind)

_STYLESHEET = re.compile(r"<link\b[^>]*\brel=\"?stylesheet\"?[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref=\"([^\"]+)\"", re.IGNORECASE)


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


@pytest.mark.parametrize("kind", ALL_KINDS)
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
