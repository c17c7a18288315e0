"""JSON files in CACHE_PATH: read leniently, written atomically."""

from __future__ import annotations

import json
import os
import tempfile


def load(path: str, version: int) -> dict:
    """The data saved at ``path`` by this ``version`` of its writer; {} if missing or unreadable
    (a cache that cannot be read is simply rebuilt)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == version else {}


def save(path: str, version: int, data: dict) -> None:
    """Write ``data`` (with ``version``) so that a reader never sees a half-written file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as fh:
        json.dump({"version": version, **data}, fh)
    os.replace(temporary, path)
