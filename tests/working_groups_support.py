"""Helpers for the working-groups tests: group files with a known header layout."""

from __future__ import annotations

from conftest import FixtureSite


def group_file(site: FixtureSite, name: str, *, title: str, status: str = "active",
               purpose: str = "Does useful things together.", order: str | None = None,
               extra: str = "", body: str = "Background of the group.") -> None:
    """Write content/working-groups/<name>.md. Header lines: Title 1, Purpose 2, Status 3,
    then Order (4) if given, then ``extra`` lines."""
    lines = [f"Title: {title}", f"Purpose: {purpose}", f"Status: {status}"]
    if order is not None:
        lines.append(f"Order: {order}")
    lines += [line.strip() for line in extra.strip().splitlines() if line.strip()]
    site.file(f"working-groups/{name}.md", "\n".join(lines) + "\n\n" + body + "\n")
