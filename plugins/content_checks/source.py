"""Checks that read the source file itself: what Pelican drops or rewrites before plugins see it.

- images in the Markdown body without alt text (``![](x.png)``, ``<img>`` with no alt);
- a scaffold placeholder ("REPLACE ME:") left in a post that is no longer a draft;
- every problem header.py finds in the text (encoding, size, header lines, control
  characters, nesting, unsafe markup);
- files Pelican could not read at all (a date that does not parse, no title, an unknown
  status): Pelican only logs "Could not process", so the field and line are found here.

Each file's text is read every build; it is scanned again only when its bytes (or the check
settings) changed since an earlier scan (``findings_of``, scans.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from publishing.problems import header_fields, report, source_lines
from scaffold.templates import PLACEHOLDER

from . import fields, header
from .rules import missing_message, quote
from .scans import SCANS
from .settings import CheckSettings, read as read_settings

MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<target>[^)\s]*)")
HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ALT = re.compile(r"""\balt\s*=\s*(["'])(?P<alt>.*?)\1""", re.IGNORECASE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`]*`")
FENCE = re.compile(r"^\s*(```|~~~)")
# Root-relative links and images (``](/x/)``, ``href="/x/"``), checked against what the site writes.
ROOT_LINK = re.compile(r"""(?:\]\(\s*<?|\b(?:href|src)\s*=\s*["']?)(/[^)\s"'<>#?]*)""")
HTML_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
# An address a picture is found at from any page: with a scheme, from the site's root, or one
# of Pelican's {static}/{filename} links. Any other is read from the page's own address.
PLACED = re.compile(r"(?:[a-z][a-z0-9+.-]*:|/|\{|$)", re.IGNORECASE)
STATUSES = ("published", "draft", "hidden")
READABLE = (".md", ".markdown", ".mkd", ".mdown")


def _header_end(lines: list[str]) -> int:
    """The index of the blank line that ends the header (``len(lines)`` when none does)."""
    return next((i for i, text in enumerate(lines) if not text.strip()), len(lines))


def body_lines(lines: list[str]):
    """``(line, text)`` of the body outside fenced code, with inline code removed."""
    start = _header_end(lines)
    fenced = False
    for index in range(start, len(lines)):
        text = lines[index]
        if FENCE.match(text):
            fenced = not fenced
            continue
        if fenced or text.startswith(("    ", "\t")):
            continue
        yield index + 1, CODE_SPAN.sub("", text)


Finding = tuple[int, str, str]  # (line, field, message)


@dataclass(frozen=True)
class Findings:
    """What one source file's text shows, read once: images without alt text, and the
    scaffold's placeholders (a problem only in a post that is not a draft)."""

    images: tuple[Finding, ...]
    placeholders: tuple[Finding, ...]
    problems: tuple[Finding, ...] = ()  # header.scan_text's, whatever the status
    links: tuple[tuple[int, str], ...] = ()  # (line, root-relative URL) in the body
    header: tuple[tuple[str, int], ...] = ()  # (lower-case header key, its line)
    body_empty: bool = False  # nothing but blank lines below the header

    def line_of(self, key: str) -> int | None:
        """The line of the ``Key:`` header line, None when the header has none."""
        return dict(self.header).get(key.lower())


def scan(data: bytes, settings: CheckSettings) -> Findings:
    lines, problems = header.scan_text(data, settings.lint_hosts, settings.formatted,
                                       settings.render)
    images: list[Finding] = []
    placeholders: list[Finding] = []
    links: list[tuple[int, str]] = []
    fields = header_fields(lines)
    summary = fields.get("summary")
    if summary and PLACEHOLDER in summary[1]:
        placeholders.append((summary[0], "summary", f"still the '{PLACEHOLDER}' text from make "
                             "new-post (expected one or two sentences of your own)"))
    problems = list(problems)
    for number, text in body_lines(lines):
        targets = []
        for match in MARKDOWN_IMAGE.finditer(text):
            targets.append(match.group("target"))
            if not match.group("alt").strip():
                images.append((number, "alt", f"image '{match.group('target')}' has no alt text "
                               f"(expected ![what the picture shows]({match.group('target')}))"))
        for tag in HTML_IMG.findall(text):
            alt = HTML_ALT.search(tag)
            if alt is None or not alt.group("alt").strip():
                images.append((number, "alt",
                               "<img> has no alt text (expected alt=\"what the picture shows\")"))
            src = HTML_SRC.search(tag)
            targets += [src.group(1)] if src else []
        for target in targets:
            if not PLACED.match(target):
                problems.append((number, "content", f"image {quote(target)} is a relative address: "
                                 "browsers look for it beside the page's own address, where it "
                                 "is not (expected {static}/images/... or /images/...)"))
        if PLACEHOLDER in text:
            placeholders.append((number, "content", f"still the '{PLACEHOLDER}' guidance the new "
                                 "file came with (expected your own text; delete the guidance)"))
        if "/" in text:  # most lines link nowhere: skip the costlier scan
            links.extend((number, match.group(1)) for match in ROOT_LINK.finditer(text)
                         if not match.group(1).startswith("//"))
    end = _header_end(lines)
    return Findings(tuple(images), tuple(placeholders), tuple(problems), tuple(links),
                    tuple((key, line) for key, (line, _value) in fields.items()),
                    body_empty=not any(text.strip() for text in lines[end:]))


def findings_of(path: str, settings: CheckSettings) -> Findings:
    """``scan`` of the file at ``path``; nothing found in a file that cannot be read (Pelican,
    which read it first, reports that)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return Findings((), ())
    return SCANS.get(path, settings, data, lambda data: scan(data, settings))


def report_findings(context: dict, content, findings: Findings, article: bool) -> None:
    """Report ``findings`` of ``content``'s source; placeholders and an empty body only in a
    post about to be published (a scaffolded draft may keep them)."""
    found = list(findings.images) if str(content.source_path).endswith(READABLE) else []
    found += findings.problems
    if article and str(content.metadata.get("status", "published")) != "draft":
        found += findings.placeholders
        if findings.body_empty:
            found.append((None, "content", "has no text below its header (expected the post "
                          "itself after the blank line that ends the header, or 'Status: "
                          "draft')"))
    for line, field, message in found:
        report(context, content.source_path, line, field, message)


def _diagnose(context: dict, path: str, settings: CheckSettings,
              required: tuple[str, ...], post: bool) -> None:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        report(context, path, None, None, f"cannot be read: {error.strerror}")
        return
    findings = scan(data, settings)
    for line, field, message in findings.problems:
        report(context, path, line, field, message)
    if any(field is None for _line, field, _message in findings.problems):
        return  # not text, or too large: nothing in it can be trusted
    header = header_fields(source_lines(path))
    if "title" not in header or not header["title"][1]:
        report(context, path, 1, "title", "missing (required; the first header line should be "
               "'Title: ...')")
    # A post without a date is one Pelican gives up on: every field it lacks is named here,
    # not only the one Pelican stopped at.
    for field in required:
        if field != "title" and (field not in header or not header[field][1]):
            report(context, path, None, field, missing_message(field))
    status = header.get("status")
    if status and status[1].lower() not in STATUSES:
        report(context, path, status[0], "status",
               f"unknown status {quote(status[1])} (expected one of: {', '.join(STATUSES)})")
    # Pelican also gives up on a file whose Save_as leads out of the output folder: that line
    # is no field of a post, nor a page's address.
    for line, field, message in fields.problems(
            [(key, line) for key, (line, _value) in header.items()],
            {key: value for key, (_line, value) in header.items()}, "post" if post else "page"):
        report(context, path, line, field, message)


def check_unreadable(generators) -> None:
    """Find the field behind each source file Pelican gave up on (it records them as None)."""
    if not generators:
        return
    context = generators[0].context
    settings = read_settings(context)
    base = Path(context.get("PATH", "."))
    posts = [Path(folder) for folder in context.get("ARTICLE_PATHS") or ()]
    for relative, content in list(context.get("generated_content", {}).items()):
        if content is None and relative.endswith(READABLE):
            path = base / relative
            if path.is_file():
                post = any(folder in Path(relative).parents for folder in posts)
                _diagnose(context, os.fspath(path.resolve()), settings,
                          settings.post_required if post else settings.page_required, post)
