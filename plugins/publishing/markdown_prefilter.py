"""Python-Markdown with a cheap test before each costly one: the same HTML, in less time.

Markdown tries each of its inline patterns (about twenty with the ``extra`` extensions) on every
piece of text, and each of its block processors on every block, mostly with regular
expressions that cannot match: a code span, a header, a quote or a definition list in a
paragraph that has no backtick, ``#``, ``>`` or ``:``. Those searches and the method calls around
them are half the time of converting a post. This extension first checks that the text contains
something every match needs (a backtick, a bracket, a ``#``...), for Markdown's own patterns
and processors; an inline pattern it does not know is searched with its own compiled
expression first (one C call). Only then does Markdown go its usual way. When the check fails,
Markdown's way would have found no match either, so the HTML is the same. Enable it in
``MARKDOWN`` as ``"publishing.markdown_prefilter": {}``.

The inline part overrides the inline processor's private per-text method, so it checks that the
installed Markdown still has that method and leaves the inline processor alone otherwise.
tests/test_markdown_prefilter.py compares the output with stock Markdown's.
"""

from __future__ import annotations

from typing import Callable
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown, blockprocessors, inlinepatterns, util
from markdown.extensions import abbr, def_list, footnotes, tables
from markdown.preprocessors import Preprocessor
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


# Markdown's own block processors and text that every block they take contains. Those whose
# test() is always true look in run() and give the block back untouched when it has no match.
_BLOCK_NEEDS = {
    blockprocessors.HashHeaderProcessor: ("#",),
    blockprocessors.SetextHeaderProcessor: ("\n=", "\n-"),
    blockprocessors.HRProcessor: ("-", "_", "*"),
    blockprocessors.BlockQuoteProcessor: (">",),
    blockprocessors.ReferenceProcessor: ("]:",),
    def_list.DefListProcessor: (":",),
    abbr.AbbrBlockprocessor: ("*[",),
    footnotes.FootnoteBlockProcessor: ("[^",),
    tables.TableProcessor: ("|",),
}


def _guarded(test: Callable, needs: tuple[str, ...]) -> Callable:
    # The check is written out rather than shared with _may_match's: it runs for every block
    # and processor, and a call more per check costs about 2% of converting a post.
    def test_if_possible(parent: Element, block: str) -> bool:
        for text in needs:
            if text in block:
                return test(parent, block)
        return False

    return test_if_possible


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


class MarkdownPrefilter(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        if hasattr(InlineProcessor, _HANDLE) and hasattr(InlineProcessor, _APPLY):
            md.treeprocessors.register(_PrefilteredInlineProcessor(md), "inline", 20)
        # Block processors are registered by the extensions too, in any order: guard them once
        # they all are, when the first document is converted.
        md.preprocessors.register(_GuardBlocks(md), "prefilter-blocks", 1000)


class _GuardBlocks(Preprocessor):
    """Guards the parser's known block processors (once), then passes the lines on."""

    def run(self, lines: list[str]) -> list[str]:
        for processor in self.md.parser.blockprocessors:
            needs = _BLOCK_NEEDS.get(type(processor))
            if needs and "test" not in vars(processor):
                processor.test = _guarded(processor.test, needs)
        return lines


def makeExtension(**kwargs) -> MarkdownPrefilter:  # noqa: N802 - Markdown's entry point
    return MarkdownPrefilter(**kwargs)
