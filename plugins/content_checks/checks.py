"""Post and page metadata checks.

Each problem names the file, the header line and the field, and all of them are collected in the
build's problem list (see publishing.problems) so a contributor fixes everything in one pass.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from typing import Iterator

from pelican import signals

from publishing.clock import real_now
from publishing.images import image_problems
from publishing.problems import header_line, report, shared_values

from . import fields, rules
from .outputs import check_outputs, check_root_links, content_items
from .scans import SCANS
from .settings import CheckSettings, read as read_settings
from .source import STATUSES, Findings, check_unreadable, findings_of, report_findings
from .tree import References, check_tree, refuse_folder_links
from .unstaged import connect_last
# {filename}, {static} and {attach} links, in Markdown or HTML, as Pelican resolves them.
IMAGE_LINK = re.compile(r"\{(static|attach|filename)\}(.+)")
# What follows {filename}, {static} or {attach}; a link is one in an href="..." or src='...'
# (the attribute is checked apart: a regular expression starting with the brace skips to each
# brace at once, one starting with the attribute tries every position of the page).
LINK = re.compile(r"""\{(filename|static|attach)\}([^"'#?]+)""")
# Where the {filename} links of published content are gathered, for check_links_to_drafts.
FILENAME_LINKS = "CONTENT_CHECKS_FILENAME_LINKS"


def _settings(generator) -> CheckSettings:
    return read_settings(generator.settings)


def _problem(generator, content, field: str, message: str, key: str | None = None) -> None:
    path = content.source_path
    report(generator.context, path, header_line(path, key or field), field, message)


def _candidate(generator, content, target: str) -> str:
    if target.startswith("/"):
        return os.path.join(generator.path, target.lstrip("/"))
    return os.path.join(os.path.dirname(content.source_path), target)


def _target_exists(generator, content, kind: str, target: str) -> bool:
    return _target(generator, content, target) == "found"


def _target(generator, content, target: str) -> str:
    """"outside" content/, "found" or "missing" (the references' memo lives on the generator,
    so it dies with the build)."""
    references = generator.__dict__.get("_content_checks_references")
    if references is None:
        references = generator._content_checks_references = References(generator.path)
    return references.where(_candidate(generator, content, target))


def _line_of(path: str, needle: str) -> int | None:
    try:
        with open(path, encoding="utf-8") as fh:
            for number, text in enumerate(fh, start=1):
                if needle in text:
                    return number
    except OSError:
        return None
    return None


def _links(html: str) -> Iterator[tuple[str, str]]:
    """(kind, target) of each {kind}target link in ``html``, as Pelican resolves them."""
    for match in LINK.finditer(html):
        start = match.start()
        if html[start - 1:start] in ("'", '"') and (html[start - 6:start - 1] == "href="
                                                   or html[start - 5:start - 1] == "src="):
            yield match.group(1), match.group(2)


def _check_links(generator, content) -> None:
    # The body as read, before Pelican resolves the links: only Content's private ``_content``
    # holds it (tests/test_upstream_seams.py pins Content.__init__, which sets it).
    for kind, target in _links(content._content or ""):
        where = _target(generator, content, target)
        if where == "outside":
            line = _line_of(content.source_path, target)
            report(generator.context, content.source_path, line, "link",
                   f"{{{kind}}}{rules.quote(target)[1:-1]} points outside content/ (expected a "
                   "file under content/)")
        elif where == "missing":
            line = _line_of(content.source_path, target)
            report(generator.context, content.source_path, line, "link",
                   f"{{{kind}}}{target} points at a file that does not exist")
        elif kind == "filename" and content.status != "draft":
            # Whether it leads to a draft is known once every generator has read its files.
            target_path = os.path.abspath(_candidate(generator, content, target))
            generator.context.setdefault(FILENAME_LINKS, []).append(
                (content.source_path, target_path, target))


def check_links_to_drafts(generators: list) -> None:
    """A published post or page linking to a draft: Pelican gives the link the draft's empty
    address, so readers would land on the home page."""
    context = generators[0].context
    links = context.get(FILENAME_LINKS)
    if not links:
        return
    drafts = {os.path.abspath(item.source_path) for generator in generators
              for name in ("drafts", "drafts_translations", "draft_pages", "draft_translations")
              for item in getattr(generator, name, ())}
    for source, target_path, target in links:
        if target_path in drafts:
            report(context, source, _line_of(source, target), "link",
                   f"{{filename}}{target} points at a draft (Status: draft), which is not "
                   "published: the link would lead to the home page (expected a published post "
                   "or page, or no link until it is published)")


def _check_image(generator, content) -> None:
    def resolves(image: str) -> bool | None:
        match = IMAGE_LINK.match(image)
        return None if not match else _target_exists(generator, content, *match.groups())

    problems = image_problems(content.metadata.get("image") or "",
                              str(content.metadata.get("image_alt") or "").strip(), resolves,
                              "{static}/images/posts/name.svg", ("https://", "http://", "/"))
    for field, message, key in problems:
        _problem(generator, content, field, message, key=key)


def _check_slug(generator, content, findings: Findings) -> None:
    if "slug" in content.metadata and findings.line_of("slug"):
        return  # the header scan checks a written Slug: line
    problem = rules.slug(content.slug or "", made=True)
    if problem:
        _problem(generator, content, "title", f"{problem} (add a 'Slug:' line)")


def _check_common(generator, content, required: tuple[str, ...], settings: CheckSettings,
                  article: bool) -> None:
    findings = findings_of(content.source_path, settings)
    _check_slug(generator, content, findings)
    for field in required:
        value = content.metadata.get(field)
        if value is None or (isinstance(value, (str, list)) and not value):
            _problem(generator, content, field, rules.empty_message(field)
                     if findings.line_of(field) else rules.missing_message(field))
    status = content.metadata.get("status")
    if status is not None and str(status) not in STATUSES:
        _problem(generator, content, "status",
                 f"unknown status {rules.quote(str(status))} (expected one of: {', '.join(STATUSES)})")
    _check_image(generator, content)
    _check_links(generator, content)
    report_findings(generator.context, content, findings, article)
    for line, field, message in fields.problems(findings.header, content.metadata,
                                                "post" if article else "page"):
        report(generator.context, content.source_path, line, field, message)


def check_articles(generator) -> None:
    SCANS.load(generator.settings)
    settings = _settings(generator)
    allowed = settings.categories
    everything = (generator.articles + generator.translations + generator.drafts
                  + generator.drafts_translations + generator.hidden_articles
                  + generator.hidden_translations)
    for article in everything:
        _check_common(generator, article, settings.post_required, settings, article=True)
        category = article.metadata.get("category")
        if category is not None and allowed and str(category) not in allowed:
            _problem(generator, article, "category", f"unknown category {rules.quote(str(category))} "
                     f"(expected one of: {', '.join(allowed)})")
        date, modified = article.metadata.get("date"), article.metadata.get("modified")
        if date and modified and _before(modified, date):
            _problem(generator, article, "modified",
                     f"{modified:%Y-%m-%d %H:%M} is before the post's date {date:%Y-%m-%d %H:%M} "
                     "(expected a later date, or remove the line)")
    _report_duplicates(generator, everything, "post")
    _refuse_future_dates(generator, generator.articles + generator.translations
                         + generator.hidden_articles + generator.hidden_translations)


def _refuse_future_dates(generator, articles: list) -> None:
    """A published post dated days ahead would head the blog and the feeds until then (often a
    mistyped year); one modified days ahead would tell feeds and search engines so. Checked at
    each build, never kept with a file's findings: time only makes a refused date acceptable,
    never the reverse."""
    latest = real_now() + rules.FUTURE_SLACK
    expected = {"date": "the day it is published, at the latest; to publish it later, keep "
                        "'Status: draft' until that day",
                "modified": "the day it was last changed, at the latest"}
    for article in articles:
        for field, hint in expected.items():
            moment = getattr(article, field, None)  # in TIMEZONE, where the header's has none
            if isinstance(moment, datetime) and moment.tzinfo is not None and moment > latest:
                _problem(generator, article, field,
                         f"{moment:%Y-%m-%d %H:%M} is in the future (expected {hint})")


def _before(later, earlier) -> bool:
    try:
        return later < earlier
    except (TypeError, ValueError):  # an impossible UTC offset: the header scan reports it
        return False


def check_pages(generator) -> None:
    SCANS.load(generator.settings)
    settings = _settings(generator)
    everything = (generator.pages + generator.translations + generator.hidden_pages
                  + generator.hidden_translations + generator.draft_pages
                  + generator.draft_translations)
    for page in everything:
        _check_common(generator, page, settings.page_required, settings, article=False)
    _report_duplicates(generator, everything, "page")


def _report_duplicates(generator, items: list, kind: str) -> None:
    def relative(item) -> str:
        return os.path.relpath(item.source_path, generator.path)

    for item, others in shared_values(items, lambda each: (each.slug, each.lang)):
        _problem(generator, item, "slug", f"duplicate {kind} slug {rules.quote(item.slug)} (also "
                 f"used by {', '.join(sorted(map(relative, others)))}; expected a unique slug)")


def check_groups(generators: list) -> None:
    """The text of every working-group file (read by plugins/working_groups) gets the same scan
    as posts and pages, and its links the same check."""
    for generator in generators:
        if hasattr(generator, "working_groups_by_slug"):
            settings = _settings(generator)
            folder = generator.config["WORKING_GROUPS_PATH"]
            for relative in sorted(generator.get_files([folder])):
                path = os.path.join(generator.path, relative)
                findings = findings_of(path, settings)
                # A group has no drafts: its page is public as soon as the file exists.
                for line, field, message in (*findings.problems, *findings.placeholders,
                                             *fields.problems(findings.header, {},
                                                              "working group")):
                    report(generator.context, path, line, field, message)
            for group in generator.working_groups_by_slug.values():
                _check_links(generator, group.source)


def check_site_urls(context: dict) -> None:
    for name, empty_ok in (("SITEURL", True), ("PUBLIC_SITEURL", False)):
        value = context.get(name)
        if value is None or (name == "PUBLIC_SITEURL" and not str(value).startswith("http")):
            continue  # a missing or non-web public address is the feeds plugin's to report
        problem = rules.site_url(str(value), empty_ok=empty_ok)
        if problem:
            report(context, "pelicanconf.py", None, name, problem)


def check_everything(generators: list) -> None:
    """all_generators_finalized: what needs every generator's results, in one order."""
    if generators:
        check_site_urls(generators[0].context)
    check_unreadable(generators)
    check_groups(generators)
    check_tree(generators)
    check_links_to_drafts(generators)
    items = content_items(generators)
    check_outputs(generators, items)
    check_root_links(generators, items)


def refuse_impossible_dates(_generator, metadata: dict) -> None:
    """*_generator_context: a date Pelican parsed but cannot compare (a UTC offset beyond a
    day) would end the whole build when the posts are sorted; failing this one file instead
    lets the header scan report it with its line."""
    for field in ("date", "modified"):
        value = metadata.get(field)
        if isinstance(value, datetime):
            try:
                value.utcoffset()
            except ValueError:
                raise ValueError(f"field '{field}': {rules.OFFSET_PROBLEM}") from None


def save_scans(pelican) -> None:
    """finalized: keep each file's findings for the next build."""
    SCANS.save(pelican.settings)


def register() -> None:
    signals.generator_init.connect(refuse_folder_links)
    signals.article_generator_context.connect(refuse_impossible_dates)
    signals.page_generator_context.connect(refuse_impossible_dates)
    signals.article_generator_finalized.connect(check_articles)
    signals.page_generator_finalized.connect(check_pages)
    signals.all_generators_finalized.connect(check_everything)
    signals.finalized.connect(save_scans)
    signals.initialized.connect(connect_last)
