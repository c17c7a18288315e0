"""When an event file last changed (plugins/events/revisions.py): its last commit in git, else
(uncommitted changes, or no git) its modification time."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone

from events.revisions import last_changes

COMMITTED = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
TOUCHED = datetime(2026, 9, 1, 12, 0, tzinfo=timezone.utc)


def test_last_commit_then_modification_time(tmp_path):
    events = tmp_path / "content" / "events"
    events.mkdir(parents=True)
    for name in ("kept.yaml", "edited.yaml"):
        (events / name).write_text("title: x\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMITTED.isoformat(),
           "GIT_COMMITTER_DATE": COMMITTED.isoformat(), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "events"]):
        subprocess.run(["git", "-C", str(tmp_path), *command], check=True, env=env)
    (events / "edited.yaml").write_text("title: y\n", encoding="utf-8")
    (events / "new.yaml").write_text("title: z\n", encoding="utf-8")
    for name in ("kept.yaml", "edited.yaml", "new.yaml"):
        os.utime(events / name, (TOUCHED.timestamp(), TOUCHED.timestamp()))
    found = last_changes(str(tmp_path / "content"), "events",
                         ["events/kept.yaml", "events/edited.yaml", "events/new.yaml"])
    assert found == {"events/kept.yaml": COMMITTED, "events/edited.yaml": TOUCHED,
                     "events/new.yaml": TOUCHED}
