"""The Pagefind search index, in parts: one edited page costs one part, not the whole site.

Pagefind has no incremental mode: it indexes every page it is given. The pages it indexes (those
marked ``data-pagefind-body``, or every page when none is, Pagefind's own rule) are therefore
shared out among parts of about SEARCH_INDEX_PART_PAGES pages each, by a hash of each page's
path (a page stays in its part as long as the number of parts is the same), and each part is one
Pagefind bundle, keyed by its pages' names and bytes, Pagefind's version and pagefindorder.py.
The bundles are kept in a store (CACHE_PATH/search-index for ``make html``) and linked into the
output; a rebuild runs Pagefind only for the parts whose pages changed.

The first part is ``pagefind/`` itself, whose ``pagefind.js`` the search page loads; the others
are under ``pagefind/parts/<key>/``, listed in ``pagefind/parts.json``, and the search page
merges them in (Pagefind's ``mergeIndex``), so its results and filter counts cover every part.
A site smaller than one part has just the one bundle. Each bundle is put in one order
(pagefindorder.py), so two cold builds give the same bytes too.

Where pages are marked, Pagefind is told to read only the marked elements (its
``root_selector``): it then skips the rest of each page (head, navigation, footer), which it
would otherwise walk for filters and metadata. The index holds the same bytes as long as every
``data-pagefind-filter``, ``-meta`` and ``-sort`` is inside the marked element, as the theme
keeps them (tests/test_fastbuild.py compares it with Pagefind reading the whole pages).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from publishing.jsonfile import write_atomically
from publishing.treesync import TreeSync

from . import pagefindorder
from .settings import read as read_config, usable_cpus

BUNDLE = "pagefind"
PARTS = "parts"
PARTS_LIST = "parts.json"
# What marks a page Pagefind indexes (the theme's page, post, event and group templates).
BODY = b"data-pagefind-body"
# The same mark as a CSS selector: what Pagefind reads of a marked page.
ROOT = "[data-pagefind-body]"


@dataclass(frozen=True)
class Part:
    """Pages of ``site`` indexed together, and where their bundle is kept."""

    site: Path
    store: Path
    key: str
    pages: tuple[str, ...]
    marked: bool

    @property
    def bundle(self) -> Path:
        return self.store / self.key

    def command(self) -> tuple[list[str], Path]:
        """The Pagefind command that indexes this part, and the folder to run it in (its
        configuration file there gives the pages: hundreds of them are too long a command line
        for Windows). ``finish`` then puts the bundle in the store."""
        work = self.store / f"partial-{os.getpid()}-{self.key}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        glob = "{" + ",".join(map(_literal, self.pages)) + "}"
        (work / "pagefind.json").write_text(json.dumps(_configuration(glob, self.marked)),
                                            encoding="utf-8")
        return ([*_pagefind(), "--site", str(self.site.resolve()),
                 "--output-path", str((work / BUNDLE).resolve()), "--quiet"], work)

    def finish(self, work: Path) -> None:
        pagefindorder.canonicalise(work / BUNDLE)
        try:
            (work / BUNDLE).rename(self.bundle)
        except OSError:
            if not self.bundle.is_dir():
                raise
            # Another build indexed the same pages meanwhile: the same bytes are kept.
        shutil.rmtree(work, ignore_errors=True)


def _configuration(glob: str, marked: bool) -> dict:
    """Pagefind's configuration for a part: its pages, and on a marked site the marked
    elements alone (on a site with no mark there would be nothing to read)."""
    return {"glob": glob, "root_selector": ROOT} if marked else {"glob": glob}


def _pagefind() -> list[str]:
    """Pagefind's own executable, so that stopping it stops Pagefind (on Windows the Python
    wrapper, ``python -m pagefind``, would leave the executable it starts running)."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def plan(site: Path, store: Path, per_part: int) -> list[Part]:
    """The parts of ``site``'s index, in order; the store's bundles of pages no longer there
    are deleted."""
    pages, marked = _indexed_pages(site)
    count = max(1, -(-len(pages) // max(1, per_part)))
    shared: list[list[str]] = [[] for _ in range(count)]
    for page in pages:
        digest = hashlib.sha256(page.encode("utf-8", "surrogatepass")).digest()
        shared[int.from_bytes(digest[:8], "big") % count].append(page)
    versions = hashlib.sha256()
    with contextlib.suppress(metadata.PackageNotFoundError):
        versions.update(metadata.version("pagefind_bin").encode())
    # A bundle kept from before the ordering changed must not be reused as it is.
    versions.update(Path(pagefindorder.__file__).read_bytes())
    versions.update(json.dumps(_configuration("", marked)).encode())
    parts = [Part(site, store, _key(versions, pages, part), tuple(part), marked)
             for part in shared if part]
    store.mkdir(parents=True, exist_ok=True)
    keys = {part.key for part in parts}
    for stale in store.iterdir():
        if stale.name not in keys:
            shutil.rmtree(stale, ignore_errors=True)
    return parts


def _indexed_pages(site: Path) -> tuple[dict[str, bytes], bool]:
    """{page: SHA-256 of its bytes} for the pages Pagefind indexes, in name order (the pages
    not marked, most of a site's files, are hashed only when no page is marked), and whether
    they are the marked ones."""
    names = sorted(_html_files(site))
    root = os.path.join(site, "")  # joined as strings: a Path per page costs more than reading it
    marked: dict[str, bytes] = {}
    for name in names:
        with open(root + name, "rb") as page:
            data = page.read()
        if BODY in data:
            marked[name] = hashlib.sha256(data).digest()
    if marked:
        return marked, True
    return {name: hashlib.sha256((site / name).read_bytes()).digest() for name in names}, False


def _html_files(site: Path) -> list[str]:
    """The site's HTML files, as paths relative to it with forward slashes (the index's own
    folder left out)."""
    found: list[str] = []
    folders = [("", str(site))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if prefix or entry.name != BUNDLE:
                        folders.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.name.endswith(".html") and entry.is_file():
                    found.append(prefix + entry.name)
    return found


def _literal(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]{}," else c for c in text)


def _key(versions, pages: dict[str, bytes], part: list[str]) -> str:
    """The key of ``part``: ``versions`` (a hashlib object) and its pages' names and bytes."""
    digest = versions.copy()
    for page in part:
        digest.update(page.encode("utf-8", "surrogatepass") + b"\0" + pages[page])
    return digest.hexdigest()[:24]


def place(parts: list[Part], target: Path) -> None:
    """Link the first part's bundle in as ``target``, the others under ``target/parts/``, and
    list those in ``target/parts.json`` (hard links where the file system has them). No parts
    (no page at all): no index."""
    if not parts:
        shutil.rmtree(target, ignore_errors=True)
        return
    TreeSync(parts[0].bundle, target, keep=(PARTS, PARTS_LIST)).run()
    others = {part.key: part.bundle for part in parts[1:]}
    for name, bundle in others.items():
        # A part the page merges in is read for its index alone: Pagefind's scripts and styles
        # are the first bundle's (left out by naming them as the target's own).
        scripts = tuple(path.name for path in bundle.iterdir() if path.suffix in (".js", ".css"))
        TreeSync(bundle, target / PARTS / name, keep=scripts).run()
    # The list first, the old parts after: a page reading the list meanwhile finds its parts.
    listing = json.dumps([f"{PARTS}/{name}/" for name in others])
    path = target / PARTS_LIST
    if not path.is_file() or path.read_text(encoding="utf-8") != listing:
        write_atomically(str(path), listing.encode("utf-8"))
    if (target / PARTS).is_dir():
        for old in (target / PARTS).iterdir():
            if old.name in others:
                continue
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()


def index(settings: dict) -> tuple[int, str]:
    """Index OUTPUT_PATH for search; (Pagefind's exit code, its error output)."""
    output = Path(settings["OUTPUT_PATH"])
    config = read_config(settings)
    cache = settings.get("CACHE_PATH") if config.enabled else None
    with (contextlib.nullcontext(str(Path(cache) / "search-index")) if cache else
          tempfile.TemporaryDirectory(prefix=".search-index-", dir=output.parent)) as store:
        parts = plan(output, Path(store), config.search_part_pages)
        missing = [part for part in parts if not part.bundle.is_dir()]
        runners = max(1, min(usable_cpus(), len(missing)))
        with ThreadPoolExecutor(max_workers=runners, initializer=one_cpu_each(runners)) as runner:
            failed = [result for result in runner.map(_run, missing) if result.returncode != 0]
        if failed:
            return failed[0].returncode, failed[0].stderr
        place(parts, output / BUNDLE)
    return 0, ""


def one_cpu_each(runners: int) -> Callable[[], None] | None:
    """An initializer for a pool of ``runners`` threads that gives each thread a CPU of its
    own, inherited by the Pagefind it starts. One Pagefind spreads its work over every CPU it may
    use; two at once, each doing so, pay for handing work between their threads and gain nothing
    (README of this package, search index). None (nothing pinned) for one runner, which keeps
    every CPU, and where threads cannot choose their CPUs (only Linux lets them)."""
    if runners < 2 or not hasattr(os, "sched_setaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    taken = itertools.count()

    def pin() -> None:
        with contextlib.suppress(OSError):  # a container may refuse: the thread keeps them all
            os.sched_setaffinity(0, {cpus[next(taken) % len(cpus)]})

    return pin


def _run(part: Part) -> subprocess.CompletedProcess:
    command, work = part.command()
    result = subprocess.run(command, cwd=work, capture_output=True, text=True)
    if result.returncode == 0:
        part.finish(work)
    return result
