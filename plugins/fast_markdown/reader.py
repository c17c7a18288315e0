"""A MarkdownReader that takes its HTML from a parallel pre-render instead of converting inline.

On the first file a generator asks for, the reader renders every Markdown file under the same
content paths (ARTICLE_PATHS or PAGE_PATHS) that Pelican's content cache cannot serve, in a pool
of processes, keyed by the SHA-256 of each file's bytes. Each ``read()`` then returns that HTML and
runs Pelican's own metadata processing, so the result is the same as the sequential reader's.
Anything not pre-rendered (a changed file, a file elsewhere) is read the ordinary way.
"""

from __future__ import annotations

import fnmatch
import functools
import logging
import os

from pelican import readers, signals

from . import prerender
from .settings import read as read_settings

logger = logging.getLogger(__name__)
_MISSING = object()


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
        self._config = read_settings(settings)
        self._rendered: dict[str, prerender.Rendered] = {}
        self._done: set[str] = set()

    def read(self, source_path: str):
        self._prerender_around(source_path)
        rendered = self._rendered.pop(prerender.digest_of(source_path), None) \
            if self._rendered else None
        if rendered is None:
            return super().read(source_path)
        self._source_path = source_path
        if rendered.meta is None:
            return rendered.content, {}
        self._md = _PrerenderedMarkdown(rendered.formatted)
        return rendered.content, self._parse_metadata(rendered.meta)

    def _prerender_around(self, source_path: str) -> None:
        for kind in ("ARTICLE", "PAGE"):
            if kind in self._done:
                continue
            roots = [os.path.join(self.settings["PATH"], p) for p in self.settings[f"{kind}_PATHS"]]
            if not any(_is_under(source_path, root) for root in roots):
                continue
            self._done.add(kind)
            paths = [p for p in self._candidates(roots, self.settings[f"{kind}_EXCLUDES"])
                     if not self._cached(p)]
            if len(paths) >= self._config["FAST_MARKDOWN_MIN_FILES"]:
                self._rendered.update(prerender.render_all(
                    paths, self.settings["MARKDOWN"], self.settings["FORMATTED_FIELDS"],
                    self._config["FAST_MARKDOWN_WORKERS"]))
            return

    def _candidates(self, roots: list[str], excludes: list[str]) -> list[str]:
        ignore = self.settings["IGNORE_FILES"]
        excluded = {os.path.abspath(os.path.join(self.settings["PATH"], e)) for e in excludes}
        found = []
        for root in roots:
            for folder, dirs, files in os.walk(root, followlinks=True):
                dirs[:] = sorted(d for d in dirs
                                 if os.path.abspath(os.path.join(folder, d)) not in excluded
                                 and not any(fnmatch.fnmatch(d, i) for i in ignore))
                for name in sorted(files):
                    if (name.rsplit(".", 1)[-1] in self.file_extensions
                            and not any(fnmatch.fnmatch(name, i) for i in ignore)):
                        found.append(os.path.abspath(os.path.join(folder, name)))
        return found

    def _cached(self, path: str) -> bool:
        # The same check Readers.read_file makes before calling read(): no work for cache hits.
        if self._owner is None or not hasattr(self._owner, "_cache"):
            return False
        return self._owner.get_cached_data(path, _MISSING) is not _MISSING


def _is_under(path: str, root: str) -> bool:
    root = os.path.abspath(root)
    return os.path.abspath(path).startswith(root.rstrip(os.sep) + os.sep)


def use_parallel_reader(readers_instance: readers.Readers) -> None:
    """readers_init handler: swap in the pre-rendering reader for every Markdown extension."""
    for ext, cls in list(readers_instance.reader_classes.items()):
        if cls is readers.MarkdownReader:
            readers_instance.reader_classes[ext] = functools.partial(MarkdownReader,
                                                                     owner=readers_instance)


def register() -> None:
    signals.readers_init.connect(use_parallel_reader)
