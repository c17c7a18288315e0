"""Helpers for the quality gates: where the tools are, what kind of page a file is, and which
pages the browser checks visit. No pytest fixtures here (they live in conftest.py)."""

from __future__ import annotations

import functools
import json
import os
import re
import runpy
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# The flags the issue found to work offline on this kind of machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

PAGE_BUDGET = 50 * 1024
# Seconds between a test server's checks for shutdown() (socketserver's default is 0.5).
SHUTDOWN_POLL = 0.02
# The weight gate leaves its per-kind table here for the terminal summary (conftest.py).
WEIGHTS = pytest.StashKey[dict]()

# (kind, pattern on the path relative to the output folder); first match wins.
KIND_PATTERNS = [
    ("home", r"index\.html"),
    ("404", r"404\.html"),
    ("post", r"blog/\d{4}/\d{2}/[^/]+/index\.html"),
    ("blog", r"blog/(page/\d+/)?index\.html"),
    ("year-archive", r"blog/\d{4}/index\.html"),
    ("archives", r"blog/archives/index\.html"),
    ("category", r"category/[^/]+/(page/\d+/)?index\.html"),
    ("tag", r"tag/[^/]+/(page/\d+/)?index\.html"),
    ("author", r"author/[^/]+/(page/\d+/)?index\.html"),
    ("term-index", r"(categories|tags|authors)/index\.html"),
    ("events", r"events/(page/\d+/)?index\.html"),
    ("event", r"events/(?!page/)[^/]+/index\.html"),
    ("working-groups", r"working-groups/index\.html"),
    ("group", r"working-groups/[^/]+/index\.html"),
    ("search", r"search/index\.html"),
    # The browser editor: a tool for writers, weighed apart from the pages readers get.
    ("editor", r"admin/index\.html"),
    ("page", r"[^/]+/index\.html"),
]
# Every kind the finished site must have; "other" catches anything unforeseen (checked, not required).
REQUIRED_KINDS = [kind for kind, _ in KIND_PATTERNS if kind != "year-archive"]
ALL_KINDS = [kind for kind, _ in KIND_PATTERNS] + ["other"]

# The pages the browser checks visit (the list): name -> how to find it in the output.
BROWSER_PAGES = ["home", "post", "category", "events", "event", "working-groups", "group",
                 "contact", "search", "404", "editor"]


def missing(what: str) -> None:
    """A page, feed or calendar the site must have is absent: the gate fails, never skips."""
    pytest.fail(f"missing from the built site: {what}")


def kind_of(relative: str) -> str:
    for kind, pattern in KIND_PATTERNS:
        if re.fullmatch(pattern, relative):
            return kind
    return "other"


def pages_by_kind(output: Path) -> dict[str, list[Path]]:
    kinds: dict[str, list[Path]] = {kind: [] for kind in ALL_KINDS}
    for path in sorted(output.rglob("*.html")):
        kinds[kind_of(path.relative_to(output).as_posix())].append(path)
    return kinds


def browser_page_url(output: Path, name: str) -> str | None:
    """The site URL of one page of each kind the issue lists, or None if the build has none."""
    fixed = {"home": "index.html", "events": "events/index.html",
             "working-groups": "working-groups/index.html", "contact": "contact/index.html",
             "search": "search/index.html", "404": "404.html", "editor": "admin/index.html"}
    if name in fixed:
        relative = fixed[name]
        if not (output / relative).is_file():
            return None
    else:
        kinds = pages_by_kind(output)
        if not kinds[name]:
            return None
        relative = kinds[name][0].relative_to(output).as_posix()
    return "/" + relative.removesuffix("index.html")


def public_siteurl() -> str:
    """PUBLIC_SITEURL as the real_site fixture builds it (conftest drops SITEURL from the env)."""
    saved = os.environ.pop("SITEURL", None)
    try:
        return runpy.run_path(str(ROOT / "pelicanconf.py"))["PUBLIC_SITEURL"]
    finally:
        if saved is not None:
            os.environ["SITEURL"] = saved


def require_tool(path: Path | str, how: str) -> str:
    """The path of a tool the gate needs; fails loudly (never skips) when it is not installed."""
    found = str(path) if Path(path).exists() else shutil.which(str(path))
    if not found:
        pytest.fail(f"{path} is not installed, so this gate cannot run. Install it with: {how}",
                    pytrace=False)
    return found


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass

    def send_error(self, code, message=None, explain=None):
        # Serve the site's own 404 page, as the real host does.
        if code == 404:
            page = Path(self.directory) / "404.html"
            if page.is_file():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
        super().send_error(code, message, explain)


def serve_folder(folder: Path) -> ThreadingHTTPServer:
    """A static server for folder on a free port of 127.0.0.1, running in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for the loop's next poll: a short one lets each test end at once.
    threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL,), daemon=True).start()
    return server


def run_vnu(*folders: Path) -> list[dict]:
    """Every error the Nu Html Checker reports for the HTML files under the folders (one Java
    process for all)."""
    java = require_tool("java", "apt-get install -y openjdk-17-jre-headless")
    jar = require_tool(VNU_JAR, "npm ci --ignore-scripts (make test does it)")
    proc = subprocess.run([java, "-jar", jar, "--errors-only", "--skip-non-html", "--format", "json",
                           *map(str, folders)], capture_output=True, text=True, timeout=240)
    # vnu writes its JSON report on stderr; exit status 1 only means "errors found".
    try:
        report = json.loads(proc.stderr or proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu did not produce a JSON report (exit {proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}", pytrace=False)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def message_path(message: dict) -> Path:
    """The file a Nu Html Checker message is about."""
    return Path(unquote(urlsplit(message.get("url", "")).path))


def weight_table(rows: dict) -> list[str]:
    lines = [f"{'kind':<15} {'pages':>5} {'HTML':>7} {'CSS':>6} {'total':>7}  heaviest page",
             "-" * 78]
    for kind in ALL_KINDS:
        if kind in rows:
            count, page, html, css = rows[kind]
            lines.append(f"{kind:<15} {count:>5} {html:>7,} {css:>6,} {html + css:>7,}  {page}")
    return lines
