"""Cache files in CACHE_PATH: JSON read leniently, anything written atomically."""

from __future__ import annotations

import contextlib
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
    write_atomically(path, json.dumps({"version": version, **data}).encode("utf-8"))


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (the temporary file is
    removed when either fails)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
