"""The Image / Image_alt rules shared by posts, pages and working groups."""

from __future__ import annotations

from typing import Callable

MISSING_ALT = "missing: describe the image for people who cannot see it"


def _quote(value: str, limit: int = 80) -> str:
    return f"'{value[:limit]}…'" if len(value) > limit else f"'{value}'"


def image_problems(image: str, alt: str, resolves: Callable[[str], bool | None], example: str,
                   schemes: tuple[str, ...]) -> list[tuple[str, str, str | None]]:
    """``(field, message, header key)`` for each problem with an Image and its Image_alt.

    ``resolves(image)`` says whether Pelican link syntax ({static}/...) points at an existing
    file, or None when the value is not link syntax; then it must start with one of ``schemes``.
    """
    if not image:
        return [("image_alt", "image_alt is set but there is no image", None)] if alt else []
    found: list[tuple[str, str, str | None]] = []
    exists = resolves(image)
    if exists is False:
        found.append(("image", f"{_quote(image)} points at a file that does not exist "
                      f"(expected a path under content/, e.g. {example})", None))
    elif exists is None and not image.startswith(schemes):
        found.append(("image", f"{_quote(image)} is not a link Pelican can resolve "
                      "(expected {static}/images/... or an https:// URL)", None))
    if not alt:
        found.append(("image_alt", MISSING_ALT, "image"))
    return found
