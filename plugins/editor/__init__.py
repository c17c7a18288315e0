"""The browser editor at /admin/: Decap CMS with a configuration generated from the site's own
schema (categories, required fields, the event contract, groups, authors, tags, time zones)."""

from pelican import signals

from .generator import get_generators


def register() -> None:
    signals.get_generators.connect(get_generators)


__all__ = ["register"]
