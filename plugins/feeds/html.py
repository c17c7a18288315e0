"""Make post HTML safe and self-contained for feed readers.

Readers show entries outside the site, so every relative URL must become absolute, and nothing
active (scripts, frames, event handlers) may travel along. An HTML parser re-serialises the
markup, so odd spacing or quoting cannot slip an element past the filter the way it could a regex.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Elements dropped together with everything inside them.
DROP_WITH_CONTENT = frozenset({"script", "iframe", "frame", "frameset", "object", "embed",
                               "applet", "noscript", "style", "template", "form"})
# Elements dropped but whose text is kept.
DROP_TAG_ONLY = frozenset({"base", "meta", "link", "input", "button", "select", "textarea",
                           "option"})
VOID = frozenset({"area", "br", "col", "hr", "img", "source", "track", "wbr", "param",
                  "base", "meta", "link", "input", "embed"})
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite", "longdesc", "action", "data"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "data", ""})


def absolute_url(url: str, base: str) -> str | None:
    """``url`` resolved against ``base``; None when it uses a scheme a reader must not follow."""
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    if scheme == "data" and not url.lower().startswith("data:image/"):
        return None
    return urljoin(base, url)


def _srcset(value: str, base: str) -> str:
    parts = []
    for candidate in value.split(","):
        bits = candidate.strip().split()
        if not bits:
            continue
        url = absolute_url(bits[0], base)
        if url:
            parts.append(" ".join([url, *bits[1:]]))
    return ", ".join(parts)


class _Cleaner(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.out: list[str] = []
        self.skipping: list[str] = []  # open elements whose content is dropped

    def _attrs(self, attrs: list[tuple[str, str | None]]) -> str:
        text = []
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                continue
            if value is None:
                text.append(f" {name}")
                continue
            if name in URL_ATTRIBUTES:
                value = absolute_url(value, self.base)
                if value is None:
                    continue
            elif name == "srcset":
                value = _srcset(value, self.base)
            text.append(f' {name}="{escape(value, quote=True)}"')
        return "".join(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.skipping:
            if tag in DROP_WITH_CONTENT and tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in DROP_WITH_CONTENT:
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in DROP_TAG_ONLY:
            return
        self.out.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if self.skipping or tag in DROP_WITH_CONTENT or tag in DROP_TAG_ONLY:
            return
        self.out.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in DROP_WITH_CONTENT or tag in DROP_TAG_ONLY or tag in VOID:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data, quote=False))


def clean_html(html: str, base: str) -> str:
    """``html`` without active content, with every URL absolute against ``base``."""
    cleaner = _Cleaner(base)
    cleaner.feed(html or "")
    cleaner.close()
    return "".join(cleaner.out)


def plain_text(html: str) -> str:
    """The text of an HTML fragment (for RSS/iTunes fields that take no markup)."""
    parts: list[str] = []

    class _Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    parser = _Text(convert_charrefs=True)
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parts).split())
