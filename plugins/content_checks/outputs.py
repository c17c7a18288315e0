"""Where every source file, tag, category and author will be written, checked before anything is.

Each post, page, event, working group, tag, category and author takes one name in one folder of
the site (``blog/2026/11/<slug>``, ``<slug>``, ``events/<slug>``, ``tag/<slug>``...): the
folder or file its slug becomes. The site's own outputs take names too: every ``*_SAVE_AS``
setting of Pelican and of the enabled plugins, the theme's static folder, static files, the
feeds folder, the calendars the events plugin lists and the search index. A name taken twice
by different kinds (a page slug ``blog``, an event slug ``calendar``, a page slug equal to a
static folder) would overwrite or shadow another output, so it is a problem on the field that
chose it. Two items of the same kind with one slug are left to that kind's duplicate check.

Root-relative links and images in posts and pages (``/images/x.svg``, ``/blog/2026/11/x/``)
must reach something the build writes or copies; a tag, category or author used only by hidden
posts has no page, so a post linking to it is refused too.
"""

from __future__ import annotations

import importlib
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator

from publishing.problems import header_line, report

from .rules import derived_slug, quote, slug as slug_problem
from .settings import read as read_settings
from .source import READABLE, findings_of

# Written by Pagefind into the built site after each build (publishing.cli index_for_search).
SEARCH_INDEX_PATH = "pagefind/"
# Folder names the site's own outputs use; the "index" of any folder is its listing page.
_FOLDER_INDEX = "index"
_OPEN_SOURCES = ("THEME_STATIC_DIR", "FEEDS_PATH", "the search index")


@dataclass(frozen=True)
class Owner:
    """What takes an output name: a source file's field. The line of a Markdown header field
    is looked up only when a problem is reported (most names are fine)."""

    path: str
    line: int | None
    field: str
    kind: str
    what: str  # the output path, for messages

    def where(self) -> int | None:
        return self.line if self.line is not None else header_line(self.path, self.field)


def _split(path: str) -> list[str]:
    return [part for part in path.replace(os.sep, "/").split("/") if part]


def _stem(part: str) -> str:
    return part.split(".", 1)[0] if "." in part else part


def _name(save_as: str) -> tuple[str, str] | None:
    """(folder, name) an item's output takes: ``blog/2026/11/x/index.html`` -> (blog/2026/11, x),
    ``events/x.ics`` -> (events, x)."""
    parts = _split(save_as)
    if parts and parts[-1] == "index.html":
        parts = parts[:-1]
    if not parts:
        return None
    return "/".join(parts[:-1]), _stem(parts[-1])


def _prefixes(path: str) -> Iterator[tuple[str, str]]:
    """Every (folder, name) a site output passes through, up to its first templated part."""
    parts = _split(path)
    for index, part in enumerate(parts):
        if "{" in part:
            return
        yield "/".join(parts[:index]), _stem(part)


def _plugin_settings(settings: dict) -> dict:
    """Each enabled plugin's DEFAULTS (plugins/<name>/settings.py), overlaid by the site's."""
    merged: dict = {}
    for plugin in settings.get("PLUGINS") or []:
        name = getattr(plugin, "__name__", str(plugin)).split(".")[0]
        try:
            module = importlib.import_module(f"{name}.settings")
        except ImportError:
            continue
        merged.update(getattr(module, "DEFAULTS", {}) or {})
    merged.update(settings)
    return merged


def site_outputs(context: dict) -> Iterator[tuple[str, str]]:
    """(output path or pattern, the setting or source that decides it) of the site's own files."""
    settings = _plugin_settings(context)
    for key, value in settings.items():
        if key.endswith("_SAVE_AS") and isinstance(value, str) and value:
            yield value, key
    if settings.get("FEEDS_PATH"):
        yield f"{str(settings['FEEDS_PATH']).strip('/')}/" + "{name}", "FEEDS_PATH"
    yield f"{settings.get('THEME_STATIC_DIR', 'theme')}/" + "{file}", "THEME_STATIC_DIR"
    yield SEARCH_INDEX_PATH + "{file}", "the search index"
    # The browser editor's folder (plugins/editor): its page and files are named by no *_SAVE_AS.
    if settings.get("EDITOR_URL"):
        yield f"{str(settings['EDITOR_URL']).strip('/')}/" + "{file}", "EDITOR_URL"
    for static in context.get("staticfiles") or []:
        if not os.path.exists(static.source_path):
            continue  # linked with {static} but missing: reported by the link check
        yield static.save_as, os.path.relpath(static.source_path, context.get("PATH", "."))
    if context.get("events_calendar_url"):
        yield context["events_calendar_url"], "the events calendar"
    for key in ("event_group_calendars", "event_tag_calendars"):
        for url in (context.get(key) or {}).values():
            folder = posixpath.dirname(url)
            yield folder + "/{slug}.ics", "the events calendars"


class _Claims:
    def __init__(self) -> None:
        self.site: dict[tuple[str, str], str] = {}
        # Owners kept in a dict as an ordered set: a popular tag has an owner per post.
        self.items: dict[tuple[str, str], dict[Owner, None]] = defaultdict(dict)

    def add_site(self, path: str, source: str) -> None:
        for name in _prefixes(path):
            self.site.setdefault(name, f"{path.split('{')[0]} ({source})" if "{" in path
                                 else f"{path} ({source})")

    def add_item(self, save_as: str, owner: Owner) -> None:
        name = _name(save_as) if save_as else None
        if name is not None:
            self.items[name].setdefault(owner)


def _slug_owner(content, kind: str, save_as: str) -> Owner:
    field = "slug" if "slug" in content.metadata else "title"
    return Owner(content.source_path, None, field, kind, save_as)


def content_items(generators: list) -> list[tuple[str, Owner]]:
    """(save_as, owner) of every post and page, hidden ones and translations included. Pelican
    works a content object's save_as out again at each use, so the checks ask once a build."""
    items: list[tuple[str, Owner]] = []
    lists = {"post": ("articles", "translations", "hidden_articles", "hidden_translations"),
             "page": ("pages", "translations", "hidden_pages", "hidden_translations")}
    for generator in generators:
        kind = "post" if hasattr(generator, "articles") else "page" if hasattr(generator, "pages") \
            else None
        if kind is None:
            continue
        for name in lists[kind]:
            for content in getattr(generator, name, []):
                save_as = content.save_as
                if save_as:
                    items.append((save_as, _slug_owner(content, kind, save_as)))
    return items


def _taxonomies(generators: list, context: dict) -> Iterator[tuple[str, Owner, object]]:
    """(save_as, owner, wrapper) of every tag, category and author of a post."""
    kinds = {"tags": "tag", "category": "category", "authors": "author"}
    for generator in generators:
        if not hasattr(generator, "articles"):
            continue
        everything = (generator.articles + generator.translations + generator.hidden_articles
                      + generator.hidden_translations + generator.drafts
                      + generator.drafts_translations)
        for article in everything:
            for field, wrapper in _wrappers(article):
                save_as = wrapper.save_as  # worked out again at each use
                owner = Owner(article.source_path, None, field, kinds[field], save_as)
                yield save_as, owner, wrapper
    for event in context.get("events") or []:
        for wrapper in getattr(event, "tag_objects", []):
            if wrapper.slug:  # an empty one is the events plugin's own problem
                calendar = (context.get("event_tag_calendars") or {}).get(wrapper.slug, "")
                owner = Owner(event.source_path, event.line("tags"), "tags", "event tag",
                              calendar)
                yield owner.what, owner, wrapper


def _events_and_groups(context: dict) -> Iterator[tuple[str, Owner]]:
    for event in context.get("events") or []:
        # Without a slug: line, the file name is the slug.
        line, field = event.line("slug") or 1, "slug"
        for save_as in (event.save_as, event.ics_url):
            yield save_as, Owner(event.source_path, line, field, "event", save_as)
    groups = list((context.get("working_groups_by_slug") or {}).values())
    for group in groups:
        field = "slug" if "slug" in group.source.metadata else "title"
        yield group.save_as, Owner(group.source_path, None, field, "working group", group.save_as)


def _report(context: dict, owner: Owner, message: str) -> None:
    report(context, owner.path, owner.where(), owner.field, message)


def check_outputs(generators: list, items: list[tuple[str, Owner]]) -> None:
    """Every name taken once, every derived slug usable. ``items``: content_items(generators)."""
    if not generators:
        return
    context = generators[0].context
    claims = _Claims()
    for path, source in site_outputs(context):
        claims.add_site(path, source)
    for save_as, owner in items + list(_events_and_groups(context)):
        if owner.kind == "working group" and owner.field == "title":
            problem = slug_problem(posixpath.basename(posixpath.dirname(save_as)), made=True)
            if problem:  # the file name made the slug: say so
                _report(context, owner, f"the file name {problem} (rename the file or add a "
                        "'Slug:' line)")
                continue
        claims.add_item(save_as, owner)
    reported: set[tuple[str, str]] = set()
    spellings: dict[tuple[str, str], dict[str, tuple[str, Owner]]] = {}
    for save_as, owner, wrapper in _taxonomies(generators, context):
        problem = derived_slug(wrapper.name, wrapper.slug)
        if problem and (owner.path, wrapper.name) not in reported:
            reported.add((owner.path, wrapper.name))
            _report(context, owner, problem)
        elif not problem:
            claims.add_item(save_as, owner)
            spellings.setdefault((owner.kind, save_as), {}).setdefault(
                " ".join(wrapper.name.split()), (wrapper.name, owner))
    _check_spellings(context, spellings)
    _check_joined_authors(context, spellings)
    _hidden_only(generators, context)
    for name, owners in claims.items.items():
        folder, stem = name
        taken = claims.site.get(name)
        if taken is None and stem == _FOLDER_INDEX:
            taken = f"{folder + '/' if folder else ''}index.html (the folder's own page)"
        kinds = {owner.kind for owner in owners}
        for owner in _first_per_file(owners):
            if taken is not None:
                _report(context, owner, f"{quote(stem)} is reserved: the site writes {taken} "
                        "there (expected another slug)")
            elif len(kinds) > 1:
                others = sorted({f"{o.kind} {os.path.relpath(o.path, context.get('PATH', '.'))}"
                                 for o in owners if o.kind != owner.kind})
                _report(context, owner, f"{quote(stem)} is also the address of {', '.join(others)} "
                        f"({owner.what}; expected a slug no other page uses)")


def _check_spellings(context: dict, spellings: dict) -> None:
    """Names that differ but give one address ('C++' and 'C', 'open data' and 'open-data',
    'Governance' and 'governance') are one tag, category or author on the site, shown under
    one of the names everywhere (a new post's capital letter renames a tag on every page): each
    spelling is named, with a file that uses it."""
    base = context.get("PATH", ".")
    for (kind, save_as), names in spellings.items():
        if len(names) < 2:
            continue
        address = save_as.removesuffix("index.html")
        for name, owner in names.values():
            others = ", ".join(f"{quote(other)} ({os.path.relpath(where.path, base)})"
                               for other, where in names.values() if other != name)
            _report(context, owner, f"{kind} {quote(name)} and {others} share the address "
                    f"{address}, so the site shows them as one {kind} (expected one spelling, "
                    "or names that give different addresses)")


# What writers join two names with, where Pelican separates authors only by commas.
_JOINED = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)


def _check_joined_authors(context: dict, spellings: dict) -> None:
    """'Authors: Ada Lovelace and Grace Hopper' is one author of that name, with a page of its
    own, while each has her own page from her other posts. Refused only where every part is an
    author of the site: a name such as 'Marks and Spencer' may well be one."""
    authors = {" ".join(name.split()): owner for (kind, _), names in spellings.items()
               if kind == "author" for name, owner in names.values()}
    for name, owner in authors.items():
        parts = _JOINED.split(name)
        if len(parts) > 1 and all(part in authors for part in parts):
            _report(context, owner, f"{quote(name)} is one author of that name (authors are "
                    f"separated by commas; {' and '.join(map(quote, parts))} each write "
                    f"elsewhere on the site): expected 'Authors: {', '.join(parts)}'")


def _hidden_only(generators: list, context: dict) -> None:
    """A tag, category or author that only hidden posts use gets no page (Pelican lists only
    published posts), so the hidden post's links to it would lead nowhere."""
    for generator in generators:
        if not hasattr(generator, "hidden_articles"):
            continue
        listed = {(field, w.slug) for a in generator.articles + generator.translations
                  for field, w in _wrappers(a)}
        for article in generator.hidden_articles + generator.hidden_translations:
            for field, wrapper in _wrappers(article):
                if wrapper.slug and (field, wrapper.slug) not in listed:
                    report(context, article.source_path, header_line(article.source_path, field),
                           field, f"{quote(wrapper.name)} is used only by hidden posts, so it "
                           "has no page to link to (expected one a published post uses too)")


def _wrappers(article) -> Iterator[tuple[str, object]]:
    for field in ("tags", "category", "authors"):
        value = getattr(article, field, None)
        for wrapper in (value if isinstance(value, list) else [value] if value else []):
            yield field, wrapper


def _first_per_file(owners: Iterable[Owner]) -> Iterable[Owner]:
    seen: set[tuple[str, str]] = set()
    for owner in owners:
        key = (owner.path, owner.kind)
        if key not in seen:
            seen.add(key)
            yield owner


def written_urls(generators: list, context: dict, items: list[tuple[str, Owner]]) -> set[str]:
    """Every root-relative path the build writes or copies (``/blog/2026/11/x/`` and
    ``/blog/2026/11/x/index.html`` both), for checking links."""
    found: set[str] = set()

    def add(save_as: str) -> None:
        if not save_as or "{" in save_as:
            return
        path = "/" + save_as.lstrip("/")
        found.add(path)
        if path.endswith("/index.html"):
            found.add(path[: -len("index.html")])
        parts = path.split("/")
        for depth in range(1, len(parts)):
            found.add("/".join(parts[:depth]) + "/")

    for path, _source in site_outputs(context):
        add(path)
    for save_as, _owner in items + list(_events_and_groups(context)):
        add(save_as)
    for generator in generators:
        if hasattr(generator, "articles"):
            for wrappers in (generator.tags, generator.categories, generator.authors):
                for wrapper in wrappers:
                    add(wrapper[0].save_as if isinstance(wrapper, tuple) else wrapper.save_as)
    for group in (context.get("working_groups_by_slug") or {}).values():
        add(group.posts_save_as)
    return found


def check_root_links(generators: list, items: list[tuple[str, Owner]]) -> None:
    """Each root-relative link or image in a post or page must reach an output of the build.
    ``items``: content_items(generators)."""
    if not generators:
        return
    context = generators[0].context
    known = written_urls(generators, context, items)
    settings = read_settings(context)
    # Folders whose files the build does not list one by one (the theme's, the feeds', the
    # search index) are trusted as a whole.
    open_folders = tuple(f"/{path.split('{')[0].lstrip('/')}" for path, source in
                         site_outputs(context) if source in _OPEN_SOURCES)
    for _save_as, owner in items:
        if not owner.path.endswith(READABLE):
            continue
        for line, url in findings_of(owner.path, settings).links:
            folder = url if url.endswith("/") or posixpath.splitext(url)[1] else url + "/"
            if url in known or folder in known or url.startswith(open_folders):
                continue
            report(context, owner.path, line, "link", f"{quote(url)} is not a page or file of "
                   "this site (expected an address the build writes, e.g. /blog/ or "
                   "{static}/images/...)")
