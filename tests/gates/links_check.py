"""An internal-link checker over a built site folder, using only html.parser: every href, src,
srcset, poster, form action and own-host meta URL must resolve to a file, and every #fragment to
an id (or <a name>) on the page it points at. External URLs are not fetched."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

URL_ATTRIBUTES = {"href", "src", "poster", "action", "data"}
SKIPPED_SCHEMES = {"mailto", "tel", "javascript", "data", "sms", "geo", "webcal"}


@dataclass(frozen=True)
class BrokenLink:
    page: str
    line: int
    url: str
    reason: str
    target: str  # the site path it resolves to, for deciding which section is missing

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.url} -> {self.reason}"


class _LinkParser(HTMLParser):
    def __init__(self, own_origin: str):
        super().__init__(convert_charrefs=True)
        self.own_origin = own_origin
        self.links: list[tuple[int, str]] = []
        self.anchors: set[str] = set()
        self.base: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        if attributes.get("id"):
            self.anchors.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.anchors.add(attributes["name"])
        if tag == "base" and attributes.get("href"):
            self.base = attributes["href"]
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                self.links.append((line, value.strip()))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((line, candidate.split()[0]))
        # Canonical/og:url and similar name the page by its public address.
        content = attributes.get("content") or ""
        if tag == "meta" and content.startswith(self.own_origin + "/"):
            self.links.append((line, content))

    handle_startendtag = handle_starttag


@lru_cache(maxsize=None)
def _parse(path: Path, own_origin: str) -> _LinkParser:
    parser = _LinkParser(own_origin)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def _target_file(output: Path, site_path: str) -> Path | None:
    candidate = output / unquote(site_path).lstrip("/")
    if site_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(output: Path, pages: list[Path], public_siteurl: str) -> list[BrokenLink]:
    own = urlsplit(public_siteurl)
    own_origin = f"{own.scheme}://{own.netloc}"
    problems: list[BrokenLink] = []
    for page in pages:
        relative = page.relative_to(output).as_posix()
        parsed = _parse(page, own_origin)
        page_url = urljoin("http://site.invalid/", relative)
        base = urljoin(page_url, parsed.base) if parsed.base else page_url
        for line, url in parsed.links:
            problem = _check(output, page, relative, base, line, url, own, own_origin)
            if problem:
                problems.append(problem)
    return problems


def _check(output, page, relative, base, line, url, own, own_origin) -> BrokenLink | None:
    if not url:
        return BrokenLink(relative, line, url, "empty URL", "")
    parts = urlsplit(url)
    if parts.scheme.lower() in SKIPPED_SCHEMES:
        return None
    if parts.netloc:
        if parts.netloc.lower() != own.netloc.lower() or parts.scheme not in ("", own.scheme):
            return None  # external: not fetched
        resolved = urlsplit(urljoin(own_origin + "/", url))
    else:
        resolved = urlsplit(urljoin(base, url))
        if resolved.netloc != "site.invalid":
            return None
    site_path = resolved.path or "/"
    target = _target_file(output, site_path)
    if target is None:
        return BrokenLink(relative, line, url, f"no file for {site_path}", site_path)
    fragment = unquote(resolved.fragment)
    if fragment and fragment != "top" and target.suffix == ".html":
        if fragment not in _parse(target, own_origin).anchors:
            return BrokenLink(relative, line, url, f"no id '{fragment}' in {site_path}", site_path)
    return None
