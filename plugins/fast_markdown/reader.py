"""A MarkdownReader that takes its HTML from a parallel pre-render instead of converting inline.

When a generator reads its first file, every Markdown file it is going to read that Pelican's
content cache cannot serve is sent to a pool of processes, in the generator's own reading order
(Pelican reads files in the order of a set, so that order is taken from the generator itself).
Each ``read()`` then takes that file's HTML, checked by the SHA-256 of the file's bytes, and runs
Pelican's own metadata processing, so the result is the same as the sequential reader's, while
the workers go on converting the next files. Anything not pre-rendered (a changed file, a file
elsewhere) is read the ordinary way. Dates in the documented forms are parsed here without
dateutil, to the same values (``process_metadata``).
"""

from __future__ import annotations

import functools
import logging
import os
import re

from pelican import readers, signals
from pelican.utils import SafeDatetime

from . import prerender
from .settings import read as read_settings

logger = logging.getLogger(__name__)
_MISSING = object()
# The date forms the content format documents ("2024-05-01", "2024-05-01 10:00[:30]"), which
# need no general-purpose parser; anything else goes to Pelican's (dateutil).
_PLAIN_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
# The setting names of the generators' source folders, by preread signal.
_PATHS = {"article_generator_preread": ("ARTICLE_PATHS", "ARTICLE_EXCLUDES"),
          "page_generator_preread": ("PAGE_PATHS", "PAGE_EXCLUDES")}


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
    def __init__(self, settings: dict, owner: readers.Readers | None = None) -> None:
        super().__init__(settings)
        self._owner = owner

    def process_metadata(self, name: str, value):
        # Pelican's date processor gives SafeDatetime(y, m, d, H, M, S) for these forms (the
        # fields not given come from a midnight default): the same value, without dateutil.
        if name in ("date", "modified") and isinstance(value, str):
            match = _PLAIN_DATE.fullmatch(value.strip())
            if match:
                try:
                    return SafeDatetime(*(int(part or 0) for part in match.groups()))
                except ValueError:
                    pass  # an impossible date: Pelican's processor reports it its own way
        return super().process_metadata(name, value)

    def read(self, source_path: str):
        pending = getattr(self._owner, "prerender", None)
        rendered = pending.take(source_path, prerender.digest_of(source_path)) if pending else None
        if rendered is None:
            return super().read(source_path)
        self._source_path = source_path
        if rendered.meta is None:
            return rendered.content, {}
        self._md = _PrerenderedMarkdown(rendered.formatted)
        return rendered.content, self._parse_metadata(rendered.meta)


def start_prerender(generator, signal_name: str) -> None:
    """preread handler: on a generator's first file, send all its uncached Markdown files to the
    pool, in the order the generator reads them."""
    owner = generator.readers
    if hasattr(owner, "prerender"):
        return
    owner.prerender = None
    config = read_settings(generator.settings)
    paths_setting, excludes_setting = _PATHS[signal_name]
    extensions = readers.MarkdownReader.file_extensions
    paths = [os.path.abspath(os.path.join(generator.path, relative))
             for relative in generator.get_files(generator.settings[paths_setting],
                                                 exclude=generator.settings[excludes_setting])
             if relative.rsplit(".", 1)[-1] in extensions]
    # The same check Readers.read_file makes before calling read(): no work for cache hits.
    paths = [p for p in paths if owner.get_cached_data(p, _MISSING) is _MISSING]
    if len(paths) >= config["FAST_MARKDOWN_MIN_FILES"]:
        owner.prerender = prerender.Prerender(
            paths, generator.settings["MARKDOWN"], generator.settings["FORMATTED_FIELDS"],
            config["FAST_MARKDOWN_WORKERS"])


def use_parallel_reader(readers_instance: readers.Readers) -> None:
    """readers_init handler: swap in the pre-rendering reader for every Markdown extension."""
    for ext, cls in list(readers_instance.reader_classes.items()):
        if cls is readers.MarkdownReader:
            readers_instance.reader_classes[ext] = functools.partial(MarkdownReader,
                                                                     owner=readers_instance)


def register() -> None:
    signals.readers_init.connect(use_parallel_reader)
    for name in _PATHS:
        signal = getattr(signals, name)
        signal.connect(functools.partial(start_prerender, signal_name=name), weak=False)
