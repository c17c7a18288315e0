"""An event's description as calendar apps show DESCRIPTION: plain text, without the Markdown
(``**``, ``[words](address)``) it was written in."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements that start and end a paragraph of their own.
_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "table", "tr", "hr",
                     "h1", "h2", "h3", "h4", "h5", "h6"})


class _Text(HTMLParser):
    def __init__(self, siteurl: str) -> None:
        super().__init__(convert_charrefs=True)
        self.siteurl = siteurl
        self.parts: list[str] = []
        self._links: list[tuple[str | None, int]] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._pre += tag == "pre"
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
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
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        # Line breaks between elements are layout, not text; those within a paragraph are the
        # writer's own (Markdown's soft breaks), kept as a plain-text reader would want them.
        self.parts.append(data if self._pre or data.strip() else data.replace("\n", " "))


def plain_text(html: str, siteurl: str) -> str:
    """``html`` (a rendered description) as text: a link's address after its words (site
    addresses made absolute), list items on lines of their own, paragraphs apart."""
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
