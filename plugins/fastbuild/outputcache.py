"""Reuse of output files whose inputs did not change since the previous build.

Each producer of output files (the page writer, the feeds, the calendars) keeps its own manifest
in CACHE_PATH: for every file it wrote, a key of everything the file was made from, and the
file's identity (inode, size, modification time) at the final output location. On the next build,
a file whose key is unchanged and that still sits untouched in the previous output is linked into
the staging folder (``reuse``) or left where it is (``keep``: the page writer, which also records
which files each of its calls produced) instead of being produced again.

The identity check is what makes this safe across ``make html`` and ``make publish`` (or a
``make clean``): any other build that replaced the file changes its inode or time, so the file is
produced again. A failed build leaves the previous output in place but its manifest describes
files that never got there, so nothing stale is reused either.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from typing import Callable

from publishing import jsonfile

from .settings import read as read_config

logger = logging.getLogger(__name__)

VERSION = 1


def hash_parts(*parts: bytes) -> bytes:
    """A 16-byte hash of ``parts``, each length-prefixed so no two sequences hash alike."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()


def make_key(*parts: object) -> str:
    """A short stable hash of ``parts`` (strings, bytes or anything with a stable ``str``)."""
    return hash_parts(*(part if isinstance(part, bytes)
                        else str(part).encode("utf-8", "surrogatepass") for part in parts)).hex()


def enabled(settings: dict) -> bool:
    config = read_config(settings)
    return config.enabled and config.output_cache and bool(settings.get("CACHE_PATH"))


class OutputCache:
    """One producer's record of the files it made; see the module docstring."""

    VERSION = VERSION

    def __init__(self, settings: dict, name: str, output_path: str) -> None:
        self.enabled = enabled(settings)
        self.staging = os.path.abspath(output_path)
        self.final = os.path.abspath(settings.get("OUTPUT_PATH") or output_path)
        self.path = os.path.join(settings.get("CACHE_PATH") or "", "outputs", f"{name}.json")
        old = self._load() if self.enabled else {}
        self._old: dict[str, list] = old.get("files", {})
        self._new: dict[str, list] = {}
        # Groups of files one call produced together (a listing's pages), by the call's name.
        self._old_calls: dict[str, list] = old.get("calls", {})
        self._new_calls: dict[str, list] = {}
        # Files left where they are in the previous output instead of being put in the staging
        # folder: the build then brings the output up to date file by file (publishing.site).
        self.kept: set[str] = set()
        self.reused = 0

    def _load(self) -> dict[str, dict]:
        data = jsonfile.load(self.path, VERSION)
        return data if data.get("output") == self.final else {}

    def previous(self, relpath: str) -> tuple[str, dict] | None:
        """(key, deps) the previous build recorded for ``relpath``, if its file is still there."""
        entry = self._old.get(relpath)
        if not entry:
            return None
        key, identity, deps = entry
        try:
            stat = os.stat(os.path.join(self.final, relpath))
        except OSError:
            return None
        if [stat.st_ino, stat.st_size, stat.st_mtime_ns] != identity:
            return None
        return key, deps

    def reuse(self, relpath: str, key: str,
              deps_ok: Callable[[dict], bool] | None = None) -> bool:
        """Put the previous build's ``relpath`` into the staging folder if it was made from
        ``key`` (and ``deps_ok(deps)`` holds); False means the caller must produce it."""
        if not self.enabled:
            return False
        previous = self.previous(relpath)
        if previous is None or previous[0] != key:
            return False
        if deps_ok is not None and not deps_ok(previous[1]):
            return False
        source = os.path.join(self.final, relpath)
        target = os.path.join(self.staging, relpath)
        if source != target:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                # A hard link: instant, and the old tree is deleted after the swap anyway.
                # Writers replace files rather than write into them (see replace_before_write).
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        self._new[relpath] = [key, previous[1]]
        self.reused += 1
        return True

    def previous_call(self, name: str) -> tuple[str, list[str]] | None:
        """(key, files) the previous build recorded for the call ``name``."""
        call = self._old_calls.get(name)
        return (call[0], call[1]) if call else None

    def record_call(self, name: str, key: str, files: list[str]) -> None:
        """Remember that the call ``name``, made from ``key``, produced ``files`` (each recorded
        with ``record`` or ``keep``)."""
        self._new_calls[name] = [key, files]

    def keep(self, relpath: str, key: str, deps: dict) -> None:
        """Remember that the previous build's ``relpath`` (``previous`` found it made from
        ``key``) stays in the output as it is, not put in the staging folder."""
        self._new[relpath] = [key, deps]
        self.kept.add(relpath)
        self.reused += 1

    def record(self, relpath: str, key: str, deps: dict | None = None) -> None:
        """Remember that ``relpath`` was just written into the staging folder from ``key``."""
        if self.enabled:
            self._new[relpath] = [key, deps or {}]

    def save(self) -> None:
        """Write the manifest: each recorded file's key and its identity in the staging folder
        (renaming it into place keeps inode, size and time), or in the output if kept there."""
        if not self.enabled:
            return
        files = {}
        for relpath, (key, deps) in self._new.items():
            folder = self.final if relpath in self.kept else self.staging
            try:
                stat = os.stat(os.path.join(folder, relpath))
            except OSError:
                continue
            files[relpath] = [key, [stat.st_ino, stat.st_size, stat.st_mtime_ns], deps]
        calls = {name: call for name, call in self._new_calls.items()
                 if all(relpath in files for relpath in call[1])}
        jsonfile.save(self.path, VERSION, {"output": self.final, "files": files, "calls": calls})
        logger.debug("%s: %d of %d files reused", self.path, self.reused, len(files))


def replace_before_write(path: str) -> None:
    """Unlink ``path`` if it exists, so writing it cannot change a hard-linked previous output."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_new(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` as a new file (its folder made, any file there replaced, never
    written into: it may be a hard link to the previous output)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    replace_before_write(path)
    with open(path, "wb") as handle:
        handle.write(data)
