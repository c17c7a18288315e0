"""HTML gate: the Nu Html Checker (npm vnu-jar) reports no error in any built page."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gates_support import (ALL_KINDS, REQUIRED_KINDS, kind_of, message_path, missing,
                           pages_by_kind)


def _relative(message: dict, output: Path) -> str:
    path = message_path(message)
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


def test_checker_catches_invalid_html(vnu_report):
    """The page in the same run as the site (conftest's INVALID_PAGE) gets its two errors."""
    messages = {m["message"] for m in vnu_report["invalid"]}
    assert any("Duplicate ID" in m for m in messages), messages
    assert any("Stray end tag" in m for m in messages), messages
