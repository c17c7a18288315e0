"""publishing.typography gives what Python-Markdown's smarty extension gives (it replaces it for
speed), on every post of the site and on the tricky cases, and leaves code alone."""

from __future__ import annotations


import pytest
from markdown import Markdown

from conftest import ROOT


BASE = ["markdown.extensions.extra", "markdown.extensions.codehilite", "markdown.extensions.toc",
        "markdown.extensions.meta"]
SMARTY = Markdown(extensions=BASE + ["markdown.extensions.smarty"], output_format="html5")
OURS = Markdown(extensions=BASE + ["publishing.typography"], output_format="html5")

CASES = [
    '"Hello," she said.', "It's the co-op's '80s style.", "'Single' and \"double\"",
    "A -- B --- C...", '*"Emphasised"* quote', '"*Emphasised*" quote', "Use `\"code\"` -- and `--x`",
    '```\n"fenced" -- code\n```', '("paren")', "\"'nested'\"", "He said 'yes'.",
    'Quotes: "a" "b"', "[link \"x\"](http://e.org/a--b \"ti'tle\")",
    '<span title="x--y">"raw"</span>', 'Ends with "quote"', "rock 'n' roll",
    '"Quoted" -- with *emphasis* and `code`.', "The '90s and 2000's", "He said, \"'Tis time.\"",
    "...and then", "x...", '**"bold"**', '- "list item"', '> "quoted block"', "it's 'done'",
    "'quoted.'", '"A," "B."', '<!-- "comment" -- -->\n\nText', "Don't", "O'Neil", "'Twas",
    "\u201cAlready\u201d curly", "    indented \"code\" -- block",
]


def _both(text: str) -> tuple[str, str]:
    return SMARTY.reset().convert(text), OURS.reset().convert(text)


@pytest.mark.parametrize("text", CASES)
def test_same_as_smarty(text):
    smarty, ours = _both(text)
    assert ours == smarty


def test_every_post_and_page_of_the_site_converts_as_with_smarty():
    sources = sorted((ROOT / "content").rglob("*.md"))
    assert len(sources) > 30
    for path in sources:
        smarty, ours = _both(path.read_text(encoding="utf-8"))
        assert ours == smarty, path


def test_where_smarty_errs_the_quotes_still_pair():
    # smarty opens the closing quote after a link, and opens a prime after a digit.
    assert OURS.reset().convert('"[link](x)"') == '<p>&ldquo;<a href="x">link</a>&rdquo;</p>'
    assert OURS.reset().convert("5'10\" tall") == "<p>5&rsquo;10&rdquo; tall</p>"


def test_code_and_attributes_keep_their_straight_quotes_and_dashes():
    html = OURS.reset().convert('Run `a -- "b"` and see [it](http://e.org/x--y "say \'hi\'").')
    assert '<code>a -- "b"</code>' in html
    assert 'href="http://e.org/x--y"' in html and "title=\"say 'hi'\"" in html
