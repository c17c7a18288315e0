"""The Pagefind search index, in parts: one edited page costs one part, not the whole site.

Pagefind has no incremental mode: it indexes every page it is given. The pages marked
``data-pagefind-body`` are therefore shared out among parts of about SEARCH_INDEX_PART_PAGES
pages each, by a hash of each page's path (a page stays in its part as long as the number of
parts is the same), and each part is one Pagefind bundle, keyed by its pages' names and bytes,
Pagefind's version and pagefindorder.py. The bundles are kept in CACHE_PATH and linked into the
output; a rebuild runs Pagefind only for the parts whose pages changed.

The first part is ``output/pagefind/`` itself, whose ``pagefind.js`` the search page loads; the
others are under ``output/pagefind/parts/<key>/``, listed in ``output/pagefind/parts.json``, and
the search page merges them in (Pagefind's ``mergeIndex``), so its results and filter counts
cover every part. A site smaller than one part has just the one bundle. Each bundle is put in
one order (pagefindorder.py), so two cold builds give the same bytes too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from publishing.treesync import TreeSync

from . import pagefindorder
from .settings import read as read_config, usable_cpus

logger = logging.getLogger(__name__)
BUNDLE = "pagefind"
PARTS = "parts"
PARTS_LIST = "parts.json"
# What marks a page Pagefind indexes (the theme's page, post, event and group templates).
BODY = b"data-pagefind-body"


def marked_pages(output: Path) -> dict[str, bytes]:
    """{page: SHA-256 of its bytes} for the pages under ``output`` marked ``data-pagefind-body``
    (relative, forward slashes)."""
    pages = {}
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        if relative.startswith(f"{BUNDLE}/"):
            continue
        data = path.read_bytes()
        if BODY in data:
            pages[relative] = hashlib.sha256(data).digest()
    return pages


def pages_glob(output: Path) -> str:
    """A glob (``--glob``) of the pages under ``output`` Pagefind indexes: the shapes of those
    marked ``data-pagefind-body``, so that it skips parsing the listings."""
    shapes = {_shape(page) for page in marked_pages(output)}
    return "{" + ",".join(sorted(shapes)) + "}" if shapes else "**/*.html"


def parts(pages: list[str], per_part: int) -> list[list[str]]:
    """``pages`` shared out among about len/per_part parts by a hash of each name; the empty
    parts left out."""
    count = max(1, -(-len(pages) // max(1, per_part)))
    shared: list[list[str]] = [[] for _ in range(count)]
    for page in sorted(pages):
        digest = hashlib.sha256(page.encode("utf-8", "surrogatepass")).digest()
        shared[int.from_bytes(digest[:8], "big") % count].append(page)
    return [part for part in shared if part]


def _shape(relative: str) -> str:
    """``blog/2026/11/x/index.html`` -> ``blog/*/*/*/index.html``: one pattern per kind of page
    (its top folder and depth), which matches no listing (``tag/x/``, ``blog/page/2/`` differ
    in one or the other)."""
    parts_of = relative.split("/")
    if len(parts_of) <= 2:
        return _literal(relative)
    return "/".join([_literal(parts_of[0]), *["*"] * (len(parts_of) - 2), _literal(parts_of[-1])])


def _literal(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]{}," else c for c in text)


def _key(pages: dict[str, bytes], part: list[str]) -> str:
    digest = hashlib.sha256()
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("pagefind").encode())
    # A bundle kept from before the ordering changed must not be reused as it is.
    digest.update(Path(pagefindorder.__file__).read_bytes())
    for page in part:
        digest.update(page.encode("utf-8", "surrogatepass") + b"\0" + pages[page])
    return digest.hexdigest()[:24]


def _pagefind(site: Path, bundle: Path, glob: str) -> subprocess.CompletedProcess:
    """Pagefind over the pages of ``site`` that ``glob`` matches, into ``bundle``. The glob is
    given in a configuration file: a list of hundreds of pages is too long for a command line
    on Windows."""
    with tempfile.TemporaryDirectory(prefix="pagefind-") as folder:
        Path(folder, "pagefind.json").write_text(json.dumps({"glob": glob}), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site.resolve()),
                                 "--output-path", str(bundle.resolve()), "--quiet"],
                                cwd=folder, capture_output=True, text=True)
    if result.returncode == 0:
        pagefindorder.canonicalise(bundle)
    return result


def index(settings: dict) -> tuple[int, str]:
    """Index OUTPUT_PATH for search; (Pagefind's exit code, its error output)."""
    output = Path(settings["OUTPUT_PATH"])
    target = output / BUNDLE
    pages = marked_pages(output)
    if not pages:  # no page says what to index: Pagefind indexes every page
        shutil.rmtree(target, ignore_errors=True)
        result = _pagefind(output, target, "**/*.html")
        return result.returncode, result.stderr
    config = read_config(settings)
    cache = settings.get("CACHE_PATH") if config.enabled else None
    with (contextlib.nullcontext(str(Path(cache) / "search-index")) if cache else
          tempfile.TemporaryDirectory(prefix=".search-index-", dir=output.parent)) as folder:
        kept = Path(folder)
        kept.mkdir(parents=True, exist_ok=True)
        bundles = [(_key(pages, part), part) for part in parts(list(pages), config.search_part_pages)]
        for stale in kept.iterdir():  # the parts of pages no longer there
            if stale.name not in {key for key, _ in bundles}:
                shutil.rmtree(stale, ignore_errors=True)
        missing = [(key, part) for key, part in bundles if not (kept / key).is_dir()]
        with ThreadPoolExecutor(max_workers=usable_cpus()) as runner:
            results = list(runner.map(lambda item: _index_part(output, kept, *item), missing))
        for result in results:
            if result.returncode != 0:
                return result.returncode, result.stderr
        logger.info("Search index: %d of %d parts indexed again", len(missing), len(bundles))
        _place([kept / key for key, _ in bundles], target)
    return 0, ""


def _index_part(output: Path, kept: Path, key: str, part: list[str]) -> subprocess.CompletedProcess:
    partial = kept / f"partial-{key}"
    shutil.rmtree(partial, ignore_errors=True)
    result = _pagefind(output, partial, "{" + ",".join(map(_literal, part)) + "}")
    if result.returncode == 0:
        partial.rename(kept / key)
    return result


def _place(bundles: list[Path], target: Path) -> None:
    """Link the first bundle in as ``target``, the others under ``target/parts/``, and list
    those in ``target/parts.json`` (hard links where the file system has them)."""
    TreeSync(bundles[0], target, keep=(PARTS, PARTS_LIST)).run()
    others = {bundle.name: bundle for bundle in bundles[1:]}
    for name, bundle in others.items():
        # A part the page merges in is read for its index alone: Pagefind's scripts and styles
        # are the first bundle's (left out by naming them as the target's own).
        scripts = tuple(path.name for path in bundle.iterdir() if path.suffix in (".js", ".css"))
        TreeSync(bundle, target / PARTS / name, keep=scripts).run()
    # The list first, the old parts after: a page reading the list meanwhile finds its parts.
    listing = json.dumps([f"{PARTS}/{name}/" for name in others])
    path = target / PARTS_LIST
    if not path.is_file() or path.read_text(encoding="utf-8") != listing:
        path.write_text(listing, encoding="utf-8")
    if (target / PARTS).is_dir():
        for old in (target / PARTS).iterdir():
            if old.name in others:
                continue
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
