"""Invoke tasks, mirroring pelican-quickstart's (html, clean, regenerate, serve, devserver,
publish) plus check, test and bench. The Makefile calls these, so both stay in step."""

from __future__ import annotations

import os
import shutil
import sys
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
def bench(c, n=2000, rounds=3):
    """Benchmark against vanilla Pelican on a generated corpus; writes bench/results.json.

    ``invoke bench -n 2000`` (invoke spells one-letter options with one dash)."""
    c.run(f'"{PY}" bench/run.py --n {int(n)} --rounds {int(rounds)}', env=_env(), pty=False)


@task
def test(c, args=""):
    """Run the test suite."""
    c.run(f'"{PY}" -m pytest {args}', env=_env(), pty=False)
