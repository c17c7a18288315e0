"""Working groups: one Markdown file per group, group pages, and checked links from posts/events."""

from .plugin import register

__all__ = ["register"]
