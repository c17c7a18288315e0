"""Content problems: one record per mistake, formatted ``path:line: field 'x': message``."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Hashable, Iterable, TypeVar

T = TypeVar("T")

CONTEXT_KEY = "CONTENT_PROBLEMS"
COLLECTED_KEY = "CONTENT_PROBLEMS_COLLECTED"
# What content can still make writing a page, feed or calendar raise (see output_problem).
WRITING_ERRORS = (ValueError, TypeError, OSError, RecursionError)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where = f"{where}:{self.line}"
        if self.field:
            return f"{where}: field '{self.field}': {self.message}"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised once per build with every problem found, so contributors fix them in one pass."""

    exitcode = 1

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.field or "", p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # Raised in a worker process, it reaches the build whole (problems, not their text).
        return (type(self), (self.problems,))


# A control character in a file name is shown escaped: a problem is one line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def display_path(path: str | os.PathLike) -> str:
    """Path relative to the working directory when inside it: what a contributor types."""
    p = Path(path)
    try:
        shown = str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        shown = str(path)
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], shown)


def problems_of(context: dict) -> list[Problem]:
    """The build's shared problem list; it lives in the Pelican context so it dies with the build."""
    return context.setdefault(CONTEXT_KEY, [])


def collect_problems(context: dict) -> None:
    """Mark ``context`` as a build that raises ContentError with its problems (PublishingPelican)."""
    context[COLLECTED_KEY] = True
    problems_of(context)


def problems_collected(context: dict) -> bool:
    """False under a Pelican class that never looks at the problem list (plain ``pelican``)."""
    return bool(context.get(COLLECTED_KEY))


def report(context: dict, path: str, line: int | None, field: str | None, message: str) -> None:
    problems_of(context).append(Problem(str(path), line, field, message))


def shared_values(items: Iterable[T], value_of: Callable[[T], Hashable]) -> list[tuple[T, list[T]]]:
    """Each item whose value (``value_of``) another item has too, with those others: what a
    duplicate slug or UID is reported on, every file that has it named."""
    owners: dict[Hashable, list[T]] = defaultdict(list)
    for item in items:
        owners[value_of(item)].append(item)
    return [(item, [other for other in same if other is not item])
            for same in owners.values() if len(same) > 1 for item in same]


def left_out(items: Iterable[T], duplicates: list[tuple[T, list[T]]]) -> list[T]:
    """``items`` without those ``shared_values`` found (each of them is reported instead:
    none of the files sharing a value can be trusted to be the one meant)."""
    dropped = {id(item) for item, _ in duplicates}
    return [item for item in items if id(item) not in dropped]


def source_lines(path: str | os.PathLike) -> list[str]:
    """A source file's lines (BOM dropped, bad bytes replaced); [] when it cannot be read."""
    try:
        return text_lines(Path(path).read_bytes())
    except OSError:
        return []


def text_lines(data: bytes) -> list[str]:
    """The lines of a source file's bytes, as ``source_lines`` reads them."""
    return split_lines(data.decode("utf-8-sig", errors="replace"))


# Line ends as Markdown and text editors count them. ``str.splitlines`` also ends a line at a
# vertical tab, a form feed, U+001C-U+001E, U+0085, U+2028 and U+2029: the checks would never
# see those characters, and every line number after one would be off.
_LINE_END = re.compile("\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """``text``'s lines, without their line ends (none after a last line end)."""
    lines = _LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def header_fields(lines: list[str]) -> dict[str, tuple[int, str]]:
    """``key -> (line, value)`` for the ``Key: value`` lines before the first blank line."""
    fields: dict[str, tuple[int, str]] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            break  # the header ends at the first blank line
        key, sep, value = text.partition(":")
        if sep and key.strip():
            fields.setdefault(key.strip().lower(), (number, value.strip()))
    return fields


def header_line(path: str | os.PathLike, key: str) -> int | None:
    """Line number of a ``Key: value`` metadata line, so errors point where to look."""
    return header_fields(source_lines(path)).get(key.lower(), (None, ""))[0]


def output_problem(error: BaseException) -> Problem:
    """A problem for an error raised while a page, feed or calendar was being written: named
    after the source file whose object the innermost frame was handling (a post, page, event
    or group has a ``source_path``), else after the file being written."""
    source = None
    trace = error.__traceback__
    while trace is not None:
        for value in list(trace.tb_frame.f_locals.values()):
            try:
                path = getattr(value, "source_path", None)
            except Exception:  # noqa: BLE001 - any object may be in a frame
                continue
            if isinstance(path, str) and os.path.isfile(path):
                source = path
        trace = trace.tb_next
    reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    if isinstance(error, OSError) and error.strerror:
        reason = f"cannot be written: {error.strerror}"
    return Problem(source or str(getattr(error, "filename", None) or "build"), None, None,
                   f"{reason} (while writing the site)")
