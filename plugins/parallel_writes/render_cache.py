"""Which rendered pages can be reused from the previous build.

A page is reused when (1) its key is unchanged: the theme's templates, the template's name and the
digest of every context variable (digest.py; content objects without their bodies), and (2) every
body it read last time is unchanged. (2) is known because, while a page renders, reads of a
content object's ``content`` (and of a ``summary`` that is cut from the body) are recorded. So
editing one post's text re-renders that post's page and the pages that show its body, and
nothing else; editing a title, a date, a tag, a setting or a template changes the keys of every
page that receives it.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from pelican.contents import Content

from publishing.outputcache import make_key

from .digest import ContextDigest, Uncacheable

# Context variables whose order means nothing: Pelican builds ``staticfiles`` partly from a set,
# so its order changes from one process to the next (and static_content holds the same files).
UNORDERED = frozenset({"staticfiles"})

_reads: dict[str, str] | None = None  # source path -> body digest, for the page being rendered
_rendered_bodies: dict = {}  # Pelican's memo of Content.get_content while recording


def body_digest(content: Content) -> str:
    return make_key(getattr(content, "_content", "") or "")


def _note(content: Content) -> None:
    if _reads is not None:
        _reads[getattr(content, "source_path", None) or f"unsaved:{id(content)}"] = body_digest(content)


@contextlib.contextmanager
def recording_body_reads() -> Iterator[None]:
    """Content.get_content/get_summary note what they read while this is active."""
    originals = {name: Content.__dict__[name] for name in ("get_content", "get_summary")}
    get_content, get_summary = originals["get_content"], originals["get_summary"]

    def recorded_content(self, siteurl):
        _note(self)
        return get_content(self, siteurl)

    def recorded_summary(self, siteurl):
        if "summary" not in self.metadata:  # cut from the body
            _note(self)
        return get_summary(self, siteurl)

    global _rendered_bodies
    _rendered_bodies = getattr(get_content, "cache", {})
    Content.get_content, Content.get_summary = recorded_content, recorded_summary
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(Content, name, original)
        _rendered_bodies = {}


@contextlib.contextmanager
def reads_of_one_page() -> Iterator[dict[str, str]]:
    """Records the bodies one page reads. Bodies Pelican renders for this page are forgotten
    afterwards: it memoises every rendered body for the whole build, but each is shown on one
    page, and keeping them all costs several MB in every rendering process."""
    global _reads
    outer, _reads = _reads, {}
    known = len(_rendered_bodies)
    try:
        yield _reads
    finally:
        _reads = outer
        while len(_rendered_bodies) > known:
            _rendered_bodies.popitem()  # the newest entries: the ones this page added


class PageKeys:
    """Keys of the pages of one build."""

    def __init__(self) -> None:
        self.digest = ContextDigest()
        self._themes: dict[int, str] = {}
        self._shared: dict[int, tuple[dict, bytes]] = {}

    def _variables(self, items) -> bytes:
        return self.digest.of_items(
            (name, frozenset(value) if name in UNORDERED else value) for name, value in items)

    def share(self, shared: dict) -> None:
        """Digest ``shared`` now (before forking: the children inherit the result)."""
        try:
            self._shared_digest(shared)
        except Uncacheable:
            pass

    def _shared_digest(self, shared: dict) -> bytes:
        memo = self._shared.get(id(shared))
        if memo is None:
            memo = self._shared[id(shared)] = (shared, self._variables(shared.items()))
        return memo[1]

    def _theme(self, environment) -> str:
        # Every template the environment can load: a page's output depends on its includes,
        # imports and parents, and edits to any of them must show.
        key = self._themes.get(id(environment))
        if key is None:
            parts = []
            for name in environment.list_templates():
                source, filename, _ = environment.loader.get_source(environment, name)
                parts += [name, source]
            key = self._themes[id(environment)] = make_key(*parts)
        return key

    def key(self, template, shared: dict, localcontext: dict) -> str | None:
        """The page's key, or None when some variable has no stable digest. ``shared`` is the
        context the page's variables were copied from: its digest is computed once for all the
        pages made from it, and only the variables a page changed are digested per page."""
        try:
            common = self._shared_digest(shared)
            own = self._variables((name, value) for name, value in localcontext.items()
                                  if shared.get(name, shared) is not value)
        except Uncacheable:
            return None
        return make_key(self._theme(template.environment), template.name, common, own)

    def bodies_unchanged(self, reads: dict[str, str]) -> bool:
        contents = self.digest.contents
        for path, digest in reads.items():
            content = contents.get(path)
            if content is None or body_digest(content) != digest:
                return False
        return True
