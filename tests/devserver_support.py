"""A running ``python -m publishing serve --autoreload`` for tests: start it on a free port of a
project copy, wait for its rebuilds, stop it the way a terminal's Ctrl-C does."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from workflow_support import env_for, free_port

WINDOWS = os.name == "nt"
LIMIT = 90  # seconds any single wait may take before the test fails
# One line as each build starts and one as it ends, good or failed (publishing/devserver.py).
STARTED = re.compile(r"^(Building the site|Changed: )", re.MULTILINE)
FINISHED = re.compile(r"^(Rebuilt in |Rebuild stopped |\d+ problem\(s\); the preview)", re.MULTILINE)


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


class Devserver:
    def __init__(self, project: Path, log: Path, **env: str) -> None:
        self.project, self.log_path = project, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "publishing", "serve", "--autoreload", "--port",
                str(self.port), "-s", "pelicanconf.py"]
        # Its own process group, as a terminal's foreground job: Ctrl-C reaches all of it.
        group = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if WINDOWS
                 else {"start_new_session": True})
        with open(log, "w", encoding="utf-8") as err:
            self.proc = subprocess.Popen(args, cwd=project, env=env_for(project, **env),
                                         stdout=subprocess.DEVNULL, stderr=err, **group)
        self.seen = 0

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def finished(self) -> int:
        return len(FINISHED.findall(self.log()))

    def wait_for(self, condition, what: str, limit: float = LIMIT):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.proc.poll() is not None:
                pytest.fail(f"devserver exited ({self.proc.returncode}) waiting for {what}:\n"
                            f"{self.log()}")
            time.sleep(0.05)
        pytest.fail(f"no {what} within {limit} s:\n{self.log()}")

    def idle(self) -> bool:
        log = self.log()
        return len(STARTED.findall(log)) == len(FINISHED.findall(log))

    def settle(self) -> None:
        """Wait for the rebuild a change started, and for any other one it queued."""
        self.wait_for(lambda: self.finished() > self.seen, "rebuild")
        while True:
            self.wait_for(self.idle, "rebuild")
            self.seen = self.finished()
            time.sleep(0.3)  # events of the same save arrive within this
            if self.idle() and self.finished() == self.seen:
                return

    def interrupt(self) -> int:
        """Ctrl-C in the terminal (SIGINT to the whole process group; Ctrl-Break on Windows,
        which a process group started apart gets); its exit code."""
        if WINDOWS:
            os.kill(self.proc.pid, signal.CTRL_BREAK_EVENT)
        else:
            os.killpg(self.proc.pid, signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            if WINDOWS:
                self.proc.kill()
            else:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def group_alive(self, limit: float = 10.0) -> bool:
        """Whether any process of the devserver's group still runs after ``limit`` seconds
        (multiprocessing's resource tracker leaves once the supervisor has gone)."""
        if WINDOWS:  # no process groups to ask: the supervisor stops its builder itself
            return self.proc.poll() is None
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return False
            time.sleep(0.1)
        return True
