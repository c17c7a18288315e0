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


def test_a_shallow_clone_is_named_not_trusted_silently(tmp_path, caplog):
    # CI checks out one commit by default: its history then starts at the newest commit, which
    # seems to have touched every event, and moves with every push.
    origin = tmp_path / "origin"
    (origin / "content" / "events").mkdir(parents=True)
    (origin / "content" / "events" / "old.yaml").write_text("title: x\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q", str(origin)], check=True)
    for when, command in ((COMMITTED, ["add", "."]), (COMMITTED, ["commit", "-q", "-m", "event"]),
                          (TOUCHED, ["commit", "-q", "--allow-empty", "-m", "later"])):
        subprocess.run(["git", "-C", str(origin), *command], check=True,
                       env={**env, "GIT_AUTHOR_DATE": when.isoformat(),
                            "GIT_COMMITTER_DATE": when.isoformat()})
    for depth, name in ((None, "full"), ("1", "shallow")):
        clone = tmp_path / name
        subprocess.run(["git", "clone", "-q", *(["--depth", depth] if depth else []),
                        origin.as_uri(), str(clone)], check=True)
        caplog.clear()
        found = last_changes(str(clone / "content"), "events", ["events/old.yaml"])
        warned = [r.getMessage() for r in caplog.records if "shallow clone" in r.getMessage()]
        if name == "full":
            assert found == {"events/old.yaml": COMMITTED} and not warned
        else:
            assert found == {"events/old.yaml": TOUCHED}
            assert warned and "fetch-depth: 0" in warned[0]
