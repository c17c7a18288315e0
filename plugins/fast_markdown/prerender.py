"""Markdown conversion in worker processes, exactly as Pelican's MarkdownReader does it.

A worker returns, for each file, the body HTML, the raw ``Meta`` dict and the HTML of every
formatted field (Summary), so the parent can run Pelican's own metadata processing on them.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import multiprocessing
from dataclasses import dataclass

from markdown import Markdown
from pelican.utils import pelican_open

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """One Markdown file converted: what MarkdownReader.read() would have computed."""

    content: str
    meta: dict | None  # Markdown's Meta ({name: [lines]}), None when the meta extension is off
    formatted: dict[str, str]  # joined source text of a formatted field -> its HTML


def digest_of(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


# A worker's Markdown instances, reused from file to file with reset() (what reset() is for):
# building one with its extensions costs about a sixth of converting a post.
_instances: dict[tuple[str, bool], Markdown] = {}


def _markdown(markdown_settings: dict, for_fields: bool) -> Markdown:
    key = (repr(sorted(markdown_settings.items())), for_fields)
    md = _instances.get(key)
    if md is None:
        md = _instances[key] = Markdown(**markdown_settings)
        if for_fields:  # Pelican converts formatted fields with the meta preprocessor removed
            md.preprocessors.deregister("meta", strict=False)
    return md.reset()


def render_file(path: str, markdown_settings: dict, formatted_fields: list[str]) -> Rendered:
    # The same conversions as MarkdownReader.read() + _parse_metadata().
    md = _markdown(markdown_settings, for_fields=False)
    with pelican_open(path) as text:
        content = md.convert(text)
    if not hasattr(md, "Meta"):
        return Rendered(content, None, {})
    meta = md.Meta
    formatted = {}
    for name, value in meta.items():
        if name.lower() in formatted_fields:
            source = "\n".join(value)
            formatted[source] = _markdown(markdown_settings, for_fields=True).convert(source)
    return Rendered(content, meta, formatted)


def render_chunk(paths: list[str], markdown_settings: dict,
                 formatted_fields: list[str]) -> list[tuple[str, Rendered | None]]:
    """(digest, Rendered) per file; None where the file cannot be rendered, so the parent's
    ordinary read reports that error in Pelican's usual way."""
    results = []
    for path in paths:
        try:
            results.append((digest_of(path), render_file(path, markdown_settings, formatted_fields)))
        except Exception:  # noqa: BLE001 - re-raised by the sequential read in the parent
            results.append(("", None))
    return results


class Prerender:
    """Conversions running in a pool of forked workers, taken as the reader reaches each file.

    Files are sent in small chunks in the order the generator will read them, so the reader
    processes the first files' metadata while the workers convert the next ones."""

    def __init__(self, paths: list[str], markdown_settings: dict, formatted_fields: list[str],
                 workers: int, chunk_size: int = 16) -> None:
        self._futures: dict[str, concurrent.futures.Future] = {}
        # ids, not futures: a future (and the results it holds) must die once its last file is
        # taken.
        self._collected: set[int] = set()
        self._rendered: dict[str, Rendered] = {}
        try:
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("fork"))
            for start in range(0, len(paths), chunk_size):
                chunk = paths[start:start + chunk_size]
                future = pool.submit(render_chunk, chunk, markdown_settings, formatted_fields)
                self._futures.update(dict.fromkeys(chunk, future))
            pool.shutdown(wait=False)  # the workers finish the queue, then exit
        except OSError as error:
            self._failed(error)

    def _failed(self, error: BaseException) -> None:
        # Files not converted in the pool are simply read one by one.
        logger.warning("Parallel Markdown rendering failed (%s); rendering sequentially", error)
        self._futures = {}

    def take(self, path: str, digest: str) -> Rendered | None:
        """The conversion of ``path`` if its bytes still have ``digest``, else None."""
        future = self._futures.pop(path, None)
        if future is not None and id(future) not in self._collected:
            self._collected.add(id(future))
            try:
                for done_digest, result in future.result():
                    if result is not None:
                        self._rendered[done_digest] = result
            except (OSError, concurrent.futures.process.BrokenProcessPool) as error:
                self._failed(error)
        return self._rendered.pop(digest, None)
