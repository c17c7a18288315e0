"""Defaults for the fast_markdown plugin, overridable in pelicanconf.py."""

from __future__ import annotations

import os

DEFAULTS = {
    # Worker processes for pre-rendering; None means one per core.
    "FAST_MARKDOWN_WORKERS": None,
    # Below this many files to render, a pool costs more than it saves: read them one by one.
    "FAST_MARKDOWN_MIN_FILES": 16,
}


def read(settings: dict) -> dict:
    values = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    if not values["FAST_MARKDOWN_WORKERS"]:
        values["FAST_MARKDOWN_WORKERS"] = os.cpu_count() or 1
    return values
