"""The Pagefind search index, built again only when a page it indexes changed.

The index of a set of pages (keyed by every HTML file's bytes, Pagefind's version and
pagefindorder.py) is kept in CACHE_PATH and linked into the output as long as the pages are the
same: an unchanged rebuild leaves ``output/pagefind/`` as it was without running Pagefind. Each index Pagefind writes is put
in one order (pagefindorder.py), so two cold builds give the same bytes too.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from publishing.treesync import TreeSync

from . import pagefindorder
from .settings import read as read_config

logger = logging.getLogger(__name__)
BUNDLE = "pagefind"
# What marks a page Pagefind indexes (the theme's page, post, event and group templates).
BODY = b"data-pagefind-body"


def pages_glob(output: Path, digest=None) -> str:
    """A glob (``--glob``) of the pages under ``output`` Pagefind indexes: the shapes of those
    marked ``data-pagefind-body``, so that it skips parsing the listings. ``digest`` (a hashlib
    object), when given, takes in every HTML file's name and bytes on the way."""
    shapes: set[str] = set()
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        if relative.startswith(f"{BUNDLE}/"):
            continue
        data = path.read_bytes()
        if digest is not None:
            digest.update(relative.encode("utf-8", "surrogatepass") + b"\0")
            digest.update(hashlib.sha256(data).digest())
        if BODY in data:
            shapes.add(_shape(relative))
    return "{" + ",".join(sorted(shapes)) + "}" if shapes else "**/*.html"


def _keyed_pages(output: Path) -> tuple[str, str]:
    """The key of the set of pages (every HTML file's bytes, Pagefind's version and the
    ordering), and their glob."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("pagefind").encode())
    except metadata.PackageNotFoundError:
        pass
    # A bundle kept from before the ordering changed must not be reused as it is.
    digest.update(Path(pagefindorder.__file__).read_bytes())
    glob = pages_glob(output, digest)
    return digest.hexdigest()[:24], glob


def _shape(relative: str) -> str:
    """``blog/2026/11/x/index.html`` -> ``blog/*/*/*/index.html``: one pattern per kind of page
    (its top folder and depth), which matches no listing (``tag/x/``, ``blog/page/2/`` differ
    in one or the other)."""
    parts = relative.split("/")
    if len(parts) <= 2:
        return _literal(relative)
    return "/".join([_literal(parts[0]), *["*"] * (len(parts) - 2), _literal(parts[-1])])


def _literal(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]{}," else c for c in text)


def _pagefind(site: Path, bundle: Path, glob: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site),
                             "--output-path", str(bundle), "--glob", glob, "--quiet"],
                            capture_output=True, text=True)
    if result.returncode == 0:
        pagefindorder.canonicalise(bundle)
    return result


def index(settings: dict) -> tuple[int, str]:
    """Index OUTPUT_PATH for search; (Pagefind's exit code, its error output)."""
    output = Path(settings["OUTPUT_PATH"])
    target = output / BUNDLE
    if not read_config(settings).enabled or not settings.get("CACHE_PATH"):
        result = _pagefind(output, target, pages_glob(output))
        return result.returncode, result.stderr
    key, glob = _keyed_pages(output)
    kept = Path(settings["CACHE_PATH"]) / "search-index"
    bundle = kept / key
    if not bundle.is_dir():
        shutil.rmtree(kept, ignore_errors=True)  # the index of pages no longer there
        partial = kept / "partial"
        result = _pagefind(output, partial, glob)
        if result.returncode != 0:
            return result.returncode, result.stderr
        partial.rename(bundle)
    else:
        logger.info("Search index: no page changed, the previous index is kept")
    TreeSync(bundle, target).run()  # hard links where the file system has them
    return 0, ""
