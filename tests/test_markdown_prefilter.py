"""fastbuild.prefilter makes Python-Markdown's inline and block processing cheaper and
changes nothing in its output: on every post and page of the site, on the benchmark corpus, on
tricky Markdown, and with an extension's own inline pattern added after it."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import pytest
from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor

from conftest import ROOT

import corpus

BASE = ["markdown.extensions.extra", "markdown.extensions.codehilite", "markdown.extensions.toc",
        "markdown.extensions.meta", "publishing.typography"]


class _Mention(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API
        el = etree.Element("a", href=f"/people/{m.group(1)}/")
        el.text = "@" + m.group(1)
        return el, m.start(0), m.end(0)


class _Mentions(Extension):
    """An extension's own pattern, registered after the inline processor exists."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.inlinePatterns.register(_Mention(r"(?<![\w@])@([a-z]+)", md), "mention", 65)


def _pair(extra: list | None = None) -> tuple[Markdown, Markdown]:
    extensions = BASE + (extra or [])
    return (Markdown(extensions=extensions, output_format="html5"),
            Markdown(extensions=extensions + ["fastbuild.prefilter"], output_format="html5"))


STOCK, OURS = _pair()

CASES = [
    "Plain text with nothing inline at all.",
    "Code: `a` and ``b ` c`` and \\`not code\\` and \\\\`code after escaped backslash`",
    "Escapes: \\*not em\\* \\[not a link\\] \\<not html> \\& and a lone \\",
    "*em* **strong** ***both*** _em_ __strong__ snake_case_word 2*3*4 * spaced *",
    "[link](http://e.org) [ref][r] [short] ![img](a.png) ![ref img][r] [![nested](i.png)](u)",
    "\n\n[r]: http://e.org/r \"Title\"\n[short]: http://e.org/s",
    "<http://e.org/auto> <me@example.org> <span class=\"x\">raw *html*</span> <!-- c -->",
    "Entities: &amp; &#169; &#x00A9; & alone, AT&T",
    "Line  \nbreak and trailing spaces  ",
    "Footnote[^1] and [^missing].\n\n[^1]: The note with *em* and `code`.",
    "*[HTML]: Hyper Text Markup Language\n\nHTML and more HTML",
    "Term\n: Definition with [a link](/x) and *em*",
    "| a | *b* |\n|---|---|\n| `c` | [d](/d) |",
    "Unclosed [bracket and `backtick and *star and <angle",
    "**[bold link](/x)** and *`code in em`* and [`code in link`](/y)",
    "# Hash header\n\nSetext header\n=============\n\nAnother\n-------\n\nText # not a header",
    "Closed hash header ##\n\n## Two ##\n\n#Tight",
    "---\n\n* * *\n\n___\n\n- list item\n- another\n\n1. one\n2. two",
    "> quote\n> > nested\n\nnot > a quote\n\n>lazy\nquote",
    "[ref]: http://e.org/r\n[other]: <http://e.org/o> 'Title'\n\nUse [ref] and [other].",
    "Term\n: definition\n\n: no term\n\nTime 10:30 is not a definition",
    "*[ABBR]: An abbreviation\n\nThe ABBR here",
    "Text[^n]\n\n[^n]: A note\n    continued\n\n[^m]: Unused",
    "a | b\n--|--\n1 | 2\n\n| x |\n|---|\n| y |\n\nnot | a table",
    "```python\nprint('fenced # code > : | [^x]')\n```\n\n    indented # code\n    > not a quote",
]


@pytest.mark.parametrize("text", CASES)
def test_same_html_as_stock_markdown(text):
    assert OURS.reset().convert(text) == STOCK.reset().convert(text)


def test_the_prefilters_are_the_ones_in_use():
    from fastbuild.prefilter import _GuardedPattern, _GuardedProcessor  # noqa: PLC0415

    OURS.reset().convert("# A document")
    STOCK.reset().convert("# A document")
    guarded = {type(p).__name__ for p in OURS.parser.blockprocessors
               if isinstance(p, _GuardedProcessor)}
    assert {"HashHeaderProcessor", "BlockQuoteProcessor", "DefListProcessor",
            "TableProcessor", "FootnoteBlockProcessor"} <= guarded
    patterns = {name for name in ("backtick", "link", "html", "em_strong", "entity")
                if isinstance(OURS.inlinePatterns[name], _GuardedPattern)}
    assert patterns == {"backtick", "link", "html", "em_strong", "entity"}
    assert not any(isinstance(p, _GuardedPattern) for p in STOCK.inlinePatterns)


def test_every_post_and_page_of_the_site_and_the_bench_corpus_convert_the_same(tmp_path):
    sources = sorted((ROOT / "content").rglob("*.md"))
    sources += sorted((corpus.generate(tmp_path, n=60, events=0) / "posts").rglob("*.md"))
    assert len(sources) > 60
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert OURS.reset().convert(text) == STOCK.reset().convert(text), path


def test_an_extensions_own_pattern_still_applies():
    stock, ours = _pair([_Mentions()])
    text = "Thanks @ada and *@li* (not me@example.org or `@code`)."
    assert ours.convert(text) == stock.convert(text)
    assert '<a href="/people/ada/">@ada</a>' in ours.convert(text)
