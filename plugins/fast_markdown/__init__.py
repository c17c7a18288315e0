"""Renders Markdown once per post, in parallel across cores, and lets Pelican's content cache
serve unchanged files on warm builds (see reader.py and cache.py)."""

from .reader import register

__all__ = ["register"]
