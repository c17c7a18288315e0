"""Bounds on the work one source file can cause: its size and how deeply its Markdown nests.

Python-Markdown handles each level of nesting (a list in a list, a quote in a quote) by
recursion over the text inside it, so a thousand levels cost seconds and hundreds of MiB, and
more end in a RecursionError. No article needs more than a handful of levels.
"""

from __future__ import annotations

import re

MAX_BYTES = 1024 * 1024
MAX_NESTING = 24
SIZE_EXPECTED = f"expected at most {MAX_BYTES // 1024} KiB of text; split it or link to a file"
# One level of Markdown nesting at the start of a line: a quote marker, a list marker, or an
# indentation step (four spaces or a tab).
_LEVEL = re.compile(r" {0,3}(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))\s?|    |\t")
_FENCE = re.compile(r"\s*(```|~~~)")
# A line nested deeper than MAX_NESTING starts with more than MAX_NESTING of these characters:
# one search of the whole text rules most files out before any line is looked at.
_DEEP_CANDIDATE = re.compile(r"^[ \t>*+\-0-9.)]{%d,}" % (MAX_NESTING + 1), re.MULTILINE)


def deepest(lines: list[str], first_line: int = 1) -> tuple[int, int] | None:
    """``(line, levels)`` of the first line nested deeper than MAX_NESTING, else None.
    Fenced code is skipped: its indentation is text, not structure."""
    if not _DEEP_CANDIDATE.search("\n".join(lines)):
        return None
    fenced = False
    for number, text in enumerate(lines, start=first_line):
        if _FENCE.match(text):
            fenced = not fenced
            continue
        if fenced:
            continue
        levels, position = 0, 0
        while levels <= MAX_NESTING:
            match = _LEVEL.match(text, position)
            if match is None or match.end() == position:
                break
            levels, position = levels + 1, match.end()
        if levels > MAX_NESTING:
            return number, levels
    return None


def nesting_message(levels: int) -> str:
    return (f"nests lists, quotes or indentation more than {MAX_NESTING} levels deep "
            f"(expected at most {MAX_NESTING}; flatten it)")


def size_message(size: int) -> str:
    return f"the file is {size // 1024} KiB ({SIZE_EXPECTED})"
