"""Python-Markdown's inline processing with a cheap test first: the same HTML, in less time.

Markdown's inline processor tries each of its inline patterns (about twenty with the ``extra``
extensions) on every piece of text, through a general-purpose method that costs a few
microseconds even when the pattern cannot match, and some of the expressions are slow to
search (the code-span one tries an alternation at every position). This processor first makes
a cheaper test that any match needs to pass: for Markdown's own patterns, that a character
every match contains (a backtick, a bracket...) occurs from the current position on; for any
other pattern, that its compiled expression matches from there (one C call). Only then does
it go the usual way. When the test fails, the usual way would have returned "no match" too,
so the result is the same HTML. Enable it in ``MARKDOWN`` as
``"publishing.inline_prefilter": {}``.

It overrides the processor's private per-text method, so it checks that the installed
Markdown still has that method and does nothing otherwise (see tests/test_typography.py, which
compares its output with stock Markdown's).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from typing import Callable

from markdown import Extension, Markdown, inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

# Python mangles the private names of InlineProcessor to these.
_HANDLE, _APPLY = "_InlineProcessor__handleInline", "_InlineProcessor__applyPattern"

# Markdown's own inline expressions (by their exact source, so a changed expression is simply
# searched) and text that every match of each contains.
_NEEDS = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),
    inlinepatterns.REFERENCE_RE: ("[",),
    inlinepatterns.IMAGE_LINK_RE: ("![",),
    inlinepatterns.IMAGE_REFERENCE_RE: ("![",),
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
    r"\[\^([^\]]*)\]": ("[^",),  # footnotes
    r"\*|_": ("*", "_"),  # emphasis and strong
}


def _may_match(pattern: inlinepatterns.Pattern) -> Callable[[str, int], object] | None:
    """A test that is false only where ``pattern`` cannot match ``data`` from ``start`` on;
    None for old-style patterns, which match differently and are always tried."""
    if not isinstance(pattern, inlinepatterns.InlineProcessor):
        return None
    expression = pattern.getCompiledRegExp()
    needs = _NEEDS.get(expression.pattern)
    if needs is None:
        return expression.search
    if len(needs) == 1:
        text = needs[0]
        return lambda data, start: data.find(text, start) >= 0
    return lambda data, start: any(data.find(text, start) >= 0 for text in needs)


class _PrefilteredInlineProcessor(InlineProcessor):
    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        # Taken at each document: extensions may register patterns after this processor.
        self._patterns = list(self.inlinePatterns)
        self._tests = [_may_match(pattern) for pattern in self._patterns]
        return super().run(tree, ancestors)


def _handle_inline(self: _PrefilteredInlineProcessor, data: str, patternIndex: int = 0) -> str:  # noqa: N803 - Markdown's name
    if isinstance(data, util.AtomicString):
        return data
    apply = getattr(self, _APPLY)
    patterns, tests = self._patterns, self._tests
    start = 0
    while patternIndex < len(patterns):
        test = tests[patternIndex]
        if test is not None and not test(data, start):
            patternIndex, start = patternIndex + 1, 0
            continue
        data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
        if not matched:
            patternIndex += 1
    return data


setattr(_PrefilteredInlineProcessor, _HANDLE, _handle_inline)


class InlinePrefilter(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        if hasattr(InlineProcessor, _HANDLE) and hasattr(InlineProcessor, _APPLY):
            md.treeprocessors.register(_PrefilteredInlineProcessor(md), "inline", 20)


def makeExtension(**kwargs) -> InlinePrefilter:  # noqa: N802 - Markdown's entry point
    return InlinePrefilter(**kwargs)
