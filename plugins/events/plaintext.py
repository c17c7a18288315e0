"""An event's description as calendar apps show DESCRIPTION: plain text, without the Markdown
(``**``, ``[words](address)``) it was written in."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements that start and end a paragraph of their own (within a list item, a line of its own).
_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "table", "tr", "hr",
                     "h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})


class _Text(HTMLParser):
    def __init__(self, siteurl: str) -> None:
        super().__init__(convert_charrefs=True)
        self.siteurl = siteurl
        self.parts: list[str] = []
        self._links: list[tuple[str | None, int]] = []
        self._pre = 0
        # Open lists, innermost last: whether each is numbered, and its last item's number.
        self._lists: list[list] = []
        # Just after an item's marker: the item's first paragraph goes on the marker's line.
        self._marker = False

    def _indent(self) -> str:
        return "   " * max(0, len(self._lists) - 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._pre += tag == "pre"
        if tag in _LISTS:
            if not self._lists:
                self.parts.append("\n\n")
            start = dict(attrs).get("start") or "1"
            self._lists.append([tag == "ol", int(start) - 1 if start.isdigit() else 0])
        elif tag == "li" and self._lists:
            numbered = self._lists[-1]
            numbered[1] += 1
            marker = f"{numbered[1]}." if numbered[0] else "-"
            self.parts.append(f"\n{self._indent()}{marker} ")
            self._marker = True
        elif tag in _BLOCKS:
            if not self._lists:
                self.parts.append("\n\n")
            elif not self._marker:  # a loose item's next paragraph, under its first
                self.parts.append(f"\n{self._indent()}   ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            self.parts.append(f"[{alt}]" if alt else "")

    def handle_endtag(self, tag: str) -> None:
        self._pre -= tag == "pre" and self._pre > 0
        if tag == "a" and self._links:
            href, first = self._links.pop()
            words = "".join(self.parts[first:]).strip()
            if href and not href.startswith("#"):
                address = self.siteurl + href if href.startswith("/") else href
                # A link whose words are its address needs it only once.
                if words not in (href, address, address.removeprefix("mailto:")):
                    self.parts.append(f" ({address})")
        elif tag in _LISTS and self._lists:
            self._lists.pop()
            if not self._lists:
                self.parts.append("\n\n")
        elif tag in _BLOCKS and not self._lists:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not data.strip() and self._marker:
            return  # the layout between an item's marker and its first paragraph
        self._marker = False
        # Line breaks between elements are layout, not text; those within a paragraph are the
        # writer's own (Markdown's soft breaks), kept as a plain-text reader would want them.
        self.parts.append(data if self._pre or data.strip() else data.replace("\n", " "))


def plain_text(html: str, siteurl: str) -> str:
    """``html`` (a rendered description) as text: a link's address after its words (site
    addresses made absolute), list items on lines of their own (numbered as on the page, a
    nested list indented under its item), paragraphs apart."""
    parser = _Text(siteurl)
    parser.feed(html)
    parser.close()
    paragraphs = []
    for block in "".join(parser.parts).split("\n\n"):
        lines = [line.rstrip() for line in block.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)
