"""Writes sitemap.xml and robots.txt after every other generator has filled the context."""

from __future__ import annotations

import logging
import os
from typing import Any

from pelican.generators import Generator

from fastbuild import OutputCache, beside_pages, write_new

from .robots import render_robots
from .settings import SeoSettings, read
from .sitemap import render_sitemap, sitemap_entries, sitemap_key

logger = logging.getLogger(__name__)


class SeoGenerator(Generator):
    def generate_context(self) -> None:
        # Nothing to read: the sitemap is computed from the other generators' context at output.
        pass

    def generate_output(self, writer: Any) -> None:
        config = read(self.settings)
        if config.sitemap_save_as:
            beside_pages(writer, lambda: self._write_sitemap(config))
        if config.robots_save_as:
            self._write(config.robots_save_as, render_robots(config).encode("utf-8"))

    def _write_sitemap(self, config: SeoSettings) -> None:
        entries = sitemap_entries(self.context, config)
        # Unchanged in a warm build unless a URL or a date changed: reuse the previous file.
        cache = OutputCache(self.settings, "seo", self.output_path)
        key = sitemap_key(entries)
        if not cache.reuse(config.sitemap_save_as, key):
            self._write(config.sitemap_save_as, render_sitemap(entries))
            cache.record(config.sitemap_save_as, key)
        cache.save()
        logger.info("Sitemap lists %d URLs", len(entries))

    def _write(self, save_as: str, data: bytes) -> None:
        write_new(os.path.join(self.output_path, save_as), data)


def get_generators(pelican: Any) -> type[SeoGenerator]:
    return SeoGenerator
