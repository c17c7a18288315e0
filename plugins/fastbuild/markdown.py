"""Markdown converted in worker processes, taken by a MarkdownReader subclass as it reads.

When a generator reads its first file, every Markdown file it will read that Pelican's content
cache cannot serve is sent to a pool, in small chunks, in the generator's own reading order.
Each ``read()`` takes its file's HTML (checked by the SHA-256 of the file's bytes) and runs
Pelican's own metadata processing on the ``Meta`` the worker returned, so the result is what
Pelican's reader gives; a file not converted in the pool is converted the same way in this
process. Workers get only paths and settings, so any start method works.

One private seam: ``MarkdownReader._parse_metadata`` is called with a stand-in for the reader's
``_md`` (tests/test_upstream_seams.py pins both upstream functions).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import os
import re
from dataclasses import dataclass

from markdown import Markdown
from pelican import readers
from pelican.utils import SafeDatetime, pelican_open

from . import pool
from .settings import read as read_config

logger = logging.getLogger(__name__)
_MISSING = object()
# The date forms the content format documents ("2024-05-01", "2024-05-01 10:00[:30]"), which
# need no general-purpose parser; anything else goes to Pelican's (dateutil).
_PLAIN_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
# The setting names of the generators' source folders, by generator kind.
SOURCES = {"articles": ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"),
           "pages": ("PAGE_PATHS", "PAGE_EXCLUDES")}


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
    formatted = {}
    for name, value in md.Meta.items():
        if name.lower() in formatted_fields:
            source = "\n".join(value)
            formatted[source] = _markdown(markdown_settings, for_fields=True).convert(source)
    return Rendered(content, md.Meta, formatted)


def render_chunk(paths: list[str], markdown_settings: dict,
                 formatted_fields: list[str]) -> list[tuple[str, Rendered | None]]:
    """(digest, Rendered) per file; None where the file cannot be rendered, so that the reader's
    ordinary read reports that error in Pelican's usual way."""
    results = []
    for path in paths:
        try:
            results.append((digest_of(path), render_file(path, markdown_settings, formatted_fields)))
        except Exception:  # noqa: BLE001 - reported by the ordinary read in the parent
            results.append(("", None))
    return results


class Prerender:
    """Conversions running in a pool, taken as the reader reaches each file. This process is one
    of the converters, so the pool needs one process fewer (and its memory): a chunk the pool has
    not started when the reader reaches it is converted here, and while the reader waits for a
    chunk the pool is converting, this process converts the last chunk nobody has started (the
    pool works from the front, this process from the back, as with the pages)."""

    def __init__(self, paths: list[str], markdown_settings: dict, formatted_fields: list[str],
                 workers: int, chunk_size: int = 16) -> None:
        self._futures: dict[str, concurrent.futures.Future] = {}
        self._chunks: dict[int, list[str]] = {}
        self._settings = (markdown_settings, formatted_fields)
        # ids, not futures: a future (and the results it holds) must die once its last file is
        # taken.
        self._collected: set[int] = set()
        self._rendered: dict[str, Rendered] = {}
        # Every chunk's future, in reading order (the ones taken from the back are cancelled).
        self._order: list[concurrent.futures.Future] = []
        self._pool = pool.start(workers, "Markdown")
        if self._pool is None:
            return
        try:
            for start in range(0, len(paths), chunk_size):
                chunk = paths[start:start + chunk_size]
                future = self._pool.submit(render_chunk, chunk, markdown_settings, formatted_fields)
                self._futures.update(dict.fromkeys(chunk, future))
                self._chunks[id(future)] = chunk
                self._order.append(future)
        except (*pool.START_FAILURES, *pool.BROKEN) as error:
            # Workers start as chunks are submitted: one may already have died meanwhile.
            self._failed(error)

    def _failed(self, error: BaseException) -> None:
        # Files not converted in the pool are simply read one by one.
        pool.failed("Markdown", error)
        self.close()

    def close(self) -> None:
        """Stop the pool (cancelling what nobody will take) and wait for its processes and
        threads to end: a fork later in the build must find no thread running."""
        self._futures, self._chunks, self._order = {}, {}, []
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def take(self, path: str, digest: str) -> Rendered | None:
        """The conversion of ``path`` if its bytes still have ``digest``, else None."""
        future = self._futures.pop(path, None)
        if future is not None and id(future) not in self._collected:
            self._collected.add(id(future))
            chunk = self._chunks.pop(id(future), [])
            try:
                if future.cancel():
                    self._keep(render_chunk(chunk, *self._settings))
                else:
                    while not future.done() and self._convert_last():
                        pass
                    self._keep(future.result())
            except Exception as error:  # noqa: BLE001
                # render_chunk reports no file's problem by raising, so this is the pool's: a
                # worker died, or the settings cannot be pickled (a lambda in MARKDOWN).
                self._failed(error)
        if not self._futures and self._pool is not None:
            self.close()
        return self._rendered.pop(digest, None)

    def _keep(self, results: list[tuple[str, Rendered | None]]) -> None:
        for done_digest, result in results:
            if result is not None:
                self._rendered[done_digest] = result

    def _convert_last(self) -> bool:
        """Convert here the last chunk the pool has not started; False when there is none."""
        while self._order:
            future = self._order.pop()
            if id(future) in self._collected:
                continue
            if not future.cancel():
                return False  # the pool has reached it: it has started every chunk before it
            self._collected.add(id(future))
            chunk = self._chunks.pop(id(future), [])
            for each in chunk:
                self._futures.pop(each, None)
            self._keep(render_chunk(chunk, *self._settings))
            return True
        return False


class _PrerenderedMarkdown:
    """Stands in for ``Markdown`` inside Pelican's ``_parse_metadata``: formatted fields (Summary)
    were converted by the worker, in the same order, on the same instance as Pelican would."""

    class _Preprocessors:
        def deregister(self, name: str, strict: bool = True) -> None:
            pass

    def __init__(self, formatted: dict[str, str]) -> None:
        self.preprocessors = self._Preprocessors()
        self._formatted = formatted

    def reset(self) -> "_PrerenderedMarkdown":
        return self

    def convert(self, source: str) -> str:
        return self._formatted[source]


# Pelican names a content's ``reader`` metadata after the class: keep it "markdown".
class MarkdownReader(readers.MarkdownReader):
    """Takes each file's HTML from the pool when it has it, else converts it the same way here;
    parses the documented date forms without dateutil (the same SafeDatetime values, Pelican's
    errors for anything else)."""

    prerender: Prerender | None = None  # set per Readers instance by start_prerender

    def process_metadata(self, name: str, value):
        if name in ("date", "modified") and isinstance(value, str):
            match = _PLAIN_DATE.fullmatch(value.strip())
            if match:
                try:
                    return SafeDatetime(*(int(part or 0) for part in match.groups()))
                except ValueError:
                    pass  # an impossible date: Pelican's processor reports it its own way
        return super().process_metadata(name, value)

    def read(self, source_path: str):
        pending = self.prerender
        rendered = pending.take(source_path, digest_of(source_path)) if pending else None
        if rendered is None:
            # Converted here, on this process's reused Markdown instances (Pelican builds a new
            # one, extensions and all, for every file).
            rendered = render_file(source_path, self.settings["MARKDOWN"],
                                   self.settings["FORMATTED_FIELDS"])
        self._source_path = source_path
        if rendered.meta is None:
            return rendered.content, {}
        self._md = _PrerenderedMarkdown(rendered.formatted)
        return rendered.content, self._parse_metadata(rendered.meta)


def use_reader(readers_instance: readers.Readers) -> None:
    """readers_init handler: this module's reader, with its own class per Readers instance (the
    pool it takes HTML from belongs to one generator)."""
    if not read_config(readers_instance.settings).enabled:
        return
    reader = type("MarkdownReader", (MarkdownReader,), {"prerender": None})
    for ext, cls in list(readers_instance.reader_classes.items()):
        if cls is readers.MarkdownReader:
            readers_instance.reader_classes[ext] = reader


# Pools started in this build, stopped once every generator has read its files.
_started: list[Prerender] = []


def start_prerender(generator, kind: str) -> None:
    """On a generator's first file, send all its uncached Markdown files to a pool, in the order
    the generator reads them."""
    owner = generator.readers
    reader = owner.reader_classes.get("md")
    if not (isinstance(reader, type) and issubclass(reader, MarkdownReader)) \
            or "started" in vars(reader):
        return
    reader.started = True
    config = read_config(generator.settings)
    paths_setting, excludes_setting = SOURCES[kind]
    extensions = readers.MarkdownReader.file_extensions
    # The same check the generator (whole content objects cached) or Readers.read_file (the
    # reader's output cached) makes before reading a file: no work for cache hits.
    whole = generator.settings["CONTENT_CACHING_LAYER"] == "generator"
    paths = []
    for relative in generator.get_files(generator.settings[paths_setting],
                                        exclude=generator.settings[excludes_setting]):
        path = os.path.abspath(os.path.join(generator.path, relative))
        if relative.rsplit(".", 1)[-1] in extensions and (
                generator.get_cached_data(relative, _MISSING) if whole
                else owner.get_cached_data(path, _MISSING)) is _MISSING:
            paths.append(path)
    if config.processes > 1 and len(paths) >= config.min_files:
        # This process converts too (the chunks the pool has not reached): one worker fewer.
        reader.prerender = Prerender(paths, generator.settings["MARKDOWN"],
                                     generator.settings["FORMATTED_FIELDS"], config.processes - 1)
        _started.append(reader.prerender)


def stop_prerender(*_args) -> None:
    """all_generators_finalized handler: every file is read; stop what is left of the pools."""
    while _started:
        _started.pop().close()
