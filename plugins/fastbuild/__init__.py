"""The speed layer: the same site, built faster. ``FASTBUILD = False`` turns all of it off.

See README.md beside this file for what each part saves and the Pelican seams it uses.
"""

from __future__ import annotations

import functools

from pelican import signals

from . import contents, fingerprint, listings, markdown, pages, templates
from .output import beside_pages
from .outputcache import OutputCache, make_key, write_new
from .searchindex import index as search_index, place as place_search_index, plan as plan_search_index
from .settings import Config, read as read_config, usable_cpus

__all__ = ["Config", "OutputCache", "beside_pages", "make_key", "outputs_reading",
           "place_search_index", "plan_search_index", "read_config", "register", "search_index",
           "usable_cpus", "write_new"]

PREFILTER = "fastbuild.prefilter"


def _prepare(pelican) -> None:
    """initialized handler: the cache folder for this configuration (compiled templates kept
    there), and the Markdown prefilter (which gives the same HTML)."""
    fingerprint.namespace_cache(pelican)
    settings = pelican.settings
    if not read_config(settings).enabled:
        return
    if settings.get("CACHE_CONTENT"):
        templates.keep_compiled(settings)
    markdown_settings = dict(settings["MARKDOWN"])
    configs = dict(markdown_settings.get("extension_configs", {}))
    configs.setdefault(PREFILTER, {})
    markdown_settings["extension_configs"] = configs
    settings["MARKDOWN"] = markdown_settings


def _done(pelican) -> None:
    """finalized handler: pages not yet written (the plain ``pelican`` command) are written,
    then nothing of this build is kept (a long-running preview builds again)."""
    pages.finish_writers()
    contents.forget()


def outputs_reading(settings: dict) -> dict[str, set[str]]:
    """Which pages of the last build show which source files' bodies: {source path: {page}}.

    Read from the page manifest of the configuration ``settings`` describe (as read_settings
    gives them). Everything else a page, feed or calendar is made from (titles, dates, tags,
    settings, templates) is in its key, so only rendering tells whether it changed."""
    import os

    from publishing import jsonfile

    path = os.path.join(fingerprint.cache_folder(settings), "outputs", "pages.json")
    readers: dict[str, set[str]] = {}
    for page, entry in jsonfile.load(path, OutputCache.VERSION).get("files", {}).items():
        for source in entry[2]:
            readers.setdefault(source, set()).add(page)
    return readers


# One handler per generator kind for the life of the process: a tool that builds several times
# in one process (the devserver, tests) registers the plugin again for each Pelican instance,
# and the signal must not collect a handler each time.
_PREREAD = {kind: functools.partial(markdown.start_prerender, kind=kind)
            for kind in markdown.SOURCES}


def register() -> None:
    signals.initialized.connect(_prepare)
    signals.readers_init.connect(markdown.use_reader)
    for kind, handler in _PREREAD.items():
        getattr(signals, f"{kind[:-1]}_generator_preread").connect(handler)
    signals.article_generator_finalized.connect(listings.index_listings)
    signals.all_generators_finalized.connect(markdown.stop_prerender)
    signals.generator_init.connect(contents.at_generator)
    signals.content_object_init.connect(contents.note_reads)
    signals.get_writer.connect(pages.fast_writer)
    signals.finalized.connect(_done)
