"""The speed layer's settings, read once into a frozen dataclass."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    # FASTBUILD = False: plain Pelican with the content plugins (the same output, more slowly).
    enabled: bool = True
    # Processes converting Markdown and rendering pages; 0 means one per CPU this process may use.
    workers: int = 0
    # Below these counts a pool costs more than it saves: the work is done in this process.
    min_files: int = 16
    min_pages: int = 64
    # Reuse of unchanged pages, feeds, calendars and the sitemap from the previous output.
    output_cache: bool = True
    # Pages per part of the search index (searchindex.py).
    search_part_pages: int = 400

    @property
    def processes(self) -> int:
        return self.workers if self.workers > 0 else usable_cpus()


def read(settings: dict) -> Config:
    return Config(enabled=bool(settings.get("FASTBUILD", True)),
                  workers=int(settings.get("FASTBUILD_WORKERS") or 0),
                  min_files=int(settings.get("FASTBUILD_MIN_FILES", Config.min_files)),
                  min_pages=int(settings.get("FASTBUILD_MIN_PAGES", Config.min_pages)),
                  output_cache=bool(settings.get("OUTPUT_CACHE", True)),
                  search_part_pages=int(settings.get("SEARCH_INDEX_PART_PAGES")
                                        or Config.search_part_pages))


def usable_cpus() -> int:
    """The CPUs this process may run on (a container's share, not the host's cores)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
