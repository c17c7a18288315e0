"""When each event file was last changed: the calendars' DTSTAMP and LAST-MODIFIED for events
without ``updated:``.

The last commit that touched a file, as git records it, is the same in every full clone and
every build (a shallow clone is warned about: its oldest commit seems to touch every file); a
file with changes not yet committed (or outside git) has its modification time instead. Never
the build's clock: a subscriber's client would see every event change on every deploy.
"""

from __future__ import annotations

import logging
import os
import subprocess
from datetime import datetime, timezone

logger = logging.getLogger(__name__)


def _git(folder: str, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True,
                              encoding="utf-8", timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _shallow_ends(folder: str) -> set[str]:
    """The commits where a shallow clone's history is cut off (none in a full clone)."""
    if (_git(folder, "rev-parse", "--is-shallow-repository") or "").strip() != "true":
        return set()
    listed = (_git(folder, "rev-parse", "--git-path", "shallow") or "").strip()
    try:
        with open(os.path.join(folder, listed), encoding="utf-8") as fh:
            return set(fh.read().split())
    except OSError:
        return set()


def _committed(folder: str, under: str) -> tuple[dict[str, datetime], set[str]]:
    """Paths in ``under`` (relative to ``folder``, "/"-separated) with the time of their last
    commit, leaving out those with uncommitted changes; and those whose last commit in a
    shallow clone is where its history is cut off (the file may have changed long before)."""
    log = _git(folder, "log", "--relative", "--format=%x01%ct %H", "--name-only",
               "--no-renames", "--", under)
    if log is None:
        return {}, set()
    ends = _shallow_ends(folder)
    found: dict[str, datetime] = {}
    cut: set[str] = set()
    moment, commit = None, ""
    for line in log.splitlines():
        if line.startswith("\x01"):
            stamp, _, commit = line[1:].partition(" ")
            moment = datetime.fromtimestamp(int(stamp), timezone.utc)
        elif line and moment is not None and line not in found:  # newest commit first
            found[line] = moment
            if commit in ends:
                cut.add(line)
    changed = _git(folder, "diff", "--name-only", "--relative", "HEAD", "--", under) or ""
    for line in changed.splitlines():
        found.pop(line, None)
    return found, cut & set(found)


def last_changes(folder: str, under: str, relatives: list[str]) -> dict[str, datetime]:
    """``relatives`` (paths under ``folder``, all in its subfolder ``under``) mapped to when
    each was last changed."""
    committed, cut = _committed(folder, under) if relatives else ({}, set())
    if cut:
        logger.warning(
            "events: this clone holds only part of git's history (a shallow clone): %d event "
            "file(s) seem last changed by the oldest commit it has, so those without 'updated:' "
            "are dated by it, which moves with every push: calendar apps would see them change "
            "each time. Build from a full clone (git fetch --unshallow; in GitHub Actions, "
            "actions/checkout with fetch-depth: 0).",
            len(cut))
    result = {}
    for relative in relatives:
        key = relative.replace(os.sep, "/")
        if key in committed:
            result[relative] = committed[key]
            continue
        try:
            seconds = int(os.stat(os.path.join(folder, relative)).st_mtime)
        except OSError:
            continue
        result[relative] = datetime.fromtimestamp(seconds, timezone.utc)
    return result
