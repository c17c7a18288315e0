"""Smart punctuation for Markdown, as the ``smarty`` extension does it, in one pass over the HTML.

Python-Markdown's smarty adds a dozen inline patterns, each tried over every text node: it
doubles the time of converting a post. This extension gives the same result (curly quotes and
apostrophes, en and em dashes, ellipses, as HTML entities) with one tokenising pass over the
finished HTML, leaving code, preformatted text, scripts, styles, comments and tag attributes
alone. Enable it in ``MARKDOWN`` as ``"publishing.typography": {}``.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# Elements whose text is never touched, and the tokens of HTML: comments, tags, text.
SKIPPED = ("pre", "code", "kbd", "samp", "script", "style", "math", "textarea")
_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")
_PUNCTUATION = re.compile(r"---|--|\.\.\.|\. \. \.|[\"']")
# A quote after one of these (or at the start of a block) opens; anywhere else it closes.
_OPENS_AFTER = set(" \t\n\r([{<\u00a0\u2013\u2014-/") | {""}
_DECADE = re.compile(r"'(?=\d{2}s?\b)")
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "dd", "dt",
           "div", "figcaption", "br", "hr", "ul", "ol", "table", "tr"}


class _Typographer:
    def __init__(self) -> None:
        self.previous = ""  # the last character of text seen, across inline tags
        self._opened_at = -1  # where the last opening quote ended, in the current text
        self.open_pending = False  # the previous text ended with an opening quote

    def _replace(self, match: re.Match) -> str:
        token = match.group(0)
        text, start = match.string, match.start()
        before = text[start - 1] if start else self.previous
        after = text[match.end()] if match.end() < len(text) else ""
        if token == "---":
            return "&mdash;"
        if token == "--":
            return "&ndash;"
        if token in ("...", ". . ."):
            return "&hellip;"
        # Opens after a space, an opening bracket or another opening quote, unless a space
        # follows; at the end of the text (a tag follows, as in "*word*") the side before decides.
        opening = (before in _OPENS_AFTER or start == self._opened_at) and not after.isspace()
        if token == "'" and (before.isalnum() or _DECADE.match(text, start)):
            return "&rsquo;"  # an apostrophe inside or after a word, or a decade ('80s)
        if not opening:
            return "&rdquo;" if token == '"' else "&rsquo;"
        self._opened_at = match.end()
        return "&ldquo;" if token == '"' else "&lsquo;"

    def text(self, text: str) -> str:
        if not text:
            return text
        # An opening quote that ended the previous text opens this one's first quote too.
        self._opened_at = 0 if self.open_pending else -1
        result = _PUNCTUATION.sub(self._replace, text)
        self.previous, self.open_pending = text[-1], self._opened_at == len(text)
        return result


def smarten(html: str) -> str:
    """``html`` with smart punctuation in its text, outside code and the like."""
    typographer = _Typographer()
    skipping: list[str] = []
    out = []
    for index, token in enumerate(_TOKENS.split(html)):
        if index % 2:  # a tag or comment
            tag = _TAG.match(token)
            if tag:
                closing, name = tag.group(1), tag.group(2).lower()
                if name in SKIPPED and not token.endswith("/>"):
                    if not closing:
                        skipping.append(name)
                    elif skipping and skipping[-1] == name:
                        skipping.pop()
                    # Code counts as a word before a quote.
                    typographer.previous, typographer.open_pending = "x", False
                elif name in _BLOCKS:
                    typographer.previous, typographer.open_pending = "", False
            out.append(token)
        elif skipping:
            out.append(token)
        else:
            out.append(typographer.text(token))
    return "".join(out)


class _SmartenPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return smarten(text)


class Typography(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        # Last of all, once raw HTML is back in place, like smarty's output would be.
        md.postprocessors.register(_SmartenPostprocessor(md), "typography", 5)


def makeExtension(**kwargs) -> Typography:  # noqa: N802 - Markdown's entry point
    return Typography(**kwargs)
