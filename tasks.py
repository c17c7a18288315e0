"""Invoke tasks, mirroring pelican-quickstart's (html, clean, regenerate, serve, devserver,
publish) plus check, test, test-fast, audit, bench, deploy, the browser editor (editor) and the
contributor scaffolds (new-post, new-event, new-group). The Makefile calls these, so both stay
in step."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from invoke import Exit, task

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


def _plugins() -> None:
    # The scaffold and deploy helpers live beside the plugins; tasks import them lazily.
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))


def _publishing(c, args: str, **kwargs):
    return c.run(f'"{PY}" -m publishing {args}', env=_env(), pty=False, **kwargs)


@task
def html(c):
    """Build the site into output/ (staged: a failed build leaves output/ untouched)."""
    _publishing(c, f"build -s {CONFIG['settings_base']}")
    search_index(c)


build = html


@task(name="search-index")
def search_index(c):
    """Index output/ for the /search/ page with Pagefind (writes output/pagefind/)."""
    # Runs after the build has swapped the new site into place: the index must describe it.
    _publishing(c, f"index -s {CONFIG['settings_base']}")


@task
def clean(c):
    """Remove the generated site and caches."""
    for path in (CONFIG["deploy_path"], ROOT / "cache"):
        shutil.rmtree(path, ignore_errors=True)


@task
def regenerate(c):
    """Rebuild whenever content, theme or plugins change: the live preview's builder, its
    server on a free local port (make devserver gives one to open)."""
    _publishing(c, f"serve --autoreload --bind 127.0.0.1 --port 0 -s {CONFIG['settings_base']}")


@task
def serve(c, bind=CONFIG["host"], port=CONFIG["port"]):
    """Serve output/ at http://127.0.0.1:8000/."""
    _publishing(c, f"serve --bind {bind} --port {port} -s {CONFIG['settings_base']}")


@task
def devserver(c, bind=CONFIG["host"], port=CONFIG["port"]):
    """Live preview: one long-lived build follows every save and open tabs reload themselves;
    content errors show in the terminal and over the page without stopping it."""
    _publishing(c, f"serve --autoreload --bind {bind} --port {port} -s {CONFIG['settings_base']}")


@task
def editor(c, bind=CONFIG["host"], port=CONFIG["port"], backend_port=8081):
    """The browser editor on the working copy: decap-server (Decap CMS's local backend) writes
    content/ directly, no login, while the devserver shows the site and /admin/ rebuilds."""
    server = ROOT / "tools" / "editor" / "node_modules" / "decap-server" / "dist" / "index.js"
    if not server.is_file():
        raise Exit("editor: decap-server is not installed; run `make editor` (it installs it).",
                   code=1)
    env = {**os.environ, "PORT": str(backend_port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
           "GIT_REPO_DIRECTORY": str(ROOT)}
    backend = subprocess.Popen(["node", str(server)], env=env, cwd=ROOT)
    api = f"http://127.0.0.1:{int(backend_port)}/api/v1"
    print(f"Editor: http://{bind}:{port}/admin/ (changes are written to content/; Ctrl-C stops)")
    try:
        _publishing(c, f"serve --autoreload --bind {bind} --port {port} "
                       f"-s {CONFIG['settings_base']} -e EDITOR_LOCAL_BACKEND={api}")
    finally:
        backend.terminate()
        backend.wait(timeout=10)


@task
def publish(c):
    """Build the public site with publishconf.py (absolute URLs from SITEURL)."""
    _publishing(c, f"build -s {CONFIG['settings_publish']}")
    search_index(c)


@task
def check(c):
    """Validate all content without writing the site; one line per problem."""
    _publishing(c, f"check -s {CONFIG['settings_base']}")


@task
def bench(c, n=2000, rounds=5, cache_rounds=10):
    """Benchmark against vanilla Pelican on a generated corpus; writes bench/results.json.

    ``invoke bench -n 2000`` (invoke spells one-letter options with one dash)."""
    c.run(f'"{PY}" bench/run.py --n {int(n)} --rounds {int(rounds)} '
          f'--cache-rounds {int(cache_rounds)} --devserver', env=_env(), pty=False)


@task
def test(c, args=""):
    """Run the test suite, quality gates and browser checks included."""
    c.run(f'"{PY}" -m pytest {_parallel()} {args}', env=_env(), pty=False)


def _parallel() -> str:
    """pytest-xdist options: a worker per CPU this process may use, up to four (each worker
    builds the shared sites once); a module's tests stay in one worker, with its fixtures."""
    _plugins()
    from fastbuild.settings import usable_cpus

    workers = min(4, usable_cpus())
    return f"-n {workers} --dist loadfile" if workers > 1 else ""


@task(help={"title": "the post's title (required)", "category": "one of PUBLICATION_CATEGORIES",
            "tags": 'comma-separated, e.g. "co-ops, commons"', "author": "default: git user.name"})
def new_post(c, title="", category="", tags="", author=""):
    """Start a draft post in content/posts/<year>/<slug>.md with a complete header."""
    _plugins()
    from scaffold import ScaffoldError, new_post as scaffold

    try:
        path = scaffold(ROOT / CONFIG["settings_base"], title, category or None, tags,
                        author or None)
    except ScaffoldError as error:
        raise Exit(f"new-post: {error}", code=1) from None
    print(f"Wrote {path.relative_to(ROOT)} (Status: draft). Edit it, then run make check.")


@task(help={"title": "the event's title (required)", "start": '"2027-03-04 18:00" or "2027-03-04"',
            "tz": "IANA time zone, default EVENTS_DEFAULT_TIMEZONE or TIMEZONE"})
def new_event(c, title="", start="", tz=""):
    """Start an event in content/events/<date>-<slug>.yaml, optional fields as comments."""
    _plugins()
    from scaffold import ScaffoldError, new_event as scaffold

    try:
        path = scaffold(ROOT / CONFIG["settings_base"], title, start, tz or None)
    except ScaffoldError as error:
        raise Exit(f"new-event: {error}", code=1) from None
    print(f"Wrote {path.relative_to(ROOT)}. Edit it, then run make check.")


@task(help={"title": "the group's name (required)"})
def new_group(c, title="", docs="", join="", chat="", contact=""):
    """Start a working group in content/working-groups/<slug>.md (Status: forming)."""
    _plugins()
    from scaffold import ScaffoldError, new_group as scaffold

    try:
        path = scaffold(ROOT / CONFIG["settings_base"], title, docs, join, chat, contact)
    except ScaffoldError as error:
        raise Exit(f"new-group: {error}", code=1) from None
    print(f"Wrote {path.relative_to(ROOT)}. Edit it, then run make check.")


def _publish_settings() -> dict:
    _plugins()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # publishconf.py imports pelicanconf
    from pelican.settings import read_settings

    return read_settings(str(ROOT / CONFIG["settings_publish"]))


def _feeds_record(settings: dict) -> dict:
    from deploy.websub import record

    site_url = settings.get("PUBLIC_SITEURL") or settings["SITEURL"]
    return record(settings["OUTPUT_PATH"], site_url, settings.get("WEBSUB_HUB"),
                  settings.get("FEEDS_PATH", "feeds"))


@task(aliases=["gh-pages"])
def deploy(c):
    """Check, build with publishconf.py, then push output/ to the gh-pages branch (or rsync it
    to DEPLOY_RSYNC_TARGET), and ping the WebSub hub for each feed that changed. Refuses to
    deploy when the content has problems."""
    if _publishing(c, f"check -s {CONFIG['settings_publish']}", warn=True).exited != 0:
        raise Exit("deploy: content problems listed above; nothing was deployed.", code=1)
    publish(c)
    settings = _publish_settings()
    from deploy import DeployError, push_gh_pages, rsync
    from deploy.websub import announce

    output = Path(settings["OUTPUT_PATH"])
    try:
        if settings.get("DEPLOY_RSYNC_TARGET"):
            target = settings["DEPLOY_RSYNC_TARGET"]
            rsync(output, target)
            print(f"Deployed {output} to {target}")
        else:
            remote = settings.get("DEPLOY_REMOTE", "origin")
            branch = settings.get("DEPLOY_BRANCH", "gh-pages")
            commit = push_gh_pages(ROOT, output, remote, branch)
            target = f"{remote} {branch}"
            print(f"Deployed {output} to {target} ({commit[:12]})")
    except DeployError as error:
        raise Exit(f"deploy: {error}", code=1) from None
    topics = announce(_feeds_record(settings), settings["WEBSUB_STATE_PATH"], target,
                      settings.get("WEBSUB_LIVE_TIMEOUT", 0))
    print(f"WebSub: {len(topics)} changed feeds announced to {settings.get('WEBSUB_HUB') or 'no hub'}")


@task(name="websub-record")
def websub_record(c, to=".websub/build.json"):
    """Record the feeds output/ publishes (paths and SHA-256), for the deploy workflow to
    announce to the WebSub hub once the site is live (python -m deploy.websub announce)."""
    settings = _publish_settings()
    Path(to).parent.mkdir(parents=True, exist_ok=True)
    Path(to).write_text(json.dumps(_feeds_record(settings), indent=1, sort_keys=True), encoding="utf-8")
    print(f"Recorded {to}")


@task(name="test-fast")
def test_fast(c, args=""):
    """Run the test suite without the browser checks (pytest marker `browser`)."""
    c.run(f'"{PY}" -m pytest -m "not browser" {_parallel()} {args}', env=_env(), pty=False)


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
