"""Scaffolding for contributors: ``make new-post``, ``make new-event``, ``make new-group``.

Not a Pelican plugin: plain functions that write a correctly shaped source file and return its
path, so tasks.py stays thin and the tests can call them directly.
"""

from .create import ScaffoldError, new_event, new_group, new_post

__all__ = ["ScaffoldError", "new_event", "new_group", "new_post"]
