"""Write new content files with a complete, valid header, refusing anything that would go wrong."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.settings import read_settings
from pelican.utils import slugify

from content_checks.rules import SLUG_MAX_LENGTH
from publishing.clock import now

from . import templates

START_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


class ScaffoldError(Exception):
    """A request that cannot be honoured; the message says what to do instead."""


def _settings(settings_file: str | Path) -> dict:
    return read_settings(str(settings_file))


def _slug(title: str, settings: dict, room: int = 0) -> str:
    """The slug Pelican would make of ``title``, cut to leave ``room`` characters of the
    check's limit for what goes before it."""
    slug = slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                   preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
                   use_unicode=settings.get("SLUGIFY_USE_UNICODE", False)).strip("-")
    if not slug:
        raise ScaffoldError(f"cannot make a file name from the title {title!r}: "
                            "use some letters or digits")
    longest = SLUG_MAX_LENGTH - room
    if len(slug) > longest:
        # A long title keeps its words; the slug (and file name) stops at the last whole one
        # that fits.
        cut = slug[:longest + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut)[:longest].strip("-")
    return slug


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ScaffoldError('a title is required, e.g. TITLE="Our first meetup"')
    return title


def _write_new(path: Path, text: str) -> Path:
    if path.exists():
        raise ScaffoldError(f"{path} already exists; not overwriting it "
                            "(choose another title, or edit that file)")
    path.parent.mkdir(parents=True, exist_ok=True)
    # "x" mode: never clobber a file created between the check and the write.
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(text)
    return path


def _git_user(cwd: Path) -> str | None:
    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=cwd, capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _header_value(text: str) -> str:
    # Pelican header values are single lines; a comma in Authors/Tags separates entries.
    return " ".join(str(text).split())


def _today(settings: dict) -> datetime:
    return now().astimezone(ZoneInfo(settings.get("TIMEZONE") or "UTC"))


def new_post(settings_file: str | Path, title: str, category: str | None = None,
             tags: str = "", author: str | None = None) -> Path:
    """Write ``<PATH>/posts/<year>/<slug>.md`` as a draft with every required header field."""
    settings = _settings(settings_file)
    title = _title(title)
    allowed = list(settings.get("PUBLICATION_CATEGORIES") or [])
    if category is None or not category.strip():
        category = allowed[0] if allowed else "Open"
    category = category.strip()
    if allowed and category not in allowed:
        matches = [c for c in allowed if c.lower() == category.lower()]
        if not matches:
            raise ScaffoldError(f"unknown category {category!r}; choose one of: "
                                + ", ".join(allowed))
        category = matches[0]
    slug = _slug(title, settings)
    today = _today(settings)
    tag_list = [t.strip() for t in (tags or "").split(",") if t.strip()]
    authors = _header_value(author or _git_user(Path(settings_file).resolve().parent)
                            or settings.get("AUTHOR") or "")
    path = Path(settings["PATH"]) / "posts" / f"{today:%Y}" / f"{slug}.md"
    text = templates.POST.format(
        title=_header_value(title), title_plain=_header_value(title).replace('"', "'"),
        date=f"{today:%Y-%m-%d %H:%M}", category=category,
        tags=", ".join(_header_value(t) for t in tag_list), authors=authors, slug=slug,
        placeholder=templates.PLACEHOLDER)
    return _write_new(path, text)


def _parse_start(start: str) -> tuple[datetime, bool]:
    text = " ".join((start or "").split())
    for fmt in START_FORMATS:
        try:
            return datetime.strptime(text, fmt), fmt == "%Y-%m-%d"
        except ValueError:
            continue
    raise ScaffoldError(f"START {start!r} is not a date or date and time "
                        '(expected e.g. START="2027-03-04 18:00" or START="2027-03-04")')


def _yaml_scalar(value: str) -> str:
    # JSON strings are valid YAML double-quoted scalars: quotes, colons and '#' stay text.
    return json.dumps(value, ensure_ascii=False)


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScaffoldError(f"unknown time zone {name!r} (expected an IANA name such as "
                            "Europe/London, America/New_York or Asia/Tokyo)") from None
    return name


def new_event(settings_file: str | Path, title: str, start: str,
              tz: str | None = None) -> Path:
    """Write ``<PATH>/events/<start-date>-<slug>.yaml`` with the optional fields as comments."""
    settings = _settings(settings_file)
    title = _title(title)
    begins, all_day = _parse_start(start)
    zone = _zone(tz or settings.get("EVENTS_DEFAULT_TIMEZONE") or settings.get("TIMEZONE")
                 or "UTC")
    # The file name, "<start date>-<slug>", is the event's slug.
    slug = _slug(title, settings, room=len("2027-03-04-"))
    if all_day:
        start_text, end_example = f"{begins:%Y-%m-%d}", f"{begins + timedelta(days=1):%Y-%m-%d}"
        timezone_line = f"# timezone: {zone}            # only needed when start has a time"
    else:
        start_text = f"{begins:%Y-%m-%d %H:%M}"
        end_example = f"{begins + timedelta(hours=2):%Y-%m-%d %H:%M}"
        timezone_line = f"timezone: {zone}"
    folder = Path(settings["PATH"]) / "events"
    text = templates.EVENT.format(
        title=_yaml_scalar(title), start=start_text, timezone_line=timezone_line,
        end_example=end_example, start_date=f"{begins:%Y-%m-%d}", slug=slug,
        today=f"{_today(settings):%Y-%m-%d %H:%M}")
    return _write_new(folder / f"{begins:%Y-%m-%d}-{slug}.yaml", text)


def _next_order(folder: Path) -> int:
    orders = [0]
    for path in folder.glob("*.md"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                break
            match = re.match(r"\s*order\s*:\s*(\d+)\s*$", line, re.IGNORECASE)
            if match:
                orders.append(int(match.group(1)))
    return (max(orders) // 10 + 1) * 10


def new_group(settings_file: str | Path, title: str, docs: str = "", join: str = "",
              chat: str = "", contact: str = "") -> Path:
    """Write ``<PATH>/working-groups/<slug>.md`` with Status: forming and the next Order."""
    settings = _settings(settings_file)
    title = _title(title)
    slug = _slug(title, settings)
    folder = Path(settings["PATH"]) / "working-groups"
    links = "".join(f"{key}: {_header_value(value)}\n" for key, value in
                    (("Docs", docs), ("Join", join), ("Chat", chat), ("Contact", contact))
                    if value and value.strip())
    text = templates.GROUP.format(
        title=_header_value(title), title_plain=_header_value(title), slug=slug, links=links,
        order=_next_order(folder), placeholder=templates.PLACEHOLDER)
    return _write_new(folder / f"{slug}.md", text)
