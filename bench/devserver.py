"""Live-preview latency, measured in the same run as vanilla Pelican's warm rebuild.

On the benchmark corpus, ``python -m publishing serve --autoreload`` runs on a free port with an
open Chromium tab (Debian's, driven by Playwright, as the browser tests use it). For each round:

  post edit:     a post's file gets a new sentence; the time until an HTTP GET of its page
                 returns that sentence, and until the open tab shows it (the page reloads itself);
  template edit: article.html (in a copy of the theme) gets a new line; the same two times for a
                 post page;
  vanilla warm:  run.py's a_warm, vanilla Pelican with its content cache on, rebuilt after one
                 post edit, in the same run.

Rounds wait for the preview to be idle (rebuild and search index done) before the next edit.
Nothing here asserts a time; ``run.py`` prints and saves the medians.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LIMIT = 300.0
STARTED = re.compile(r"^(Building the site|Changed: )", re.MULTILINE)
FINISHED = re.compile(r"^(Rebuilt in |Rebuild stopped |\d+ problem\(s\); the preview)", re.MULTILINE)
INDEXED = re.compile(r"^(Search index updated|Search index not rebuilt)", re.MULTILINE)



def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _post_url(post: Path) -> str:
    header = dict(line.split(": ", 1) for line in post.read_text(encoding="utf-8").split("\n\n")[0]
                  .splitlines() if ": " in line)
    year, month = header["Date"][:4], header["Date"][5:7]
    return f"/blog/{year}/{month}/{header['Slug']}/"


def _append_to_body(post: Path, text: str) -> None:
    with open(post, "a", encoding="utf-8") as fh:
        fh.write(f"\n{text}\n")


class _Server:
    def __init__(self, workdir: Path, content: Path, theme: Path, env: dict) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "devserver.log"
        output, cache = workdir / "devserver-output", workdir / "devserver-cache"
        overrides = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache),
                     "THEME": str(theme)}
        args = [sys.executable, "-m", "publishing", "serve", "--autoreload", "--port",
                str(self.port), "-s", "pelicanconf.py", "-e",
                *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log,
                                         start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def idle(self) -> None:
        """Wait until every rebuild started has ended and the search index is done."""
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            log = self.log()
            started, finished = len(STARTED.findall(log)), len(FINISHED.findall(log))
            if self.proc.poll() is not None:
                raise SystemExit(f"devserver exited:\n{log[-4000:]}")
            if started and started == finished:
                indexed = len(INDEXED.findall(log))
                time.sleep(1.0)
                log = self.log()
                if (len(STARTED.findall(log)) == started
                        and len(INDEXED.findall(log)) == indexed
                        and "pagefind" not in _children(self.proc.pid)):
                    return
            time.sleep(0.1)
        raise SystemExit(f"devserver not idle within {LIMIT} s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _children(pid: int) -> str:
    """The command lines of pid's process tree (Linux /proc; empty elsewhere)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            found.append(Path(f"/proc/{current}/cmdline").read_bytes().decode(errors="replace"))
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return "\n".join(found)


def _browser():
    """A Playwright page in Debian's Chromium, or None when either is missing."""
    if not CHROMIUM.exists():
        return None, None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, None
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    return playwright, browser


def _time_change(server: _Server, page, url: str, marker: str, change) -> dict:
    """Apply ``change``; seconds until a GET of ``url`` and until the open tab show ``marker``."""
    result: dict[str, float] = {}

    def poll_http() -> None:
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            if marker in _get(server.url + url):
                result["http_s"] = round(time.perf_counter() - started, 3)
                return
            time.sleep(0.005)

    started = time.perf_counter()
    change()
    poller = threading.Thread(target=poll_http)
    poller.start()
    if page is not None:
        try:
            page.wait_for_function("m => document.body.innerText.includes(m)", arg=marker,
                                   timeout=LIMIT * 1000)
        except Exception as error:  # noqa: BLE001 - Playwright's timeout: say what the preview did
            raise SystemExit(f"the open tab did not show the edit within {LIMIT} s ({error}); "
                             f"the tab is at {page.url}; the preview's log:\n"
                             f"{server.log()[-4000:]}") from None
        result["browser_s"] = round(time.perf_counter() - started, 3)
    poller.join()
    return result


def run(workdir: Path, content: Path, rounds: int, env: dict, vanilla_warm: float) -> dict:
    """The medians; ``vanilla_warm`` is vanilla Pelican's warm rebuild measured in the same run
    (run.py's a_warm)."""
    theme = workdir / "devserver-theme"
    shutil.copytree(ROOT / "theme", theme, dirs_exist_ok=True)
    posts = sorted((content / "posts").rglob("*.md"))
    server = _Server(workdir, content, theme, env)
    playwright, browser = _browser()
    runs: dict[str, list[dict]] = {"post_edit": [], "template_edit": []}
    try:
        server.idle()
        page = browser.new_page() if browser is not None else None
        for number in range(rounds):
            post = posts[len(posts) // 2 + number]
            url = _post_url(post)
            if page is not None:
                page.goto(server.url + url, wait_until="load")
            marker = f"Edited in the preview, round {number}."
            runs["post_edit"].append(_time_change(
                server, page, url, marker, lambda: _append_to_body(post, marker)))
            server.idle()

            template = theme / "templates" / "article.html"
            marker = f"Template edited in the preview, round {number}."
            runs["template_edit"].append(_time_change(
                server, page, url, marker, lambda: template.write_text(
                    template.read_text(encoding="utf-8").replace(
                        "</article>", f"<p>{marker}</p></article>", 1), encoding="utf-8")))
            server.idle()
            print(f"devserver round {number + 1}/{rounds}: post edit {runs['post_edit'][-1]}, "
                  f"template edit {runs['template_edit'][-1]}", file=sys.stderr)
    finally:
        server.stop()
        if browser is not None:
            browser.close()
            playwright.stop()
    return summarise(runs, [vanilla_warm], browser is not None)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def summarise(runs: dict, vanilla: list[float], with_browser: bool) -> dict:
    medians = {kind: {what: _median([r[what] for r in rounds if what in r])
                      for what in ("http_s", "browser_s")} for kind, rounds in runs.items()}
    warm = _median(vanilla)
    ratios = {f"{kind} {what} / vanilla warm": round(value / warm, 3)
              for kind, values in medians.items() for what, value in values.items()
              if value is not None and warm}
    return {"median_seconds": medians, "vanilla_warm_rebuild_seconds": warm, "ratios": ratios,
            "targets": {"post_edit browser_s": 1.0, "template_edit browser_s / vanilla warm": 1.0},
            "browser": "chromium" if with_browser else None,
            "runs": {**runs, "vanilla_warm": vanilla},
            "legend": {"post_edit": "a post's file edited; until its page has the new text",
                       "template_edit": "article.html edited; until a post page has the new text",
                       "http_s": "an HTTP GET of the page returns it",
                       "browser_s": "the open Chromium tab shows it (it reloads itself)",
                       "vanilla_warm": "vanilla Pelican, content cache on, after one post edit"}}


def table(results: dict) -> str:
    medians, warm = results["median_seconds"], results["vanilla_warm_rebuild_seconds"]
    lines = [f"{'live preview (devserver)':30} {'HTTP s':>9} {'browser s':>10}"]
    for kind in ("post_edit", "template_edit"):
        values = medians[kind]
        browser = "-" if values["browser_s"] is None else f"{values['browser_s']:.2f}"
        lines.append(f"{kind.replace('_', ' '):30} {values['http_s']:9.2f} {browser:>10}")
    lines.append(f"{'vanilla Pelican warm rebuild':30} {warm:9.2f}")
    lines.append("targets: post edit <= 1 s in the browser; template edit <= vanilla warm rebuild")
    return "\n".join(lines)
