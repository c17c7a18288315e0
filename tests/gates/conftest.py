"""Session fixtures for the quality gates: the built site served on 127.0.0.1, one Chromium for
all browser checks (the `browser` fixture in tests/conftest.py), and one Nu Html Checker run over the whole output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .gates_support import message_path, run_vnu, serve_folder


@pytest.fixture(scope="session")
def served_site(searchable_site: Path):
    # With the search index, as readers get it: the search page is checked working, not degraded.
    server = serve_folder(searchable_site)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# A page with two errors the checker must report: proof the gate can fail.
INVALID_PAGE = ('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                '<body><p id="a">one</p><p id="a">two</div></body></html>')


@pytest.fixture(scope="session")
def vnu_report(real_site: Path, tmp_path_factory) -> dict[str, list[dict]]:
    """One Nu Html Checker run over the built site and INVALID_PAGE (each run starts a Java
    virtual machine): the site's errors and the invalid page's, apart."""
    invalid = tmp_path_factory.mktemp("vnu-invalid")
    (invalid / "broken").mkdir()
    (invalid / "broken" / "index.html").write_text(INVALID_PAGE, encoding="utf-8")
    report: dict[str, list[dict]] = {"site": [], "invalid": []}
    for message in run_vnu(real_site, invalid):
        report["invalid" if message_path(message).is_relative_to(invalid) else "site"].append(message)
    return report


@pytest.fixture(scope="session")
def vnu_errors(vnu_report) -> list[dict]:
    return vnu_report["site"]


@pytest.fixture(scope="session")
def screenshot_dir() -> Path | None:
    """Where each checked page's screenshot goes: GATES_SCREENSHOTS=folder (invoke screenshots
    sets it); None, and no screenshots, otherwise."""
    chosen = os.environ.get("GATES_SCREENSHOTS")
    if not chosen:
        return None
    folder = Path(chosen)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
