"""Signal wiring for the Murmurations plugin (handlers are module-level so they stay alive)."""

from __future__ import annotations

from pelican import signals

from .generator import get_generators, prepare


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(prepare)
