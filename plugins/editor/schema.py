"""The editor's configuration (Decap CMS config.yml), computed from the site's own schema so the
editor offers what `make check` accepts and refuses what it refuses, in the same words."""

from __future__ import annotations

import zoneinfo
from typing import Any, Iterable, Mapping

from content_checks import rules
from content_checks.rules import SLUG_MAX_LENGTH, empty_message, slug as slug_problem
from content_checks.settings import read as read_check_settings
from content_checks.source import STATUSES as POST_STATUSES
from events.loader import MISSING as EVENT_MISSING
from events.values import STATUSES as EVENT_STATUSES
from publishing.images import MISSING_ALT
from working_groups.reader import EMPTY as GROUP_EMPTY
from working_groups.settings import read_settings as group_settings

from .settings import EditorSettings

DATETIME = {"widget": "datetime", "format": "YYYY-MM-DD HH:mm", "date_format": "YYYY-MM-DD",
            "time_format": "HH:mm", "picker_utc": False}
SLUG_PATTERN = [f"^(?=.{{1,{SLUG_MAX_LENGTH}}}$)[a-z0-9]+(-[a-z0-9]+)*$",
                f"lowercase letters, digits and single hyphens, at most {SLUG_MAX_LENGTH} "
                "characters, e.g. our-first-year"]
HTTPS_PATTERN = ["^https://\\S+$", "an https:// link, e.g. https://example.org/page"]
# The check's own rules as patterns: what it accepts, the editor accepts.
DURATION_PATTERN = [f"^{rules.DURATION.pattern}$", rules.DURATION_EXPECTED]
# 1 to 19 digits, leading zeros allowed (the check reads the number): INT64_MAX has 19.
BYTES_PATTERN = ["^0*[1-9][0-9]{0,18}$", rules.BYTES_EXPECTED]


def _field(name: str, label: str, widget: str = "string", *, problem: str | None = None,
           hint: str = "", **options: Any) -> dict:
    """One Decap field. A required one names its widget `required-<widget>` (editor.js) and
    carries the message `make check` gives for its line left empty (the form always has the
    field, so the words for a line left out would ask the writer for one they cannot add)."""
    field: dict[str, Any] = {"name": name, "label": label, "widget": widget,
                             "required": problem is not None}
    if problem is not None:
        field["widget"] = f"required-{widget}"
        field["problem"] = f"field '{name}': {problem}"
    if hint:
        field["hint"] = hint
    field.update(options)
    return field


def _slug(hint: str) -> dict:
    """The Slug field. Left empty in a new entry it is made from the title (editor.js); a title
    with no Latin letter or digit gives none, and the entry's file would be named `.md` (hidden,
    never published) or end in a hyphen, so the field then says what `make check` says of an
    empty Slug line."""
    return _field("slug", "Slug", "slug", pattern=SLUG_PATTERN, hint=(
        f"{hint} Needed when the title has no Latin letters or digits."),
        untitled_problem=f"field 'slug': {slug_problem('')}")


def _image(settings: Mapping[str, Any], hint: str = "") -> dict:
    """A picture field whose uploads stop at the size `make check` allows (Decap's own media
    library refuses a larger file with a message)."""
    limit = read_check_settings(dict(settings)).image_max_bytes
    return _field("image", "Image", "image", hint=hint,
                  media_library={"config": {"max_file_size": limit}})


def _image_alt(hint: str = "") -> dict:
    """The Image description: needed once there is an Image (editor.js looks at that field),
    with the words `make check` gives for a picture without one."""
    return _field("image_alt", "Image description", "image-alt", hint=hint,
                  without_problem=f"field 'image_alt': {MISSING_ALT}")


def _existing(label: str, names: Iterable[str]) -> str:
    names = list(names)
    return f"Comma-separated. {label}: {', '.join(names)}" if names else "Comma-separated."


def _names(pairs: Any) -> list[str]:
    return sorted({str(thing) for thing, _ in (pairs or [])}, key=str.lower)


def _groups(context: Mapping[str, Any]) -> list[dict]:
    groups = list(context.get("working_groups") or []) + list(
        context.get("archived_working_groups") or [])
    return [{"label": g.title, "value": g.slug} for g in sorted(groups, key=lambda g: g.title.lower())]


def _tags(context: Mapping[str, Any]) -> list[str]:
    tags = set(_names(context.get("tags")))
    for event in context.get("events") or []:
        tags.update(getattr(event, "tags", None) or [])
    return sorted(tags, key=str.lower)


def post_fields(settings: Mapping[str, Any], context: Mapping[str, Any]) -> list[dict]:
    required = set(settings.get("POST_REQUIRED_FIELDS") or [])
    groups = _groups(context)

    def need(name: str) -> str | None:
        return empty_message(name) if name in required else None

    return [
        _field("title", "Title", problem=need("title")),
        _field("date", "Date", problem=need("date"), hint=(
            f"{settings.get('TIMEZONE', 'UTC')} time; it also sets the address "
            "/blog/YYYY/MM/<slug>/"), **DATETIME),
        _field("modified", "Modified", hint="When you changed the post substantially (optional).",
               default="", **DATETIME),
        _field("category", "Category", "select", problem=need("category"),
               options=list(settings.get("PUBLICATION_CATEGORIES") or [])),
        _field("tags", "Tags", "list", problem=need("tags"),
               hint=_existing("Existing tags", _tags(context))),
        _field("authors", "Authors", "list", problem=need("authors"),
               hint=_existing("Existing authors", _names(context.get("authors")))),
        _field("summary", "Summary", "text", problem=need("summary"),
               hint="One or two plain sentences: shown in lists, feeds and search results."),
        _slug("The last part of the address; left empty, it is made from the title."),
        _field("status", "Status", "select", options=list(POST_STATUSES), default="draft",
               hint="draft: checked, never published; hidden: published, not listed."),
        _image(settings, hint="The picture shown with the post."),
        _image_alt(hint="What the picture shows, for people who cannot see it (needed with an "
                        "image)."),
        _field("group", "Working group", "select", options=groups) if groups else None,
        _field("audio", "Audio", pattern=HTTPS_PATTERN, hint="Podcasts: the MP3 file's address."),
        _field("audio_length", "Audio length", hint="With Audio: the file's size in bytes.",
               pattern=BYTES_PATTERN),
        _field("video", "Video", pattern=HTTPS_PATTERN),
        _field("duration", "Duration", pattern=DURATION_PATTERN),
        _field("body", "Body", "markdown", hint="Start sections at ## (the title is the top heading)."),
    ]


def event_fields(settings: Mapping[str, Any], context: Mapping[str, Any]) -> list[dict]:
    zone = settings.get("EVENTS_DEFAULT_TIMEZONE") or settings.get("TIMEZONE") or "UTC"
    groups = _groups(context)
    return [
        _field("title", "Title", problem=EVENT_MISSING["title"]),
        _field("start", "Start", "when", problem=EVENT_MISSING["start"],
               hint="The clock time where the event happens; tick All day for a date only."),
        _field("end", "End", "when", hint="Not before the start; an all-day end is the last day."),
        _field("timezone", "Time zone", "select", default=zone,
               options=sorted(zoneinfo.available_timezones())),
        _field("location", "Location", "location",
               hint="Text (Online, Manchester), or a place with name, address and coordinates."),
        _field("online_url", "Online link", pattern=HTTPS_PATTERN,
               hint="The link to join: makes it an online (or mixed) event."),
        _field("url", "More information", pattern=HTTPS_PATTERN),
        _field("summary", "Summary", hint="One line."),
        _field("description", "Description", "markdown"),
        _field("organizer", "Organizer"),
        _field("group", "Working group", "select", options=groups) if groups else None,
        _field("tags", "Tags", "list", hint=_existing("Existing tags", _tags(context))),
        _field("status", "Status", "select", options=list(EVENT_STATUSES), default="confirmed",
               hint="Keep a cancelled event and set cancelled, so calendars show it."),
        _field("recurrence", "Repeats", hint=(
            "An RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10 (empty: happens once).")),
        _field("exdates", "Skipped dates", "list", hint="Occurrences that do not happen.",
               field={"name": "date", "label": "Date", "widget": "datetime",
                      "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False,
                      "picker_utc": False}),
        _slug("The address /events/<slug>/; left empty, the start date and the title."),
        _field("updated", "Updated", default="", hint="When the details last changed.", **DATETIME),
        _field("sequence", "Sequence", "number", value_type="int", min=0, hint=(
            "Add one every time the time or place changes, so calendars update.")),
    ]


def group_fields(settings: Mapping[str, Any]) -> list[dict]:
    statuses = list(group_settings(dict(settings))["WORKING_GROUP_STATUSES"])
    return [
        _field("title", "Title", problem=GROUP_EMPTY["title"]),
        _slug("What posts' and events' Group refers to; left empty, it is made from the title."),
        _field("purpose", "Purpose", "text", problem=GROUP_EMPTY["purpose"]),
        _field("status", "Status", "select", options=statuses, default="forming",
               problem=GROUP_EMPTY["status"].format(statuses=", ".join(statuses))),
        _field("docs", "Working docs", pattern=HTTPS_PATTERN),
        _field("join", "Join link", pattern=HTTPS_PATTERN),
        _field("chat", "Chat", pattern=HTTPS_PATTERN),
        _field("contact", "Contact email"),
        _field("order", "Order", "number", value_type="int", min=0,
               hint="The Collaborate page lists groups by Order, then by title."),
        _image(settings),
        _image_alt(),
        _field("body", "Background", "markdown"),
    ]


def page_fields() -> list[dict]:
    return [
        _field("title", "Title", problem=empty_message("title")),
        _slug("The address /<slug>/; left empty, it is made from the title."),
        _field("status", "Status", "select", options=list(POST_STATUSES), default="published"),
        _field("body", "Body", "markdown"),
    ]


def _present(fields: list[dict | None]) -> list[dict]:
    return [field for field in fields if field is not None]


def editor_config(config: EditorSettings, settings: Mapping[str, Any],
                  context: Mapping[str, Any]) -> dict:
    """The whole config.yml as a dict."""
    content = config.content_folder
    backend: dict[str, Any] = {"name": "github", "repo": config.repo, "branch": config.branch,
                               "open_authoring": config.open_authoring}
    if config.auth_base_url:
        backend["base_url"] = config.auth_base_url
    if config.auth_endpoint:
        backend["auth_endpoint"] = config.auth_endpoint
    result: dict[str, Any] = {"backend": backend, "publish_mode": "editorial_workflow"}
    if config.local_backend:
        result["local_backend"] = {"url": config.local_backend,
                                   "allowed_hosts": ["127.0.0.1", "localhost"]}
    if config.public_siteurl:
        result["site_url"] = config.public_siteurl
    result.update({
        "media_folder": f"{content}/images/posts",
        "public_folder": "{static}/images/posts",
        "slug": {"encoding": "ascii", "clean_accents": True},
        "collections": [
            {"name": "posts", "label": "Posts", "label_singular": "Post",
             "folder": f"{content}/posts", "extension": "md", "format": "pelican",
             "create": True, "path": "{{year}}/{{slug}}", "slug": "{{fields.slug}}",
             "identifier_field": "title", "summary": "{{title}} ({{date}})",
             "sortable_fields": ["date", "title"],
             "preview_path": "blog/{{year}}/{{month}}/{{slug}}/",
             # Decap would put a collection with `path` next to its entries' files.
             "media_folder": f"/{content}/images/posts", "public_folder": "{static}/images/posts",
             "fields": _present(post_fields(settings, context))},
            {"name": "events", "label": "Events", "label_singular": "Event",
             "folder": f"{content}/{settings.get('EVENTS_PATH', 'events')}", "extension": "yaml",
             "format": "yaml", "create": True, "slug": "{{fields.slug}}",
             "identifier_field": "title", "summary": "{{title}} ({{start}})",
             "fields": _present(event_fields(settings, context))},
            {"name": "groups", "label": "Working groups", "label_singular": "Working group",
             "folder": f"{content}/{group_settings(dict(settings))['WORKING_GROUPS_PATH']}",
             "extension": "md", "format": "pelican", "create": True, "slug": "{{fields.slug}}",
             "identifier_field": "title", "media_folder": f"/{content}/images/groups",
             "public_folder": "{static}/images/groups", "fields": group_fields(settings)},
            {"name": "pages", "label": "Pages", "label_singular": "Page",
             "folder": f"{content}/pages", "extension": "md", "format": "pelican",
             "create": True, "slug": "{{fields.slug}}", "identifier_field": "title",
             "fields": page_fields()},
        ],
    })
    return result
