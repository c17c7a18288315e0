"""A Python-Markdown extension that refuses, before any conversion, a text too large, nested
too deeply or with "[" and "<" closed too far away (limits.py), so no source file can make a
build hang or exhaust memory.

Listed in MARKDOWN's extensions (pelicanconf.py): it runs wherever the site converts Markdown,
posts and pages, group pages and event descriptions alike. The content checks report the same
limits against the file's line; this only stops the work.
"""

from __future__ import annotations

from markdown import Extension
from markdown.preprocessors import Preprocessor

from . import limits


class LimitExceeded(ValueError):
    """The text passes a limit; args are (message, line), so it survives pickling."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message, line)
        self.message, self.line = message, line

    def __str__(self) -> str:
        return self.message


class _Guard(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        size = sum(len(line) + 1 for line in lines)
        if size > limits.MAX_BYTES:
            raise LimitExceeded(limits.size_message(size))
        excess = limits.excesses(lines)
        if excess:
            line, message = excess[0]
            raise LimitExceeded(message, line)
        return lines


class LimitsExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        # Above every other preprocessor (normalize_whitespace is 30, meta 27).
        md.preprocessors.register(_Guard(md), "content_limits", 100)


def makeExtension(**kwargs) -> LimitsExtension:  # noqa: N802 - Python-Markdown's entry point
    return LimitsExtension(**kwargs)
