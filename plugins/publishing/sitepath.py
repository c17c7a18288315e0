"""Links written from the site's root (``[about us](/about/)``, ``![map](/images/map.svg)``) for a
site served from a folder, such as a fork's GitHub Pages at ``https://<owner>.github.io/<repo>``.

Contributors write a link to another page of the site as its address from the root, the form
the content check follows to the page it names. Served from a folder, that address leaves the
site: ``/about/`` is the host's, not ``/<repo>/about/``. This extension puts the folder
(the path of ``siteurl``; publishconf.py gives it SITEURL) before every such address in
``href`` and ``src``, raw HTML included. At a host's root, or with no SITEURL (a local build),
it changes nothing. Enable it in ``MARKDOWN`` as ``"publishing.sitepath": {"siteurl": SITEURL}``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# A start tag. Text, code included, has its "<" escaped, so this is an element, never words
# about one; within it, an href or src whose value starts at the root: one slash, not two (an
# address on another host without its scheme).
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_ROOTED = re.compile(r"""(\s(?:href|src)\s*=\s*)(["']?)/(?![/\\])""", re.IGNORECASE)


def prefix_of(siteurl: str) -> str:
    """The folder a site at ``siteurl`` is served from ("" at the host's root), without its last
    slash: what goes before a root-relative address."""
    return urlsplit(siteurl or "").path.rstrip("/")


class _Prefix(Postprocessor):
    def __init__(self, md: Markdown, prefix: str) -> None:
        super().__init__(md)
        self.prefix = prefix

    def run(self, text: str) -> str:
        return _TAG.sub(lambda tag: _ROOTED.sub(self._rooted, tag.group()), text)

    def _rooted(self, match: re.Match) -> str:
        return f"{match.group(1)}{match.group(2)}{self.prefix}/"


class SitePath(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {"siteurl": ["", "The site's public address, e.g. https://x.github.io/repo"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        prefix = prefix_of(self.getConfig("siteurl"))
        if prefix:
            # Once raw HTML is back in place, so that links written in HTML move too.
            md.postprocessors.register(_Prefix(md, prefix), "sitepath", 4)


def makeExtension(**kwargs) -> SitePath:  # noqa: N802 - Markdown's entry point
    return SitePath(**kwargs)
