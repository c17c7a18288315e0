"""The cyclic collector's thresholds: the interpreter's own, and the build's.

Most of what a build allocates lives to its end (the posts, their pages' keys, the caches), and
each full collection walks all of it again: with the interpreter's thresholds one may come every
70,000 allocations. The build's process collects young objects less often, and everything only
after 20 middle collections (and, Python's own rule, once the long-lived objects have grown by a
quarter). Work whose objects are short-lived (rendering pages, a worker process) goes back to the
interpreter's own, read here before anything changes them, whatever the Python version.
"""

from __future__ import annotations

import gc

# Kept when this module is first imported: publishing.cli imports it before raising them.
INTERPRETER = gc.get_threshold()
BUILD = (20_000, 20, 20)


def for_the_build() -> None:
    """The build's process: collect its long-lived heap seldom."""
    gc.set_threshold(*BUILD)


def as_usual() -> None:
    """Short-lived objects: the interpreter's own thresholds, freeing garbage as it goes."""
    gc.set_threshold(*INTERPRETER)
