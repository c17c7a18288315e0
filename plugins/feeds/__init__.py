"""Atom and RSS 2.0 feeds written with feedgen, and JSON Feed 1.1 beside them: the whole blog,
each category, tag, author, working group, and the events calendar. Every feed names the WebSub
hub (WEBSUB_HUB). Templates find them through ``feed_for(kind, slug)``."""

from pelican import signals

from .generator import get_generators, plan


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(plan)


__all__ = ["register"]
