"""Invoke tasks, mirroring pelican-quickstart's (html, clean, regenerate, serve, devserver,
publish) plus check and test. The Makefile calls these, so both stay in step."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
PY = sys.executable

CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "deploy_path": str(ROOT / "output"),
    "host": os.environ.get("BIND", "127.0.0.1"),
    "port": int(os.environ.get("PORT", "8000")),
}


def _env() -> dict:
    # plugins/ holds the `publishing` package that runs the build.
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "plugins"), os.environ.get("PYTHONPATH")]))}
    return env


def _publishing(c, args: str, **kwargs):
    return c.run(f'"{PY}" -m publishing {args}', env=_env(), pty=False, **kwargs)


@task
def html(c):
    """Build the site into output/ (staged: a failed build leaves output/ untouched)."""
    _publishing(c, f"build -s {CONFIG['settings_base']}")


build = html


@task
def clean(c):
    """Remove the generated site and caches."""
    for path in (CONFIG["deploy_path"], ROOT / "cache"):
        shutil.rmtree(path, ignore_errors=True)


@task
def regenerate(c):
    """Rebuild whenever content, theme or plugins change (no server)."""
    _publishing(c, f"serve --autoreload --bind 127.0.0.1 --port 0 -s {CONFIG['settings_base']}")


@task
def serve(c, bind=CONFIG["host"], port=CONFIG["port"]):
    """Serve output/ at http://127.0.0.1:8000/."""
    _publishing(c, f"serve --bind {bind} --port {port} -s {CONFIG['settings_base']}")


@task
def devserver(c, bind=CONFIG["host"], port=CONFIG["port"]):
    """Live preview: serve and rebuild on every change, reporting content errors without stopping."""
    _publishing(c, f"serve --autoreload --bind {bind} --port {port} -s {CONFIG['settings_base']}")


@task
def publish(c):
    """Build the public site with publishconf.py (absolute URLs from SITEURL)."""
    _publishing(c, f"build -s {CONFIG['settings_publish']}")


@task
def check(c):
    """Validate all content without writing anything; one line per problem."""
    _publishing(c, f"check -s {CONFIG['settings_base']}")


@task
def test(c, args=""):
    """Run the test suite, quality gates and browser checks included."""
    c.run(f'"{PY}" -m pytest {args}', env=_env(), pty=False)


@task(name="test-fast")
def test_fast(c, args=""):
    """Run the test suite without the browser checks (pytest marker `browser`)."""
    c.run(f'"{PY}" -m pytest -m "not browser" {args}', env=_env(), pty=False)


@task
def audit(c, min_score=0):
    """Build the site, then print Lighthouse scores for the home, a post and the events page."""
    html(c)
    output = CONFIG["deploy_path"]
    c.run(f'"{PY}" tools/audit/audit.py "{output}" --min-score {min_score}',
          env=_env(), pty=False)


@task
def screenshots(c):
    """Refresh docs/screenshots/: each browser-checked page at 1280 px light and 375 px dark."""
    target = ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory() as folder:
        c.run(f'"{PY}" -m pytest -q -m browser tests/gates', env={**_env(), "GATES_SCREENSHOTS": folder},
              pty=False, warn=True)
        shots = sorted(Path(folder).glob("*-1280-light.png")) + sorted(Path(folder).glob("*-375-dark.png"))
        if not shots:
            raise SystemExit("no screenshots were taken: see the test output above")
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for shot in shots:
            shutil.copy(shot, target / shot.name)
