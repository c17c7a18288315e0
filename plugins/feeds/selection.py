"""Which feeds a build writes, and what each holds (newest first, bounded by FEED_MAX_ITEMS)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .settings import FeedSettings

KINDS = ("all", "category", "tag", "author", "group", "events")
# The file name ending of each format: feeds/all.atom.xml, feeds/all.rss.xml, feeds/all.json.
EXTENSIONS = {"atom": "atom.xml", "rss": "rss.xml", "json": "json"}


@dataclass
class Feed:
    kind: str
    slug: str
    title: str
    subtitle: str
    page_url: str  # absolute URL of the HTML page the feed follows
    items: list = field(default_factory=list)  # articles, or events for kind "events"
    podcast: bool = False

    def path(self, feeds_path: str, fmt: str) -> str:
        """Output path relative to the site root, e.g. feeds/category/audio.rss.xml."""
        if self.kind in ("all", "events"):
            return f"{feeds_path}/{self.kind}.{EXTENSIONS[fmt]}"
        return f"{feeds_path}/{self.kind}/{self.slug}.{EXTENSIONS[fmt]}"


def _newest_first(articles: list) -> list:
    # The source path breaks ties so two posts at the same minute keep one order in every build.
    return sorted(articles, key=lambda a: (a.date, a.source_path), reverse=True)


def _group_title(context: dict, slug: str) -> tuple[str, str]:
    group = (context.get("working_groups_by_slug") or {}).get(slug)
    if group is None:
        return slug, f"working-groups/{slug}/"
    return str(getattr(group, "title", slug)), str(getattr(group, "url", f"working-groups/{slug}/"))


def plan_feeds(context: dict, cfg: FeedSettings) -> list[Feed]:
    """Every feed of this build, with its items already ordered and bounded."""
    site = cfg.site_url
    name = cfg.site_name
    limit = cfg.max_items
    articles = _newest_first(list(context.get("articles") or []))
    feeds = [Feed("all", "", name, cfg.subtitle, f"{site}/{context.get('BLOG_URL', 'blog/')}",
                  articles[:limit])]

    groups: dict[tuple[str, str], tuple[object, list]] = {}
    for article in articles:
        keys = []
        if getattr(article, "category", None):
            keys.append(("category", article.category))
        keys += [("tag", tag) for tag in getattr(article, "tags", []) or []]
        keys += [("author", author) for author in getattr(article, "authors", []) or []]
        for kind, thing in keys:
            groups.setdefault((kind, thing.slug), (thing, []))[1].append(article)
        group_slug = str(article.metadata.get("group") or "").strip()
        if group_slug:
            groups.setdefault(("group", group_slug), (None, []))[1].append(article)

    described = {"category": "{name}: posts in {thing}", "tag": "{name}: posts tagged {thing}",
                 "author": "{name}: posts by {thing}", "group": "{name}: {thing} working group"}
    for (kind, slug), (thing, items) in sorted(groups.items(), key=lambda kv: kv[0]):
        if kind == "group":
            label, url = _group_title(context, slug)
        else:
            label, url = thing.name, thing.url
        title = described[kind].format(name=name, thing=label)
        podcast = kind == "category" and slug == cfg.podcast_slug
        feeds.append(Feed(kind, slug, title, f"Latest {title.split(': ', 1)[1]} from {name}",
                          f"{site}/{url}", items[:limit], podcast=podcast))

    # Only when the events plugin ran: its context keys are the contract.
    if "events" in context:
        events = list(context.get("upcoming_events") or []) + list(context.get("past_events") or [])
        feeds.append(Feed("events", "", f"{name}: events",
                          f"Upcoming and recent events from {name}", f"{site}/events/",
                          events[:limit]))
    return feeds
