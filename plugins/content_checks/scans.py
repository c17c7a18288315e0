"""Each source file's findings kept from one build to the next, by the SHA-256 of its bytes.

A warm build after one edit scans one file instead of all of them. The findings live beside
Pelican's content cache (CACHE_PATH, which the speed layer keeps apart per configuration and
plugin code) and only while that cache is on, so ``FASTBUILD = False`` keeps none.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .settings import CheckSettings

FILE = "content-checks-scans.pickle"
VERSION = 1

# (path, settings) -> (SHA-256 of the bytes scanned, their findings): this process's scans.
_known: dict[tuple[str, CheckSettings], tuple[bytes, object]] = {}
_loaded: set[str] = set()
# The entries asked for since the last save: only these are kept (a deleted file's go).
_used: set[tuple[str, CheckSettings]] = set()
_dirty = False


def cache_file(settings: dict) -> str | None:
    """Where the findings are kept, None when Pelican's content cache is off."""
    if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE")
            and settings.get("CACHE_PATH")):
        return None
    return os.path.join(settings["CACHE_PATH"], FILE)


def load(settings: dict) -> None:
    """Take in the findings kept by an earlier build (once per process and cache file)."""
    path = cache_file(settings)
    if path is None or path in _loaded:
        return
    _loaded.add(path)
    try:
        with open(path, "rb") as fh:
            version, kept = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return
    if version == VERSION and isinstance(kept, dict):
        for key, value in kept.items():
            _known.setdefault(key, value)


def save(settings: dict) -> None:
    """Keep this process's findings for the next build (replacing the file, never writing into
    it, so a build stopped half-way leaves the previous file whole)."""
    global _dirty
    path = cache_file(settings)
    used = {key: _known[key] for key in _used if key in _known}
    _used.clear()
    pruned = len(used) < len(_known)
    _known.clear()
    _known.update(used)
    if path is None or not (_dirty or pruned):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    partial = f"{path}.{os.getpid()}.partial"
    try:
        with open(partial, "wb") as fh:
            pickle.dump((VERSION, _known), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        _dirty = False
    except OSError:
        Path(partial).unlink(missing_ok=True)


def remembered(path: str, settings: CheckSettings, data: bytes, scan) -> object:
    """``scan(data, settings)``, or what it gave for these very bytes before."""
    global _dirty
    digest = hashlib.sha256(data).digest()
    _used.add((path, settings))
    known = _known.get((path, settings))
    if known is not None and known[0] == digest:
        return known[1]
    findings = scan(data, settings)
    _known[(path, settings)] = (digest, findings)
    _dirty = True
    return findings
