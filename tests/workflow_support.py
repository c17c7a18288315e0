"""Helpers for the contributor-workflow tests: a throwaway copy of the project, and running its
make targets and invoke tasks the way a contributor would."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import textwrap
from pathlib import Path

from conftest import EPOCH, ROOT

PROJECT_FILES = ["pelicanconf.py", "publishconf.py", "tasks.py", "Makefile", "requirements.txt"]
PROBLEM_LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): field '(?P<field>[^']+)': (?P<msg>.+)$")

TINY_POST = """\
Title: {title}
Date: 2020-05-01 10:00
Category: Commons
Tags: commons
Authors: Ada Lovelace
Summary: A short summary.
Slug: hello

Some text.
"""


def project_copy(dest: Path, real_content: bool = True) -> Path:
    """Copy the project (not its output or git history) into ``dest``; share the venv."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("theme", "plugins") + (("content",) if real_content else ()):
        shutil.copytree(ROOT / folder, dest / folder, ignore=ignore)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, dest / name)  # copy2: keeps requirements.txt older than the stamp
    (dest / ".venv").symlink_to(ROOT / ".venv")
    # The tools npm installed (the editor that make publish puts in the site) are shared too.
    (dest / "tools").symlink_to(ROOT / "tools")
    if not real_content:
        posts = dest / "content" / "posts"
        posts.mkdir(parents=True)
        (dest / "content" / "pages").mkdir()
        (posts / "hello.md").write_text(TINY_POST.format(title="Hello there"), encoding="utf-8")
    return dest


def env_for(project: Path, **extra: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(project / "plugins"), "SOURCE_DATE_EPOCH": EPOCH}
    for key in ("SITEURL", "TITLE", "CATEGORY", "TAGS", "AUTHOR", "START", "TZ", "TIMEZONE", "MAKEFLAGS",
                "DEPLOY_REMOTE", "DEPLOY_BRANCH", "DEPLOY_RSYNC_TARGET"):
        env.pop(key, None)
    # No WebSub hub unless a test names one: a deploy must never ping a hub on the internet.
    env["WEBSUB_HUB"] = ""
    env.update(extra)
    return env


def make(project: Path, *args: str, env: dict | None = None,
         timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=project,
                          env=env or env_for(project), capture_output=True, text=True,
                          timeout=timeout)


def invoke(project: Path, *args: str, env: dict | None = None,
           timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv" / "bin" / "invoke"), *args], cwd=project,
                          env=env or env_for(project), capture_output=True, text=True,
                          timeout=timeout)


def problems(text: str) -> list[dict]:
    """The ``path:line: field 'x': message`` lines of a check's output, parsed."""
    found = []
    for line in text.splitlines():
        match = PROBLEM_LINE.match(line.strip())
        if match:
            found.append({**match.groupdict(), "line": int(match.group("line"))})
    return found


def header(path: Path) -> dict[str, str]:
    fields = {}
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.strip():
            break
        key, _, value = text.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def contributing_example(section: str, language: str) -> str:
    """The first ```language block after the ``## section`` heading of CONTRIBUTING.md."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    match = re.compile(rf"```{language}\n(.*?)```", re.DOTALL).search(text, start)
    assert match, f"no {language} example under '{section}'"
    return match.group(1)


def git(cwd, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout
