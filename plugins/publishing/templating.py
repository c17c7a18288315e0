"""Jinja filters shared by the theme (wired in pelicanconf.py via JINJA_FILTERS)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from weakref import WeakKeyDictionary

from jinja2 import Environment, meta, pass_context
from markupsafe import Markup

from . import links


def popular_tags(tags: Iterable, limit: int = 12) -> list:
    """The most used tags as (tag, count), most used first, then by name for stable output."""
    counted = [(tag, len(articles)) for tag, articles in tags]
    counted.sort(key=lambda item: (-item[1], item[0].name.lower()))
    return counted[:limit]


def isodate(value: datetime) -> str:
    """RFC 3339 timestamp for <time datetime> and metadata."""
    return value.isoformat(timespec="seconds")


def by_year(articles: Iterable) -> list:
    """Group posts (newest first) into [(year, [posts])] for the archives."""
    groups: dict[int, list] = {}
    for article in articles:
        groups.setdefault(article.date.year, []).append(article)
    return sorted(groups.items(), key=lambda item: item[0], reverse=True)


@pass_context
def link_url(context, value: str) -> str:
    """Resolve ``{static}/images/x.svg`` metadata (Image:) to the URL the file is published at."""
    return links.resolve(value, context.get("SITEURL", ""), context.get("static_content"),
                         context.get("generated_content"))


# Per Jinja environment (one per build): template name -> the variables it reads, and
# (name, values of those variables) -> its HTML.
_reads: WeakKeyDictionary = WeakKeyDictionary()
_rendered: WeakKeyDictionary = WeakKeyDictionary()


def _variables_read(environment: Environment, name: str, seen: set | None = None) -> set[str]:
    """The context variables template ``name`` reads, its includes and imports included."""
    seen = set() if seen is None else seen
    seen.add(name)
    source = environment.loader.get_source(environment, name)[0]
    tree = environment.parse(source)
    names = set(meta.find_undeclared_variables(tree))
    for other in meta.find_referenced_templates(tree):
        if other is None:  # a computed name: anything could be read
            raise LookupError(name)
        if other not in seen:
            names |= _variables_read(environment, other, seen)
    return names


@pass_context
def page_independent(context, name: str) -> Markup:
    """Template ``name`` rendered with this page's context, once for all the pages that give
    it the same values: the site footer's loops over posts, categories and tags are the same on
    thousands of pages. The values are compared by identity, so a page that passes its own
    ``articles`` (a category page) gets its own rendering."""
    environment = context.environment
    reads = _reads.setdefault(environment, {})
    if name not in reads:
        try:
            reads[name] = sorted(_variables_read(environment, name))
        except LookupError:
            reads[name] = None
    if reads[name] is None:
        return Markup(environment.get_template(name).render(context.get_all()))
    values = tuple(context.get(variable) for variable in reads[name])
    memo = _rendered.setdefault(environment, {})
    key = (name, tuple(map(id, values)))
    if key not in memo:
        # The values are kept with the HTML, so that their ids cannot be reused meanwhile.
        memo[key] = (values, Markup(environment.get_template(name).render(context.get_all())))
    return memo[key][1]
