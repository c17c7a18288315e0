"""Warm builds take unchanged event files from CACHE_PATH instead of parsing and validating them.

Only files that loaded without a single problem are stored, so every problem is still found by
loader.load_event and reported exactly as before. An entry is used when the file's bytes, its
path and the defaults load_event was given are the same; the settings, library versions and
plugin code it also depends on are covered by CACHE_PATH itself, which the fastbuild plugin
namespaces by a fingerprint of all of them. Events are pickled as soon as they are read, before
the generator adds its per-build values (next occurrence, Tag objects, texts).

Follows Pelican's cache settings: LOAD_CONTENT_CACHE to read the cache, CACHE_CONTENT to write it.
"""

from __future__ import annotations

import logging
import os
import pickle

from publishing.jsonfile import write_atomically
from fastbuild.outputcache import make_key

from .model import Event

logger = logging.getLogger(__name__)
VERSION = 1


class EventReadCache:
    """The events of the previous build, by file path relative to the content folder."""

    def __init__(self, settings: dict) -> None:
        cache_path = settings.get("CACHE_PATH") or ""
        self.loading = bool(cache_path and settings.get("LOAD_CONTENT_CACHE"))
        self.saving = bool(cache_path and settings.get("CACHE_CONTENT"))
        self.path = os.path.join(cache_path, "events", "read.pickle")
        self._old: dict[str, tuple[str, bytes]] = self._load() if self.loading else {}
        self._new: dict[str, tuple[str, bytes]] = {}
        self.hits = 0

    def _load(self) -> dict[str, tuple[str, bytes]]:
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
        except Exception:  # noqa: BLE001 - a missing or unreadable cache is only a cold build
            return {}
        return data.get("events", {}) if data.get("version") == VERSION else {}

    def get(self, relative: str, key: str) -> Event | None:
        """The event read from ``relative`` when it had this ``key`` (see file_key), else None."""
        entry = self._old.get(relative)
        if entry is None or entry[0] != key:
            return None
        try:
            event = pickle.loads(entry[1])
        except Exception:  # noqa: BLE001 - a damaged entry is read again from the file
            return None
        self._new[relative] = entry
        self.hits += 1
        return event

    def put(self, relative: str, key: str, event: Event) -> None:
        """Store an event that loaded with no problems, before the build adds anything to it."""
        if self.saving:
            self._new[relative] = (key, pickle.dumps(event, protocol=pickle.HIGHEST_PROTOCOL))

    def save(self) -> None:
        """Write this build's entries (files gone since the previous build drop out)."""
        if not self.saving or self._new == self._old:
            return
        data = {"version": VERSION, "events": self._new}
        write_atomically(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        logger.debug("%s: %d of %d events reused", self.path, self.hits, len(self._new))


def file_key(raw: bytes, path: str, default_slug: str, default_timezone: str | None) -> str:
    """Everything load_event reads besides the settings: the bytes and its arguments."""
    return make_key(raw, path, default_slug, default_timezone)
