"""Shared fixtures: build the real site once, and build small fixture sites in subprocesses.

Builds run in a subprocess because Pelican's signals are process-global: a plugin connected in
one build would otherwise leak into the next.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI runs the property tests on the same generated cases every time (a failure there is the
# code's, never the draw's); a developer's run keeps drawing new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
# 2026-11-23 12:00 UTC: the "today" the sample content is written against.
EPOCH = "1795435200"


@dataclass
class BuildResult:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_publishing(command: str, *, settings: str = "pelicanconf.py", output: Path | None = None,
                   overrides: dict | None = None, env: dict | None = None,
                   cwd: Path = ROOT, timeout: int = 300, quiet: bool = True) -> BuildResult:
    args = [sys.executable, "-m", "publishing", command, "-s", settings] + (["-q"] if quiet else [])
    if output is not None:
        args += ["-o", str(output)]
    if overrides:
        args += ["-e"] + [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    full_env = {**os.environ, "PYTHONPATH": str(cwd / "plugins"), "SOURCE_DATE_EPOCH": EPOCH}
    full_env.pop("SITEURL", None)
    full_env.update(env or {})
    proc = subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    return BuildResult(proc.returncode, proc.stdout, proc.stderr, output or cwd / "output")


def usable_cpus() -> int:
    """The CPUs this process may use (os.process_cpu_count from Python 3.13)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return max(1, counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def side_by_side(*calls):
    """The results of independent calls (each a build or check in its own subprocess), run at
    the same time where there are CPUs for it, in the order given. Calls must not share an
    output or cache folder."""
    workers = min(len(calls), usable_cpus())
    if workers < 2:
        return [call() for call in calls]
    with ThreadPoolExecutor(workers) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def build(output: Path, **kwargs) -> BuildResult:
    return run_publishing("build", output=output, **kwargs)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under folder with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fragment_urls(bundle: Path) -> list[str]:
    """The URL of every page a Pagefind bundle holds (one fragment file each: gzip-compressed,
    a signature, then the page's JSON)."""
    import gzip
    import json

    urls = []
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        urls.append(json.loads(data[data.index(b"{"):])["url"])
    return urls


POST_TEMPLATE = """\
Title: {title}
Date: {date}
Category: {category}
Tags: {tags}
Authors: {authors}
Summary: {summary}
Slug: {slug}
{extra}
{body}
"""


class FixtureSite:
    """A tiny content folder in a temporary directory, built with the real theme and plugins."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        (self.content / "posts").mkdir(parents=True)
        (self.content / "pages").mkdir()
        self.output = root / "output"

    def post(self, slug: str, *, title: str | None = None, date: str = "2020-05-01 10:00",
             category: str = "Commons", tags: str = "commons", authors: str = "Ada Lovelace",
             summary: str = "A short summary.", extra: str = "", body: str = "Some text.") -> Path:
        path = self.content / "posts" / f"{slug}.md"
        text = POST_TEMPLATE.format(title=title or slug.replace("-", " ").title(), date=date,
                                    category=category, tags=tags, authors=authors,
                                    summary=summary, slug=slug,
                                    extra=textwrap.dedent(extra).strip() + "\n" if extra else "",
                                    body=textwrap.dedent(body))
        path.write_text(text, encoding="utf-8")
        return path

    def page(self, slug: str, title: str, body: str = "Page text.", extra: str = "") -> Path:
        path = self.content / "pages" / f"{slug}.md"
        path.write_text(f"Title: {title}\nSlug: {slug}\n{extra}\n{body}\n", encoding="utf-8")
        return path

    def file(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def build(self, **kwargs) -> BuildResult:
        overrides = {"PATH": str(self.content), "CACHE_PATH": str(self.root / "cache")}
        overrides.update(kwargs.pop("overrides", {}))
        return build(self.output, overrides=overrides, **kwargs)

    def check(self, **kwargs) -> BuildResult:
        overrides = {"PATH": str(self.content), "CACHE_PATH": str(self.root / "cache")}
        overrides.update(kwargs.pop("overrides", {}))
        return run_publishing("check", overrides=overrides, **kwargs)


@pytest.fixture
def site(tmp_path: Path) -> FixtureSite:
    return FixtureSite(tmp_path)


# Pages per part of the search index in the tests: the sample site's index then comes in
# several parts, as a site of thousands of pages does with the default.
SEARCH_PARTS = {"SEARCH_INDEX_PART_PAGES": 12}


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real content, built once for the whole session."""
    output = tmp_path_factory.mktemp("real") / "output"
    result = build(output, overrides={"CACHE_PATH": str(output.parent / "cache")})
    assert result.ok, result.stderr
    return output


def source_header(path: Path) -> dict[str, str]:
    """A Markdown source's `Key: value` header (up to the first blank line), keys lower-cased."""
    meta = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


@pytest.fixture(scope="session")
def searchable_site(real_site: Path, tmp_path_factory) -> Path:
    """The real site plus its Pagefind index, as `make html` leaves output/ (its index in
    parts, as a large site's is: the browser tests search across them)."""
    import shutil

    site = tmp_path_factory.mktemp("searchable") / "output"
    shutil.copytree(real_site, site)
    index = run_publishing("index", output=site,
                           overrides={"CACHE_PATH": str(site.parent / "cache"), **SEARCH_PARTS})
    assert index.returncode == 0, index.stderr
    assert (site / "pagefind" / "pagefind.js").is_file()
    return site


# The browser editor's page: a writers' tool with none of a reader page's parts (navigation,
# canonical link, feeds), checked by the editor's own tests and the HTML and accessibility gates.
EDITOR_PAGE = Path("admin") / "index.html"


def html_files(folder: Path) -> list[Path]:
    """Every reader page of a built site (the editor's page left out)."""
    return sorted(path for path in folder.rglob("*.html")
                  if path.relative_to(folder) != EDITOR_PAGE)


def soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_at(output: Path, url: str) -> Path:
    """The file a static server sends for a site URL such as /blog/ or /404.html."""
    relative = url.lstrip("/")
    path = output / relative
    if url.endswith("/"):
        path = path / "index.html"
    return path


# CHROMIUM_PATH names a browser already installed (a CI runner's Chrome); else Debian's Chromium,
# which make test installs. Never a browser Playwright downloads.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
# The flags that keep the browser off the (closed) network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (Playwright's sync API allows one per thread)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get update && apt-get install -y "
                    "chromium` (make test does it), or set CHROMIUM_PATH to an installed Chrome "
                    "or Chromium; never `playwright install`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# The page-weight table of the gates (tests/gates/test_gates_weight.py), printed at the end of
# the run. These hooks live here, not in tests/gates/: under pytest-xdist the controller, which
# prints the summary, loads only this conftest; the weights come back from the worker.
def pytest_sessionfinish(session):
    from gates.gates_support import WEIGHTS  # noqa: PLC0415

    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["page_weights"] = session.config.stash.get(WEIGHTS, {})


def pytest_testnodedown(node, error):
    from gates.gates_support import WEIGHTS  # noqa: PLC0415

    weights = getattr(node, "workeroutput", {}).get("page_weights")
    if weights:
        node.config.stash.setdefault(WEIGHTS, {}).update(weights)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from gates.gates_support import WEIGHTS, weight_table  # noqa: PLC0415

    rows = config.stash.get(WEIGHTS, None)
    if rows:
        terminalreporter.write_sep("-", "page weight (HTML + CSS bytes, heaviest page per kind; "
                                        "editor: CSS column = CSS + scripts, no budget)")
        for line in weight_table(rows):
            terminalreporter.write_line(line)
