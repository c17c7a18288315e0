"""`make devserver`: a live preview that rebuilds on change and survives content errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from workflow_support import TINY_POST, env_for, free_port, project_copy

LIMIT = 60  # seconds any single wait may take before the test fails


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _page_with(url: str, text: str) -> str | None:
    page = _fetch(url)
    return page if page and text in page else None


def _wait_for(condition, what: str, proc: subprocess.Popen, log) -> object:
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc.poll() is not None:
            pytest.fail(f"devserver exited ({proc.returncode}) waiting for {what}:\n{log()}")
        time.sleep(0.2)
    pytest.fail(f"no {what} within {LIMIT} s:\n{log()}")


def test_devserver_serves_rebuilds_and_survives_a_content_error(tmp_path):
    project = project_copy(tmp_path / "project", real_content=False)
    post = project / "content/posts/hello.md"
    port = free_port()
    errors = tmp_path / "devserver.err"
    url = f"http://127.0.0.1:{port}/blog/2020/05/hello/"
    with open(errors, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "publishing", "serve", "--autoreload", "--port", str(port),
             "-s", "pelicanconf.py"],
            cwd=project, env=env_for(project), stdout=subprocess.DEVNULL, stderr=err,
            start_new_session=True)  # its own process group: the rebuild children stop with it

    def log() -> str:
        return errors.read_text(encoding="utf-8", errors="replace")

    try:
        first = _wait_for(lambda: _fetch(url), "first page", proc, log)
        assert "Hello there" in first

        post.write_text(TINY_POST.format(title="Changed while serving"), encoding="utf-8")
        changed = _wait_for(lambda: _page_with(url, "Changed while serving"), "rebuilt page",
                            proc, log)
        assert "Hello there" not in changed
        # Each rebuild swaps in a new output/; the preview re-indexes it so /search/ keeps working.
        root = url.split("/", 3)[:3]
        _wait_for(lambda: _fetch("/".join(root) + "/pagefind/pagefind.js"), "search index", proc, log)

        post.write_text(TINY_POST.format(title="Broken").replace("Commons", "Gardening"),
                        encoding="utf-8")
        _wait_for(lambda: "field 'category': unknown category 'Gardening'" in log(),
                  "content error on stderr", proc, log)
        assert "hello.md:3: field 'category'" in log()
        assert proc.poll() is None, "the devserver must keep running after a content error"
        still = _fetch(url)
        assert still is not None and "Changed while serving" in still, "last good build served"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=LIMIT)
    assert proc.returncode is not None
