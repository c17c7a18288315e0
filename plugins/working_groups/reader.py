"""Read one group file (Pelican ``Key: value`` header + Markdown body) and validate its header.

Every problem is reported with the file, the header line and the field; a group with a problem
is skipped so the build lists everything wrong and then stops.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from pelican.contents import Content
from pelican.utils import slugify

from content_checks.rules import empty_message, missing_message, quote
from content_checks.tree import escapes
from publishing.images import image_problems
from publishing.problems import header_line, report
from scaffold.templates import PLACEHOLDER

from .model import Group

logger = logging.getLogger(__name__)

EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
LINK_FIELDS = ("docs", "join", "chat")
IMAGE_LINK = re.compile(r"^\{(static|attach)\}/?(?P<path>.+)$")
# What a required field left out is told; a title's words are a post's and a page's.
MISSING = {"title": missing_message("title"),
           "purpose": "missing (required; one or two sentences saying what the group is for, "
                      "on a 'Purpose:' line)",
           "status": "missing (required; expected one of: {statuses})"}
# The same fields with their line there and nothing after it (what the browser editor, whose
# form always has the field, says too).
EMPTY = {"title": empty_message("title"),
         "purpose": "is empty (required; one or two sentences saying what the group is for, "
                    "after 'Purpose:')",
         "status": "is empty (required; expected one of: {statuses})"}


class GroupDocument(Content):
    """Pelican content object for a group file; statuses are the plugin's own, checked below."""

    mandatory_properties = ()
    default_status = ""
    default_template = "working_group"


class _Checker:
    """Collects the problems of one file; ``ok`` is False once anything was reported."""

    def __init__(self, context: dict, path: str):
        self.context, self.path, self.ok = context, path, True

    def problem(self, field: str, message: str, key: str | None = None) -> None:
        self.ok = False
        report(self.context, self.path, header_line(self.path, key or field), field, message)


def _text(metadata: dict, key: str) -> str:
    value = metadata.get(key)
    return str(value).strip() if value is not None else ""


def _https(check: _Checker, field: str, value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or " " in value:
        check.problem(field, f"{quote(value)} is not an https:// link (expected e.g. https://example.org/page)")
        return None
    return value


def _slug(check: _Checker, metadata: dict, path: str, settings: dict) -> str:
    # A written Slug: is checked with every other header line by content_checks.
    explicit = _text(metadata, "slug")
    if explicit:
        return explicit
    stem = Path(path).stem
    return slugify(stem, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))


def _order(check: _Checker, metadata: dict) -> int | None:
    raw = _text(metadata, "order")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        check.problem("order", f"{quote(raw)} is not a whole number (expected e.g. Order: 10)")
        return None


def _image(check: _Checker, metadata: dict, content_root: str) -> tuple[str | None, str | None]:
    image, alt = _text(metadata, "image"), _text(metadata, "image_alt")

    def resolves(value: str) -> bool | None:
        match = IMAGE_LINK.match(value)
        if not match:
            return None
        candidate = Path(content_root) / match.group("path")
        return not escapes(content_root, str(candidate)) and candidate.exists()

    for field, message, key in image_problems(image, alt, resolves,
                                              "{static}/images/groups/name.svg", ("https://", "/")):
        check.problem(field, message, key=key)
    return (image, alt) if image else (None, None)


def validate(context: dict, path: str, metadata: dict, config: dict, settings: dict,
             content_root: str) -> dict | None:
    """The group's validated fields, or None after reporting every problem in the header."""
    check = _Checker(context, path)

    def absent(field: str) -> str:
        return (EMPTY if field in metadata else MISSING)[field]

    title = _text(metadata, "title")
    if not title:
        check.problem("title", absent("title"))
    purpose = _text(metadata, "purpose")
    if not purpose:
        check.problem("purpose", absent("purpose"))
    elif purpose.startswith(PLACEHOLDER):
        # make new-group leaves this placeholder; a group page is public as soon as it exists.
        check.problem("purpose", f"still the '{PLACEHOLDER}' text from make new-group (expected "
                      "one or two sentences of your own)")
    statuses = tuple(config["WORKING_GROUP_STATUSES"])
    status = _text(metadata, "status").lower()
    if not status:
        check.problem("status", absent("status").format(statuses=", ".join(statuses)))
    elif status not in statuses:
        check.problem("status", f"unknown status {quote(_text(metadata, 'status'))} "
                      f"(expected one of: {', '.join(statuses)})")
    links = {field: _https(check, field, _text(metadata, field)) for field in LINK_FIELDS}
    contact = _text(metadata, "contact") or None
    if contact and contact[:7].lower() == "mailto:":  # the page makes the mailto: link itself
        contact = contact[7:].strip() or None
    if contact and not EMAIL.match(contact):
        check.problem("contact", f"{quote(contact)} is not an email address (expected e.g. "
                      "group@example.org)")
    fields = {
        "slug": _slug(check, metadata, path, settings), "title": title, "purpose": purpose,
        "status": status, "order": _order(check, metadata), "contact": contact, **links,
    }
    fields["image"], fields["image_alt"] = _image(check, metadata, content_root)
    return fields if check.ok else None


def read_group(generator, relative_path: str, config: dict) -> Group | None:
    """Read and validate one group file; problems are reported, never raised."""
    path = os.path.join(generator.path, relative_path)
    try:
        document = generator.readers.read_file(base_path=generator.path, path=relative_path,
                                               content_class=GroupDocument,
                                               context=generator.context)
    except Exception as error:  # a reader failure is a content problem, not a traceback
        logger.debug("Could not read %s", path, exc_info=True)
        report(generator.context, path, None, None, f"could not be read: {error}")
        return None
    fields = validate(generator.context, path, document.metadata, config, generator.settings,
                      generator.path)
    if fields is None:
        return None
    slug = fields["slug"]
    url = config["WORKING_GROUP_URL"].format(slug=slug)
    save_as = config["WORKING_GROUP_SAVE_AS"].format(slug=slug)
    # Pelican resolves {filename} links to this file through these overrides.
    document.slug, document.override_url, document.override_save_as = slug, url, save_as
    generator.add_source_path(document)
    return Group(source=document, url=url, save_as=save_as, source_path=document.source_path,
                 posts_url=config["WORKING_GROUP_POSTS_URL"].format(slug=slug),
                 posts_save_as=config["WORKING_GROUP_POSTS_SAVE_AS"].format(slug=slug),
                 recent_limit=int(config["WORKING_GROUP_RECENT_POSTS"]), **fields)
