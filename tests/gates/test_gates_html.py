"""HTML gate: the Nu Html Checker (npm vnu-jar) reports no error in any built page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .gates_support import (ALL_KINDS, REQUIRED_KINDS, kind_of, missing,
                           pages_by_kind, run_vnu)


def _relative(message: dict, output: Path) -> str:
    path = Path(unquote(urlsplit(message.get("url", "")).path))
    try:
        return path.relative_to(output).as_posix()
    except ValueError:
        return str(path)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_page_is_valid_html(kind, real_site, vnu_errors):
    files = pages_by_kind(real_site)[kind]
    if not files and kind in REQUIRED_KINDS:
        missing(f"{kind} pages")
    errors = [m for m in vnu_errors if kind_of(_relative(m, real_site)) == kind]
    report = "\n".join(f"{_relative(m, real_site)}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: "
                       f"{m['message']}" for m in errors)
    assert not errors, f"{len(errors)} HTML errors in {kind} pages:\n{report}"


def test_checker_catches_invalid_html(tmp_path):
    page = tmp_path / "broken" / "index.html"
    page.parent.mkdir()
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                    '<body><p id="a">one</p><p id="a">two</div></body></html>')
    messages = {m["message"] for m in run_vnu(tmp_path)}
    assert any("Duplicate ID" in m for m in messages), messages
    assert any("Stray end tag" in m for m in messages), messages
