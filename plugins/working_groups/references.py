"""Ties posts and events to their working group, once all sources are read.

Runs on ``all_generators_finalized``: checks every ``Group:`` on a post (published, draft or
hidden, and translations) and every event ``group:`` against the known slugs, then gives each
group its published posts and upcoming events. Uses only the generators' public lists and the
events plugin's context keys, so it works when the events plugin is absent.
"""

from __future__ import annotations

from pelican.generators import ArticlesGenerator

from content_checks.rules import quote
from publishing.problems import header_line, report

from .generator import WorkingGroupsGenerator


def _unknown(slug: str, known: list[str]) -> str:
    if not known:
        return f"unknown working group {quote(slug)} (no working groups are defined yet)"
    return f"unknown working group {quote(slug)} (expected one of: {', '.join(known)})"


def _post_group(article) -> str | None:
    value = article.metadata.get("group")
    return None if value is None else str(value).strip()


def _check_posts(context: dict, articles: ArticlesGenerator, by_slug: dict) -> None:
    known = sorted(by_slug)
    everything = (articles.articles + articles.translations + articles.drafts
                  + articles.drafts_translations + articles.hidden_articles
                  + articles.hidden_translations)
    for article in everything:
        slug = _post_group(article)
        if slug is not None and slug not in by_slug:
            report(context, article.source_path, header_line(article.source_path, "group"),
                   "group", _unknown(slug, known))


def _attach_posts(articles: ArticlesGenerator, by_slug: dict) -> None:
    for article in sorted(articles.articles, key=lambda a: (a.date, a.slug), reverse=True):
        group = by_slug.get(_post_group(article))
        if group is not None:
            group.posts.append(article)


def _check_events(context: dict, by_slug: dict) -> None:
    known = sorted(by_slug)
    for event in context.get("events") or []:
        slug = getattr(event, "group", None)
        if slug and slug not in by_slug:
            report(context, event.source_path, event.line("group"), "group", _unknown(slug, known))


def _attach_events(context: dict, by_slug: dict) -> None:
    for event in context.get("upcoming_events") or []:
        group = by_slug.get(getattr(event, "group", None))
        if group is not None:
            group.upcoming_events.append(event)


def link_groups(generators: list) -> None:
    groups = next((g for g in generators if isinstance(g, WorkingGroupsGenerator)), None)
    if groups is None:
        return
    context, by_slug = groups.context, groups.working_groups_by_slug
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            _check_posts(context, generator, by_slug)
            _attach_posts(generator, by_slug)
    _check_events(context, by_slug)
    _attach_events(context, by_slug)
