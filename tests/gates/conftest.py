"""Session fixtures for the quality gates: the built site served on 127.0.0.1, one Chromium for
all browser checks (the `browser` fixture in tests/conftest.py), and one Nu Html Checker run over the whole output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .gates_support import WEIGHTS, run_vnu, serve_folder, weight_table


@pytest.fixture(scope="session")
def served_site(searchable_site: Path):
    # With the search index, as readers get it: the search page is checked working, not degraded.
    server = serve_folder(searchable_site)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def vnu_errors(real_site: Path) -> list[dict]:
    return run_vnu(real_site)


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


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rows = config.stash.get(WEIGHTS, None)
    if rows:
        terminalreporter.write_sep("-", "page weight (HTML + CSS bytes, heaviest page per kind; "
                                        "editor: CSS column = CSS + scripts, no budget)")
        for line in weight_table(rows):
            terminalreporter.write_line(line)
