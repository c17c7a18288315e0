"""Writes sitemap.xml and robots.txt after every other generator has filled the context."""

from __future__ import annotations

import logging
import os
from typing import Any

from pelican.generators import Generator

from .robots import render_robots
from .settings import read
from .sitemap import render_sitemap, sitemap_entries

logger = logging.getLogger(__name__)


class SeoGenerator(Generator):
    def generate_context(self) -> None:
        # Nothing to read: the sitemap is computed from the other generators' context at output.
        pass

    def generate_output(self, writer: Any) -> None:
        config = read(self.settings)
        entries = sitemap_entries(self.context, config)
        if config.sitemap_save_as:
            self._write(config.sitemap_save_as, render_sitemap(entries))
            logger.info("Sitemap lists %d URLs", len(entries))
        if config.robots_save_as:
            self._write(config.robots_save_as, render_robots(config).encode("utf-8"))

    def _write(self, save_as: str, data: bytes) -> None:
        path = os.path.join(self.output_path, save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)


def get_generators(pelican: Any) -> type[SeoGenerator]:
    return SeoGenerator
