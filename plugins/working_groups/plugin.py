"""Signal wiring for the working-groups plugin (handlers are module-level so they stay alive)."""

from __future__ import annotations

from pelican import signals

from .generator import WorkingGroupsGenerator
from .references import link_groups


def get_generators(_pelican) -> type[WorkingGroupsGenerator]:
    return WorkingGroupsGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(link_groups)
