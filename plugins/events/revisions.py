"""When each event file was last changed: the calendars' DTSTAMP and LAST-MODIFIED for events
without ``updated:``.

The last commit that touched a file, as git records it, is the same in every clone and every
build; a file with changes not yet committed (or outside git) has its modification time
instead. Never the build's clock: a subscriber's client would see every event change on every
deploy.
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


def _committed(folder: str, under: str) -> dict[str, datetime]:
    """Paths in ``under`` (relative to ``folder``, "/"-separated) with the time of their last
    commit, leaving out those with uncommitted changes."""
    log = _git(folder, "log", "--relative", "--format=%x01%ct", "--name-only", "--no-renames",
               "--", under)
    if log is None:
        return {}
    found: dict[str, datetime] = {}
    moment = None
    for line in log.splitlines():
        if line.startswith("\x01"):
            moment = datetime.fromtimestamp(int(line[1:]), timezone.utc)
        elif line and moment is not None:
            found.setdefault(line, moment)  # newest commit first
    changed = _git(folder, "diff", "--name-only", "--relative", "HEAD", "--", under) or ""
    for line in changed.splitlines():
        found.pop(line, None)
    return found


def last_changes(folder: str, under: str, relatives: list[str]) -> dict[str, datetime]:
    """``relatives`` (paths under ``folder``, all in its subfolder ``under``) mapped to when
    each was last changed."""
    committed = _committed(folder, under) if relatives else {}
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
