"""Python-Markdown with a cheap test before each costly one: the same HTML, in less time.

Markdown tries each of its inline patterns (about twenty with the ``extra`` extensions) on every
piece of text, and each of its block processors on every block, mostly with regular
expressions that cannot match: a code span, a header, a quote or a definition list in a
paragraph that has no backtick, ``#``, ``>`` or ``:``. This extension gives Markdown's own
patterns and processors a subclass of their own class that first checks that the text contains
something every match needs (a backtick, a bracket, a ``#``...): an inline pattern's
``getCompiledRegExp()`` then returns an expression whose ``finditer`` finds nothing at once, and
a block processor's ``test()`` says no. Only public methods are overridden. When the check
fails, Markdown's way would have found no match either, so the HTML is the same
(tests/test_markdown_prefilter.py compares it with stock Markdown's). The speed layer adds it
to ``MARKDOWN``'s extensions.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown, blockprocessors, inlinepatterns
from markdown.extensions import abbr, def_list, footnotes, tables
from markdown.preprocessors import Preprocessor

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


class _NoMatch:
    """The compiled expression of a pattern, behind the test of what every match contains."""

    __slots__ = ("expression", "needs")

    def __init__(self, expression: re.Pattern, needs: tuple[str, ...]) -> None:
        self.expression, self.needs = expression, needs

    def finditer(self, data: str, start: int = 0):
        for text in self.needs:
            if data.find(text, start) >= 0:
                return self.expression.finditer(data, start)
        return ()

    def __getattr__(self, name: str):
        return getattr(self.expression, name)


class _GuardedPattern:
    def getCompiledRegExp(self) -> "_NoMatch":  # noqa: N802 - Markdown's name
        return self._guard


class _GuardedProcessor:
    def test(self, parent: Element, block: str) -> bool:
        for text in self._needs:
            if text in block:
                return super().test(parent, block)
        return False


_subclasses: dict[tuple[type, type], type] = {}


def _guard(instance: object, mixin: type) -> None:
    """Give ``instance`` a subclass of its class overriding one public method."""
    cls = type(instance)
    sub = _subclasses.get((cls, mixin))
    if sub is None:
        sub = _subclasses[(cls, mixin)] = type(cls.__name__, (mixin, cls),
                                               {"__qualname__": cls.__qualname__})
    instance.__class__ = sub


class MarkdownPrefilter(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        # Patterns and processors are registered by the extensions too, in any order: guard
        # them once they all are, when the first document is converted.
        md.preprocessors.register(_Guard(md), "prefilter", 1000)


class _Guard(Preprocessor):
    """Guards the known inline patterns and block processors (once), then passes the lines on."""

    def run(self, lines: list[str]) -> list[str]:
        for pattern in self.md.inlinePatterns:
            if isinstance(pattern, inlinepatterns.InlineProcessor) \
                    and not isinstance(pattern, _GuardedPattern):
                expression = pattern.getCompiledRegExp()
                needs = _NEEDS.get(expression.pattern)
                if needs:
                    pattern._guard = _NoMatch(expression, needs)
                    _guard(pattern, _GuardedPattern)
        for processor in self.md.parser.blockprocessors:
            needs = _BLOCK_NEEDS.get(type(processor))
            if needs and not isinstance(processor, _GuardedProcessor):
                processor._needs = needs
                _guard(processor, _GuardedProcessor)
        return lines


def makeExtension(**kwargs) -> MarkdownPrefilter:  # noqa: N802 - Markdown's entry point
    return MarkdownPrefilter(**kwargs)
