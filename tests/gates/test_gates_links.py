"""Links gate: every internal href/src/srcset of every built page resolves to a file in the output,
and every #fragment to an element id on its page."""

from __future__ import annotations

import pytest

from .gates_support import (ALL_KINDS, REQUIRED_KINDS,
                           missing, pages_by_kind, public_siteurl)
from .links_check import broken_links


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_internal_link_resolves(kind, real_site):
    pages = pages_by_kind(real_site)[kind]
    if not pages and kind in REQUIRED_KINDS:
        missing(f"{kind} pages")
    broken = broken_links(real_site, pages, public_siteurl())
    assert not broken, f"{len(broken)} broken links in {kind} pages:\n" + "\n".join(map(str, broken))


def test_checker_catches_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<p id="here"><a href="/a/">ok</a><a href="#here">ok</a><a href="../a/#here">ok</a>'
        '<a href="https://example.org/x">external</a><a href="https://open.coop/a/">own ok</a>'
        '<img src="/missing.png" alt=""><a href="#nowhere">bad</a>'
        '<img srcset="pic.png 1x, /a/big.png 2x" alt=""><a href="https://open.coop/gone/">own bad</a>')
    (tmp_path / "a" / "pic.png").write_bytes(b"")
    broken = broken_links(tmp_path, [tmp_path / "a" / "index.html"], "https://open.coop")
    assert sorted(b.url for b in broken) == ["#nowhere", "/a/big.png", "/missing.png",
                                             "https://open.coop/gone/"]
