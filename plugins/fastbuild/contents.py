"""Content objects that note which bodies a page reads, and remember their URLs while the site
is written.

Each content object Pelican creates is given a subclass of its own class (same name, so
Pelican's ``<CLASS>_URL`` settings still apply) that overrides three public methods:

- ``get_content`` and ``get_summary`` (when the summary is cut from the body) note the source
  file read, with its digest, while a page renders (``reads_of_one_page``), so that a warm build
  re-renders exactly the pages that show an edited body;
- ``get_url_setting`` remembers each URL from the moment the writer is made (``fix_urls``),
  after every generator has read its sources and Pelican has resolved links between them: the
  generators then ask for each post's URL many times (its page, listings, feeds, the sitemap),
  and until then plugins may still change what URLs are made of.

Pelican's content cache keeps these objects whole (``CONTENT_CACHING_LAYER = "generator"``):
a warm build unpickles each unchanged post instead of building it again from its text and
metadata. Two of an object's fields belong to the build that reads it back, not to the one
that saved it: the settings (its tags', category's and authors' too), and the site's context,
which Pelican keeps in the private ``_context`` (links to other content resolve through it).
They are left out of the pickle and set to this build's (tests/test_upstream_seams.py pins
``Content.__init__``, where Pelican sets them, and fails with "re-check
plugins/fastbuild/contents.py" when it changes). Left in, one value of the settings that cannot
be pickled (a lambda in JINJA_FILTERS, say) would keep every post out of the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Iterator

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from .settings import read as read_config

_reads: dict[str, str] | None = None  # source path -> digest, for the page being rendered
_digests: dict[str, str] = {}  # source path -> digest of its bytes, this build
_writing = False
_classes: dict[type, type] = {}
# Fields that belong to the build holding a content object, not to the object (above); and
# that build's settings and context, noted on each generator's creation, before it loads
# Pelican's cache.
_OF_THE_BUILD = frozenset({"settings", "_context", "_fastbuild_urls"})
_build: dict[str, dict] = {}


def file_digest(path: str) -> str:
    """The SHA-256 of a source file's bytes (the body depends on nothing else but settings and
    code, which the cache folder's fingerprint covers)."""
    digest = _digests.get(path)
    if digest is None:
        try:
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            digest = "missing"
        _digests[path] = digest
    return digest


def _note(content: Content) -> None:
    path = getattr(content, "source_path", None)
    if _reads is not None:
        _reads[path or f"unsaved:{id(content)}"] = file_digest(path) if path else ""


class _Noted:
    def get_content(self, siteurl: str) -> str:
        _note(self)
        return super().get_content(siteurl)

    def get_summary(self, siteurl: str) -> str:
        if "summary" not in self.metadata:  # cut from the body
            _note(self)
        return super().get_summary(siteurl)

    def get_url_setting(self, key: str) -> str:
        if not _writing:
            return super().get_url_setting(key)
        memo = self.__dict__.setdefault("_fastbuild_urls", {})
        if key not in memo:
            memo[key] = super().get_url_setting(key)
        return memo[key]

    def __reduce_ex__(self, protocol: int) -> tuple:
        seen: dict[int, object] = {}
        state = {name: _portable(value, seen) if _walked(value) else value
                 for name, value in vars(self).items() if name not in _OF_THE_BUILD}
        return _unpickled, (type(self).__bases__[1], state)


def _unpickled(cls: type, state: dict) -> Content:
    noted = _noted_class(cls)
    content = noted.__new__(noted)
    content.__dict__.update(state)
    content.settings, content._context = _build["settings"], _build["context"]
    return content


class _Wrapper:
    """A tag, category or author in the pickle without its settings (given the build's when
    read back)."""

    def __init__(self, wrapper: URLWrapper) -> None:
        self.cls = type(wrapper)
        self.fields = vars(wrapper).copy()
        self.fields.pop("settings", None)

    def __reduce__(self) -> tuple:
        return _unpickled_wrapper, (self.cls, self.fields)


def _unpickled_wrapper(cls: type, fields: dict) -> URLWrapper:
    wrapper = cls.__new__(cls)
    wrapper.__dict__.update(fields)
    wrapper.settings = _build["settings"]
    return wrapper


def _walked(value: object) -> bool:
    return type(value) in _CONTAINERS or isinstance(value, URLWrapper)


_CONTAINERS = frozenset({list, dict})


def _portable(value: object, seen: dict[int, object]) -> object:
    """``value`` with each tag, category and author in it (in lists and the metadata) as a
    ``_Wrapper``. A list or dict is copied only when something in it is replaced, so the others
    stay the objects the pickle already holds (posts that are each other's translations refer
    to each other through such lists), and one met twice (a post's ``tags`` and its metadata's)
    gives one copy."""
    kept = seen.get(id(value))
    if kept is not None:
        return kept
    if isinstance(value, URLWrapper):
        kept = seen[id(value)] = _Wrapper(value)
        return kept
    seen[id(value)] = value  # a list inside itself is left as it is
    if type(value) is list:
        items = [_portable(item, seen) if _walked(item) else item for item in value]
        changed = any(new is not old for new, old in zip(items, value))
    else:
        items = {key: _portable(item, seen) if _walked(item) else item
                 for key, item in value.items()}
        changed = any(items[key] is not item for key, item in value.items())
    kept = seen[id(value)] = items if changed else value
    return kept


def at_generator(generator) -> None:
    """generator_init handler: the build content objects read from Pelican's cache belong to."""
    _build.update(settings=generator.settings, context=generator.context)


def _noted_class(cls: type) -> type:
    noted = _classes.get(cls)
    if noted is None:
        noted = _classes[cls] = type(cls.__name__, (_Noted, cls),
                                     {"__qualname__": cls.__qualname__, "__module__": cls.__module__})
    return noted


def note_reads(content: Content) -> None:
    """content_object_init handler."""
    if isinstance(content, _Noted) or not read_config(content.settings).enabled:
        return
    content.__class__ = _noted_class(type(content))


def bodies_unchanged(reads: dict[str, str]) -> bool:
    return all(not path.startswith("unsaved:") and file_digest(path) == digest
               for path, digest in reads.items())


@contextlib.contextmanager
def reads_of_one_page() -> Iterator[dict[str, str]]:
    """The source files whose bodies one page reads while it renders."""
    global _reads
    outer, _reads = _reads, {}
    try:
        yield _reads
    finally:
        _reads = outer


def fix_urls(fixed: bool) -> None:
    """``True``: URLs no longer change, remember each one; ``False``: the site was written."""
    global _writing
    _writing = fixed


def forget(*_args) -> None:
    """A long-running preview keeps no digests (nor the site) from one build to the next."""
    _digests.clear()
    _build.clear()
