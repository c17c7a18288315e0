"""What a plugin worked out from a source file's bytes, kept from one build to the next by the
SHA-256 of those bytes.

A warm build after one edit then works out one file instead of all of them. The store lives
beside Pelican's content cache (CACHE_PATH, which the speed layer keeps apart per
configuration and plugin code) and only while that cache is on, so ``FASTBUILD = False`` keeps
none. Entries not asked for in a build (a deleted file's) are dropped when it is saved.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from typing import Callable, Hashable

from .jsonfile import write_atomically


class Remembered:
    """One plugin's store: ``file_name`` in CACHE_PATH, its entries keyed by (path,
    parameters)."""

    def __init__(self, file_name: str, version: int) -> None:
        self.file_name, self.version = file_name, version
        # (path, parameters) -> (SHA-256 of the bytes, what was worked out): this process's.
        self._known: dict[tuple[str, Hashable], tuple[bytes, object]] = {}
        self._loaded: set[str] = set()
        self._used: set[tuple[str, Hashable]] = set()
        self._dirty = False

    def cache_file(self, settings: dict) -> str | None:
        """Where the entries are kept, None when Pelican's content cache is off."""
        if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE")
                and settings.get("CACHE_PATH")):
            return None
        return os.path.join(settings["CACHE_PATH"], self.file_name)

    def load(self, settings: dict) -> None:
        """Take in the entries kept by an earlier build (once per process and cache file)."""
        path = self.cache_file(settings)
        if path is None or path in self._loaded:
            return
        self._loaded.add(path)
        try:
            with open(path, "rb") as fh:
                version, kept = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError,
                ImportError):
            return
        if version == self.version and isinstance(kept, dict):
            for key, value in kept.items():
                self._known.setdefault(key, value)

    def save(self, settings: dict) -> None:
        """Keep this process's entries for the next build (replacing the file, never writing
        into it, so a build stopped half-way leaves the previous file whole)."""
        path = self.cache_file(settings)
        used = {key: self._known[key] for key in self._used if key in self._known}
        self._used.clear()
        pruned = len(used) < len(self._known)
        self._known = used
        if path is None or not (self._dirty or pruned):
            return
        try:
            write_atomically(path, pickle.dumps((self.version, self._known),
                                                protocol=pickle.HIGHEST_PROTOCOL))
            self._dirty = False
        except OSError:
            pass  # not kept: the next build works everything out again

    def get(self, path: str, parameters: Hashable, data: bytes,
            work_out: Callable[[bytes], object]) -> object:
        """``work_out(data)``, or what it gave for these very bytes of ``path`` before.
        ``parameters``: everything else the result depends on beyond the configuration."""
        digest = hashlib.sha256(data).digest()
        key = (path, parameters)
        self._used.add(key)
        known = self._known.get(key)
        if known is not None and known[0] == digest:
            return known[1]
        result = work_out(data)
        self._known[key] = (digest, result)
        self._dirty = True
        return result
