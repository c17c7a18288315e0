"""Feed settings: defaults merged once with the site's settings."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEFAULTS: dict = {
    # Pelican's own defaults include FEED_MAX_ITEMS = 100, so pelicanconf.py sets 20 explicitly.
    "FEED_MAX_ITEMS": 20,
    # "full": entries carry the whole post; "summary": only its summary (Atom and RSS alike).
    "FEED_CONTENT": "full",
    "FEEDS_PATH": "feeds",
    "PODCAST_CATEGORY_SLUG": "audio",
    "PODCAST_TITLE": None,  # defaults to "<SITENAME> podcast"
    "PODCAST_AUTHOR": None,  # defaults to AUTHOR
    "PODCAST_CATEGORY": ("Society & Culture", None),  # Apple's category, optional subcategory
    # Apple's itunes:explicit: True or False ("yes"/"no" are read as the same).
    "PODCAST_EXPLICIT": False,
    # None: the cover shipped with this plugin, written to <FEEDS_PATH>/podcast.png.
    # Else an absolute or site-relative URL ending in .png or .jpg.
    "PODCAST_IMAGE": None,
    # itunes:owner, the contact Apple and other directories use: name defaults to PODCAST_AUTHOR.
    "PODCAST_OWNER_NAME": None,
    "PODCAST_OWNER_EMAIL": None,
    # The WebSub hub every feed names (Atom and RSS <atom:link rel="hub">, JSON Feed "hubs"), and
    # that `make deploy` tells when a feed changed. None: feeds name no hub.
    "WEBSUB_HUB": None,
}
EXPLICIT_VALUES = {True: True, False: False, "yes": True, "true": True, "no": False,
                   "false": False, "clean": False}

CONTENT_CHOICES = ("full", "summary")


@dataclass(frozen=True)
class FeedSettings:
    site_url: str  # public absolute URL, no trailing slash
    site_id: str
    site_name: str
    subtitle: str
    author: str
    language: str
    timezone: ZoneInfo
    max_items: int
    content: str
    feeds_path: str
    podcast_slug: str
    podcast_title: str
    podcast_author: str
    podcast_category: tuple
    podcast_explicit: bool
    podcast_image: str | None
    podcast_owner_name: str
    podcast_owner_email: str | None
    websub_hub: str | None = None


def feed_settings(settings: dict) -> FeedSettings:
    """The plugin's settings, read once per build; invalid values fall back to the defaults."""
    merged = {**DEFAULTS, **{k: settings[k] for k in DEFAULTS if k in settings}}
    # PUBLIC_SITEURL already honours the SITEURL environment variable (pelicanconf.py).
    site_url = (settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/")
    site_name = settings.get("SITENAME", "")
    author = settings.get("AUTHOR") or site_name
    category = merged["PODCAST_CATEGORY"]
    if isinstance(category, str):
        category = (category, None)
    return FeedSettings(
        site_url=site_url,
        site_id=str(settings.get("SITE_ID") or site_url.split("://")[-1]),
        site_name=site_name,
        subtitle=settings.get("SITESUBTITLE") or settings.get("SITE_DESCRIPTION") or site_name,
        author=author,
        language=settings.get("DEFAULT_LANG", "en"),
        timezone=ZoneInfo(settings.get("TIMEZONE") or "UTC"),
        max_items=int(merged["FEED_MAX_ITEMS"]),
        content=merged["FEED_CONTENT"],
        feeds_path=str(merged["FEEDS_PATH"]).strip("/"),
        podcast_slug=merged["PODCAST_CATEGORY_SLUG"],
        podcast_title=merged["PODCAST_TITLE"] or f"{site_name} podcast",
        podcast_author=merged["PODCAST_AUTHOR"] or author,
        podcast_category=tuple(category),
        podcast_explicit=EXPLICIT_VALUES.get(_lower(merged["PODCAST_EXPLICIT"]), False),
        podcast_image=merged["PODCAST_IMAGE"],
        podcast_owner_name=merged["PODCAST_OWNER_NAME"] or merged["PODCAST_AUTHOR"] or author,
        podcast_owner_email=merged["PODCAST_OWNER_EMAIL"],
        websub_hub=merged["WEBSUB_HUB"] or None,
    )


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def setting_problems(settings: dict) -> list[tuple[str, str]]:
    """(setting name, message) for each invalid feed setting."""
    problems = []
    if not (settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").startswith(("http://", "https://")):
        problems.append(("PUBLIC_SITEURL", "feeds need the public absolute site URL "
                         "(expected e.g. https://example.org; the SITEURL environment variable sets it)"))
    content = settings.get("FEED_CONTENT", DEFAULTS["FEED_CONTENT"])
    if content not in CONTENT_CHOICES:
        problems.append(("FEED_CONTENT", f"unknown value {content!r} (expected one of {', '.join(CONTENT_CHOICES)})"))
    max_items = settings.get("FEED_MAX_ITEMS", DEFAULTS["FEED_MAX_ITEMS"])
    if not isinstance(max_items, int) or isinstance(max_items, bool) or max_items < 1:
        problems.append(("FEED_MAX_ITEMS", f"{max_items!r} is not a positive whole number"))
    explicit = settings.get("PODCAST_EXPLICIT", DEFAULTS["PODCAST_EXPLICIT"])
    if _lower(explicit) not in EXPLICIT_VALUES:
        problems.append(("PODCAST_EXPLICIT", f"{explicit!r} is not True or False"))
    email = settings.get("PODCAST_OWNER_EMAIL")
    if email is not None and "@" not in str(email):
        problems.append(("PODCAST_OWNER_EMAIL", f"{email!r} is not an email address"))
    image = settings.get("PODCAST_IMAGE")
    if image and not str(image).lower().endswith((".png", ".jpg")):
        problems.append(("PODCAST_IMAGE", f"{image!r}: podcast apps need a .png or .jpg image"))
    hub = settings.get("WEBSUB_HUB")
    if hub and not (isinstance(hub, str) and hub.startswith(("https://", "http://"))
                    and " " not in hub):
        problems.append(("WEBSUB_HUB", f"{hub!r} is not a web address "
                         "(expected e.g. https://pubsubhubbub.appspot.com/)"))
    return problems
