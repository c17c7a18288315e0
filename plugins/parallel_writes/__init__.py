"""Renders and writes the site's pages in forked processes, one share per core."""

from .writer import register

__all__ = ["register"]
