"""Bring one folder up to date with another, touching only the files whose bytes differ.

The dev server builds into a private copy of the site and then syncs it into the served output
folder: an unchanged page keeps its file (and its modification time), a changed one is replaced
in one rename, so a browser never reads half a page.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ATTEMPTS = 20


@dataclass
class Changes:
    """What a sync did, as paths relative to the synced folder with forward slashes."""

    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.written or self.deleted)


def _files(folder: Path, skip: frozenset[str]) -> dict[str, os.stat_result]:
    found: dict[str, os.stat_result] = {}
    stack = [("", str(folder))]
    while stack:
        prefix, path = stack.pop()
        try:
            entries = list(os.scandir(path))
        except FileNotFoundError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if rel in skip:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append((rel + "/", entry.path))
            else:
                found[rel] = entry.stat(follow_symlinks=False)
    return found


def _retried(action: Callable[[], None]) -> None:
    """Windows refuses to replace or delete a file another thread has open (the server sending
    it) for a moment: try again a few times."""
    for attempt in range(ATTEMPTS):
        try:
            action()
            return
        except PermissionError:
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.05)


def place(source: Path, target: Path) -> None:
    """Put ``source``'s bytes at ``target`` in one rename: a hard link where the file system
    allows one (no copy), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.sync-{os.getpid()}")
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    _retried(lambda: os.replace(temporary, target))


class TreeSync:
    """Keeps ``target`` equal to ``source`` file by file. Entries named in ``keep`` (relative,
    top level or deeper) belong to someone else and are neither compared nor deleted.

    It remembers each pair of files it last found equal or made equal, so a later sync skips a
    pair without reading it while the target is the same file and the source has the same size
    and modification time (a build that reuses a page keeps its time)."""

    def __init__(self, source: Path, target: Path, keep: tuple[str, ...] = ()) -> None:
        self.source, self.target = Path(source), Path(target)
        self.keep = frozenset(keep)
        self._equal: dict[str, tuple[tuple[int, int], tuple[int, int, int]]] = {}

    def _same(self, rel: str, new: os.stat_result, old: os.stat_result) -> bool:
        if new.st_ino and (new.st_ino, new.st_dev) == (old.st_ino, old.st_dev):
            return True
        pair = ((new.st_size, new.st_mtime_ns), (old.st_ino, old.st_size, old.st_mtime_ns))
        if self._equal.get(rel) == pair:
            return True
        if new.st_size == old.st_size and filecmp.cmp(self.source / rel, self.target / rel,
                                                      shallow=False):
            self._equal[rel] = pair
            return True
        return False

    def run(self) -> Changes:
        wanted = _files(self.source, self.keep)
        if not os.path.lexists(self.target):
            return self._fill(wanted)
        changes = Changes()
        present = _files(self.target, self.keep)
        for rel, stat in sorted(wanted.items()):
            old = present.get(rel)
            if old is not None and self._same(rel, stat, old):
                continue
            _make_way(self.target, rel)
            place(self.source / rel, self.target / rel)
            placed = os.stat(self.target / rel)
            self._equal[rel] = ((stat.st_size, stat.st_mtime_ns),
                                (placed.st_ino, placed.st_size, placed.st_mtime_ns))
            changes.written.append(rel)
        for rel in sorted(set(present) - set(wanted)):
            path = self.target / rel
            # Gone already, or a folder now, if a new file needed its place (_make_way).
            if not (path.is_dir() and not path.is_symlink()) and os.path.lexists(path):
                _retried(path.unlink)
            self._equal.pop(rel, None)
            changes.deleted.append(rel)
        _prune(self.target, changes.deleted)
        return changes

    def _fill(self, wanted: dict[str, os.stat_result]) -> Changes:
        """A target that did not exist: each file linked straight to its name, each folder made
        once: nothing there to replace, so no temporary name and no rename."""
        changes = Changes()
        source, target = os.path.join(self.source, ""), os.path.join(self.target, "")
        made: set[str] = set()
        for rel, stat in sorted(wanted.items()):
            folder = os.path.dirname(target + rel)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            try:
                os.link(source + rel, target + rel)
                placed = stat  # the same file
            except OSError:
                place(self.source / rel, self.target / rel)
                placed = os.stat(target + rel)
            self._equal[rel] = ((stat.st_size, stat.st_mtime_ns),
                                (placed.st_ino, placed.st_size, placed.st_mtime_ns))
            changes.written.append(rel)
        return changes


def move_into(source: Path, target: Path, kept: set[str],
              retained: tuple[str, ...] = ()) -> Changes:
    """Make ``target`` hold exactly ``source``'s files and its own files named in ``kept``
    (relative, forward slashes) or under the entries named in ``retained`` (top level or
    deeper): each of ``source``'s files renamed into place, every other file of ``target``
    deleted. ``source`` is left with its folders."""
    source, target = Path(source), Path(target)
    changes = Changes()
    new = _files(source, frozenset())
    for rel in sorted(new):
        destination = target / rel
        _make_way(target, rel)
        _retried(lambda: os.replace(source / rel, destination))
        if os.path.lexists(source / rel):
            # Both names were links to one file (a file the build linked in, as the previous
            # build did): the rename left both in place.
            _retried((source / rel).unlink)
        changes.written.append(rel)
    for rel in sorted(set(_files(target, frozenset(retained))) - set(new) - kept):
        _retried((target / rel).unlink)
        changes.deleted.append(rel)
    _prune(target, changes.deleted)
    return changes


def _make_way(root: Path, rel: str) -> None:
    """Make the folders ``rel`` goes in, and clear what the previous tree had in its way: a
    file where one of those folders goes, a folder where the file goes (a page at ``x`` that
    became pages under ``x/``, or the reverse)."""
    destination = root / rel
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        folder = root
        for part in Path(rel).parts[:-1]:
            folder = folder / part
            if folder.is_file() or folder.is_symlink():
                _retried(folder.unlink)
        destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.is_dir() and not destination.is_symlink():
        shutil.rmtree(destination)


def _prune(target: Path, deleted: list[str]) -> None:
    """Remove the folders that deleting files left empty (a deleted post's folder)."""
    folders = {Path(rel).parent for rel in deleted}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        while folder != Path("."):
            try:
                (target / folder).rmdir()
            except OSError:
                break  # not empty (or gone)
            folder = folder.parent
