"""Bounds on the work one source file can cause: its size, how deeply its Markdown nests and
how far its "[" and "<" make Markdown look ahead.

Python-Markdown handles each level of nesting (a list in a list, a quote in a quote) by
recursion over the text inside it, so a thousand levels cost seconds and hundreds of MiB, and
more end in a RecursionError. No article needs more than a handful of levels.
"""

from __future__ import annotations

import re
from typing import Iterator

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


# Python-Markdown reads an inline "[" by looking ahead for the "]" that closes it, and a "<"
# that could open a tag for its ">", to the end of the paragraph (or list item, heading, table
# row) when nothing does: one paragraph of 4,000 unclosed "[" takes seconds, 100 KB of them most
# of an hour, while links that close are read in a glance. The work is the sum, over every "["
# and "<", of the characters looked through. Just under this sum a file costs well under a
# second; real posts, however full of links, stay far below it.
MAX_INLINE_WORK = 1_500_000
# A "<" is looked ahead from only where it could open a tag or an autolink ("a < b" is text).
_BRACKETS = re.compile(r"[\[\]>]|<(?=[A-Za-z/])")
# A line that starts an inline text of its own: a list item, a heading, a table row.
_NEW_INLINE = re.compile(r"[ \t>]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|#|\|)")


def heaviest_inline(lines: list[str], first_line: int = 1) -> tuple[int, int] | None:
    """``(line, work)`` when the work over the whole text passes MAX_INLINE_WORK (the line
    starts the costliest paragraph), else None. Fenced code is skipped."""
    text = "\n".join(lines)
    if (text.count("[") + text.count("<")) * len(text) <= MAX_INLINE_WORK:
        return None  # a bound of the work: most files end here
    total, heaviest, line = 0, -1, first_line
    for start, block in _inline_texts(lines, first_line):
        work = _look_ahead(block)
        total += work
        if work > heaviest:
            heaviest, line = work, start
    return (line, total) if total > MAX_INLINE_WORK else None


def _inline_texts(lines: list[str], first_line: int) -> Iterator[tuple[int, str]]:
    """(first line, text) of each paragraph, list item, heading or table row, fences skipped."""
    block: list[str] = []
    start, fenced = first_line, False
    for number, line in enumerate(lines, start=first_line):
        fence = _FENCE.match(line)
        if fence or fenced or not line.strip() or _NEW_INLINE.match(line):
            if block:
                yield start, "\n".join(block)
                block = []
            if fence:
                fenced = not fenced
            elif not fenced and line.strip():
                block, start = [line], number
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block)


def _look_ahead(text: str) -> int:
    """The characters Markdown looks through from each "[" (to its "]", by nesting) and each
    "<" (to the next ">"), to the end for those nothing closes."""
    work, brackets, angles = 0, [], []
    for match in _BRACKETS.finditer(text):
        char, at = match.group(), match.start()
        if char == "[":
            brackets.append(at)
        elif char == "]":
            if brackets:
                work += at - brackets.pop()
        elif char == "<":
            angles.append(at)
        else:
            work += sum(at - opened for opened in angles)
            angles.clear()
    return work + sum(len(text) - opened for opened in brackets + angles)


# Markdown's abbreviations ("*[HTML]: HyperText Markup Language") are each looked for in every
# text of the page: 4,000 of them take seconds, twice as many four times as long. A glossary
# needs a few dozen.
MAX_ABBREVIATIONS = 200
_ABBREVIATION = re.compile(r" {0,3}\*\[[^\]]*\][ ]?:")


def too_many_abbreviations(lines: list[str], first_line: int = 1) -> int | None:
    """The line of the first abbreviation beyond MAX_ABBREVIATIONS, else None (fences
    skipped)."""
    text = "\n".join(lines)
    if text.count("*[") <= MAX_ABBREVIATIONS:
        return None
    count, fenced = 0, False
    for number, line in enumerate(lines, start=first_line):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _ABBREVIATION.match(line):
            count += 1
            if count > MAX_ABBREVIATIONS:
                return number
    return None


def excesses(lines: list[str], first_line: int = 1) -> list[tuple[int, str]]:
    """``(line, message)`` for each bound on Markdown's work that the text passes: its nesting,
    its look-ahead, its abbreviations."""
    found = []
    deep = deepest(lines, first_line=first_line)
    if deep:
        found.append((deep[0], nesting_message(deep[1])))
    heavy = heaviest_inline(lines, first_line=first_line)
    if heavy:
        found.append((heavy[0], inline_message(heavy[1])))
    abbreviations = too_many_abbreviations(lines, first_line=first_line)
    if abbreviations:
        found.append((abbreviations, f"defines more than {MAX_ABBREVIATIONS} abbreviations "
                      f"('*[...]: ...' lines; each is looked for in all the text: expected at "
                      f"most {MAX_ABBREVIATIONS})"))
    return found


def inline_message(work: int) -> str:
    return (f"makes Markdown look through {work:,} characters for the ']' and '>' that close "
            f"its '[' and '<' (to the end of the paragraph where none does; expected at most "
            f"{MAX_INLINE_WORK:,}: close each '[' and '<' nearby, or split the paragraphs)")


def nesting_message(levels: int) -> str:
    return (f"nests lists, quotes or indentation more than {MAX_NESTING} levels deep "
            f"(expected at most {MAX_NESTING}; flatten it)")


def size_message(size: int) -> str:
    return f"the file is {size // 1024} KiB ({SIZE_EXPECTED})"
