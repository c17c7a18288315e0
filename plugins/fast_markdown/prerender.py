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


def render_all(paths: list[str], markdown_settings: dict, formatted_fields: list[str],
               workers: int) -> dict[str, Rendered]:
    """Render ``paths`` in a pool of forked workers; returns {content sha256: Rendered}."""
    chunk_count = min(len(paths), workers * 4)
    chunks = [paths[i::chunk_count] for i in range(chunk_count)]
    rendered: dict[str, Rendered] = {}
    context = multiprocessing.get_context("fork")
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers,
                                                    mp_context=context) as pool:
            futures = [pool.submit(render_chunk, chunk, markdown_settings, formatted_fields)
                       for chunk in chunks]
            for future in futures:
                for digest, result in future.result():
                    if result is not None:
                        rendered[digest] = result
    except (OSError, concurrent.futures.process.BrokenProcessPool) as error:
        # Files missing from the result are simply read one by one.
        logger.warning("Parallel Markdown rendering failed (%s); rendering sequentially", error)
    return rendered
