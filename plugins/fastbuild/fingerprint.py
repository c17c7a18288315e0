"""Separates content caches (and output manifests) by what the cached reads depend on.

Pelican's reader cache stores each file's HTML and processed metadata (dates in TIMEZONE, Tag and
Category objects carrying the settings) and checks only the file itself. A cache written with
other settings (``make publish`` after ``make html``), another Markdown configuration, or other
library or plugin versions would hand back stale values, so each combination gets its own
sub-folder of CACHE_PATH, named by a hash of all of it. The output manifests of
outputcache.py live there too, so their keys only need to cover content and templates. The
folders of configurations not built lately are deleted (``KEPT``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from importlib import metadata
from pathlib import Path

from .settings import read as read_config

logger = logging.getLogger(__name__)
# Where files are written and which caches are used, not what the files say: the staged build,
# tests and the benchmark vary these freely.
IGNORED = {"OUTPUT_PATH", "OUTPUT_RETENTION", "CACHE_PATH", "FASTBUILD_WORKERS",
           "FASTBUILD_MIN_FILES", "FASTBUILD_MIN_PAGES", "OUTPUT_CACHE", "CACHE_CONTENT",
           "LOAD_CONTENT_CACHE"}
# Configurations whose caches are kept: ``make html``, ``make publish``, a test or benchmark run...
KEPT = 4
_FOLDER = re.compile(r"[0-9a-f]{16}")
LIBRARIES = ("pelican", "Markdown", "Pygments", "docutils", "Jinja2", "MarkupSafe", "feedgen", "lxml",
             "icalendar", "PyYAML", "python-dateutil")


def _plugin_sources(settings: dict) -> list[tuple[str, str]]:
    # Readers can be changed by any plugin, so a plugin edit must start a fresh cache. By
    # content: copies that keep a file's size and time (cp -p, rsync -t, tar) are edits too.
    stamps = []
    for base in settings.get("PLUGIN_PATHS", []):
        for path in sorted(Path(base).rglob("*.py")):
            stamps.append((path.relative_to(base).as_posix(),
                           hashlib.sha256(path.read_bytes()).hexdigest()))
    return stamps


def _stable(value: object) -> object:
    """JSON stand-in for sets and objects, free of memory addresses and hash order."""
    if isinstance(value, (set, frozenset)):
        return sorted(repr(v) for v in value)
    name = getattr(value, "__qualname__", type(value).__qualname__)
    return f"{getattr(value, '__module__', type(value).__module__)}.{name}"


def fingerprint(settings: dict) -> str:
    """A short hash of every JSON-able setting, the library versions and the plugin sources."""
    relevant = {k: v for k, v in settings.items() if k.isupper() and k not in IGNORED}
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    blob = json.dumps([relevant, versions, _plugin_sources(settings)], sort_keys=True, default=_stable)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def cache_folder(settings: dict) -> str:
    """This configuration's own folder in CACHE_PATH (``settings`` as read_settings gives them)."""
    return os.path.join(settings["CACHE_PATH"], fingerprint(settings))


def namespace_cache(pelican) -> None:
    """initialized handler: point CACHE_PATH at this configuration's own sub-folder. With the
    speed layer off, Pelican's content cache is off too: nothing would keep it apart from other
    settings and code."""
    settings = pelican.settings
    if not read_config(settings).enabled:
        settings["CACHE_CONTENT"] = settings["LOAD_CONTENT_CACHE"] = False
        return
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")
            or settings.get("OUTPUT_CACHE")):
        return
    parent = settings["CACHE_PATH"]
    settings["CACHE_PATH"] = cache_folder(settings)
    logger.debug("Content cache in %s", settings["CACHE_PATH"])
    _forget_old(parent, settings["CACHE_PATH"])


def _forget_old(parent: str, current: str) -> None:
    """Delete the folders of configurations not built lately (each is as large as the site's
    sources): all but the KEPT most recently used, this one included."""
    os.makedirs(current, exist_ok=True)
    os.utime(current)  # its time says when it was last used
    try:
        folders = [entry for entry in os.scandir(parent)
                   if entry.is_dir(follow_symlinks=False) and _FOLDER.fullmatch(entry.name)]
    except OSError:
        return
    def last_used(entry: os.DirEntry) -> int:
        try:
            return entry.stat().st_mtime_ns
        except OSError:  # deleted meanwhile by another build
            return 0

    folders.sort(key=last_used, reverse=True)
    for entry in folders[KEPT:]:
        if os.path.abspath(entry.path) != os.path.abspath(current):
            shutil.rmtree(entry.path, ignore_errors=True)

