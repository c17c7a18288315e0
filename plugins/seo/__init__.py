"""Discoverability: sitemap.xml, robots.txt, and the canonical/social/JSON-LD helpers for <head>."""

from pelican import signals

from .generator import get_generators
from .helpers import install


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(install)


__all__ = ["register"]
