"""The dev server's long-lived build: the site held in memory between saves.

Each rebuild runs the same build as ``make html`` (the same Pelican instance, plugins and caches
kept warm in this process) into a private copy of the site, then syncs that copy into the served
output folder, rewriting only the files whose bytes changed (publishing/treesync.py). What the
output folder holds after any sequence of edits is therefore what a cold build of the same
sources writes.

Before that rebuild, an edited post or page that keeps its URL is read again on its own and its
page rendered with the previous build's generators and context (Pelican's own
``generate_articles`` and ``generate_output``, limited to that one page), so the open tab shows
the new text at once; the full rebuild that follows rewrites the page again only if listings or
links changed what it shows. A failed rebuild puts the last good pages back.

A rebuild asks ``superseded`` (a callable the caller gives) at each stage of its reading; a
save made meanwhile stops it there (``Superseded``), so that the new save is shown at once
instead of after a rebuild of sources already out of date.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from jinja2.bccache import Bucket, BytecodeCache
from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.writers import Writer

from .site import PublishingPelican
from .treesync import Changes, TreeSync, place

logger = logging.getLogger(__name__)

# Left alone by the sync: the search index, written into the output folder by Pagefind.
SEARCH_INDEX = "pagefind"
# What Pelican's generators write pages for, the published list second.
ARTICLE_LISTS = ("translations", "articles", "hidden_translations", "hidden_articles")
PAGE_LISTS = ("translations", "pages", "hidden_translations", "hidden_pages",
              "draft_translations", "draft_pages")


# Where a rebuild may stop for a newer save: each stage of reading and validating the sources.
CHECKPOINTS = ("article_generator_finalized", "page_generator_finalized",
               "all_generators_finalized")


class Superseded(Exception):
    """A save came while the site was being rebuilt: that rebuild was stopped."""


def _same_file(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept in memory from one build to the next (each build has a
    new Jinja environment). Jinja checks a template's source checksum before using its entry,
    so an edited template is compiled again."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()

    def __cache_key__(self) -> str:
        # What pages rendered with it depend on (fastbuild's page keys): nothing it holds.
        return "compiled templates in memory"


class Preview:
    """Builds the site into ``<CACHE_PATH>/devserver/site`` and keeps ``OUTPUT_PATH`` in step."""

    def __init__(self, settings: dict,
                 superseded: Callable[[], bool] = lambda: False) -> None:
        self.output = Path(settings["OUTPUT_PATH"])
        self.superseded = superseded
        folder = Path(settings["CACHE_PATH"]) / "devserver"
        self.mirror = folder / "site"
        folder.mkdir(parents=True, exist_ok=True)
        # Caches of its own: those of ``make html`` describe output/, not this copy of the site.
        # auto_reload: a theme edit alone writes the site again with the same generators, and
        # so the same Jinja environments, which must then see the edited templates.
        jinja = {**settings.get("JINJA_ENVIRONMENT", {}), "bytecode_cache": CompiledTemplates(),
                 "auto_reload": True}
        self.pelican = PublishingPelican({**settings, "OUTPUT_PATH": str(self.mirror),
                                          "CACHE_PATH": str(folder / "cache"),
                                          "JINJA_ENVIRONMENT": jinja})
        self.pelican.reuse_staging_folders = True
        self.sync = TreeSync(self.mirror, self.output, keep=(SEARCH_INDEX,))
        # The generators of the last successful build (the site in memory) and of the running one.
        self._last: list | None = None
        self._current: list | None = None
        # The pages the last build moved (a changed Date or Slug): old output path -> new one.
        self.moved: dict[str, str] = {}
        signals.all_generators_finalized.connect(self._remember)
        for name in CHECKPOINTS:
            getattr(signals, name).connect(self._checkpoint)

    def _remember(self, generators: list) -> None:
        self._current = generators

    def _checkpoint(self, _sender) -> None:
        if self.superseded():
            raise Superseded

    def build(self, theme_only: bool = False) -> Changes:
        """Rebuild the whole site and sync it into the output folder; raises what the build
        raises (ContentError for content problems, Superseded), leaving the last good output
        served. ``theme_only``: no source changed since the last good build, so its site in
        memory is written again with the theme as it is now, without reading anything."""
        self.moved = {}
        if theme_only and self._last is not None:
            _forget_templates(self._last)
            self.pelican.write_again(self._last)
        else:
            self._current = None
            _forget_rendered_contents()
            before = _pages(self._last)
            self.pelican.run()
            self._last = self._current
            after = _pages(self._last)
            self.moved = {before[source]: after[source] for source in before.keys() & after.keys()
                          if before[source] != after[source]}
        return self.sync.run()

    def restore(self) -> Changes:
        """Put the last good build's files back (after a quick render of a broken file)."""
        if not self.mirror.is_dir():
            return Changes()
        return self.sync.run()

    def render_edited(self, paths: Iterable[Path]) -> list[str]:
        """Render the pages of edited posts and pages at once; the output paths written.

        Only sources the last build read, still published at the same URL, take this path;
        anything else (a new or deleted file, a draft, a changed date or slug, an event)
        waits for the rebuild."""
        if self._last is None:
            return []
        written: list[str] = []
        for path in paths:
            try:
                rel = self._render_one(str(path))
            except Exception:  # the rebuild reports it precisely
                logger.debug("quick render of %s skipped", path, exc_info=True)
                continue
            if rel:
                written.append(rel)
        return written

    def _find(self, path: str):
        for generator in self._last or ():
            if isinstance(generator, ArticlesGenerator):
                kind, lists = Article, ARTICLE_LISTS
            elif isinstance(generator, PagesGenerator):
                kind, lists = Page, PAGE_LISTS
            else:
                continue
            for item in getattr(generator, lists[1]):
                if _same_file(item.source_path, path):
                    return generator, item, kind, lists
        return None

    def _render_one(self, path: str) -> str | None:
        found = self._find(path)
        if found is None:
            return None
        generator, old, kind, lists = found
        new = generator.readers.read_file(
            base_path=generator.path, path=os.path.relpath(path, generator.path),
            content_class=kind, context=generator.context)
        if new.status != old.status or new.save_as != old.save_as or not new.save_as:
            return None
        new.refresh_metadata_intersite_links()
        staging = Path(tempfile.mkdtemp(prefix=".devserver-page-", dir=self.mirror.parent))
        saved = {name: getattr(generator, name) for name in lists + ("context",)}
        try:
            writer = Writer(str(staging), settings=generator.settings)
            # The generator's own output pass, given only this page to write. The page sees
            # the new version wherever the site lists it (the footer's recent posts...), in new
            # lists: templates may cache by the identity of a list.
            for name in lists:
                setattr(generator, name, [])
            setattr(generator, lists[1], [new])
            generator.context = _replaced(saved["context"], old, new)
            if kind is Article:
                generator.generate_articles(writer.write_file)
            else:
                generator.generate_output(writer)
            target = self.output / new.save_as
            source = staging / new.save_as
            if target.is_file() and target.read_bytes() == source.read_bytes():
                return None
            place(source, target)
        finally:
            for name, value in saved.items():
                setattr(generator, name, value)
            shutil.rmtree(staging, ignore_errors=True)
        return Path(new.save_as).as_posix()


def _pages(generators: list | None) -> dict[str, str]:
    """Each source file's page (its output path) in a build, from Pelican's
    ``generated_content``, where every generator files what it read (events and groups too)."""
    if not generators:
        return {}
    generated = generators[0].context.get("generated_content") or {}
    pages = {}
    for source, content in generated.items():
        save_as = getattr(content, "save_as", None)
        if isinstance(save_as, str) and save_as.endswith(".html"):
            pages[source] = Path(save_as).as_posix()
    return pages


def _forget_rendered_contents() -> None:
    """Empty Pelican's memo of every content object's HTML and summary (``memoized``'s
    ``cache``, which Pelican's own tests clear the same way). It is keyed by the objects
    themselves and kept for the life of the process: in this one, every build's posts, pages
    and all they point to (the whole site of that build) would stay in memory, and each fork
    of the page workers would copy more of it. The build about to run makes new objects; the
    last good build's are rendered again if asked (tests/test_upstream_seams.py pins ``memoized``'s
    source and fails when it changes)."""
    for memo in (Content.get_content, Content.get_summary):
        memo.cache.clear()


def _forget_templates(generators: list) -> None:
    """Make each generator load its templates afresh. Pelican's ``Generator.get_template``
    keeps every template it loaded, for the generator's life, in its private ``_templates``
    (tests/test_upstream_seams.py pins that function's source and fails when it changes)."""
    for generator in generators:
        templates = getattr(generator, "_templates", None)
        if isinstance(templates, dict):
            templates.clear()


def _replaced(value, old, new):
    """``value`` with ``old`` replaced by ``new`` in its lists, tuples and dicts (copies of the
    containers that hold it; the others are the same objects)."""
    if value is old:
        return new
    # Subclasses of list and dict too (the speed layer's post lists, Pelican's defaultdicts),
    # copied as plain ones; a tuple only as itself (a named tuple is left whole).
    if type(value) is tuple or isinstance(value, list):
        items = [_replaced(item, old, new) for item in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return tuple(items) if type(value) is tuple else items
    if isinstance(value, dict):
        items = {key: _replaced(item, old, new) for key, item in value.items()}
        if all(items[key] is value[key] for key in value):
            return value
        return items
    return value
