"""Stable digests of template context values, for the rendered-page cache.

A key is the digest of every variable a template receives (for Pelican's pages, of everything
``write_file`` is given). Content objects (posts, pages) are digested by their metadata and
attributes but *not* their body: nearly every page lists other posts (the footer's recent posts,
the archives), and including every body would make one typo fix re-render the whole site.
Bodies are tracked separately, by recording which bodies a page actually read while it rendered
(pages.py).

Digests are memoised per object for one build (objects are kept alive with their digest, so an
id is never reused). Anything that has no stable digest (an object whose only repr is a memory
address) raises Uncacheable, and that page is simply rendered every time. A helper object a
plugin puts in the context can say what it depends on with a ``__cache_key__()`` method returning
plain data.
"""

from __future__ import annotations

import datetime as dt
import marshal
import re
import types

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from .outputcache import hash_parts as _hash

# An object is digested by its public attributes: Pelican keeps in private ones the whole-site
# context (digested as a context variable of its own), the body (tracked as a read dependency),
# and notes that differ between cold and warm builds; this layer's URL memo is private too. The
# settings are digested once, as a context variable.
SKIPPED = frozenset({"settings"})
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class Uncacheable(Exception):
    """A value with no stable digest: the page that receives it is always rendered."""


def _text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


_SCALARS = (type(None), bool, int, float)


class ContextDigest:
    """Digests of values, memoised per object for the lifetime of this instance (one build)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._visiting: set[int] = set()
        self._wrappers: dict[tuple[type, str, str], bytes] = {}
        # Every content object met while digesting, by source path: its body can then be
        # checked against what a cached page read.
        self.contents: dict[str, Content] = {}

    def of(self, value: object) -> bytes:
        # The hot path of a warm build (hundreds of thousands of calls): cheapest checks first.
        if isinstance(value, str):  # Markup is marked apart: templates escape it differently
            mark = b"s" if type(value) is str else b"m"
            return mark + (_text(value) if len(value) < 32 else _hash(_text(value)))
        memo = self._memo.get(id(value))
        if memo is not None:
            return memo[1]
        kind = type(value)
        if kind in _SCALARS:
            return _text(f"{kind.__name__}:{value!r}")
        if isinstance(value, bytes):
            return b"b" + _hash(value)
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            tz = getattr(value, "tzinfo", None)
            return _text(f"{kind.__name__}:{value.isoformat()}:{getattr(tz, 'key', tz)}")
        if id(value) in self._visiting:  # a cycle (translations point at each other)
            return _text(f"cycle:{kind.__qualname__}:{getattr(value, 'source_path', '')}")
        self._visiting.add(id(value))
        try:
            digest = self._compute(value)
        finally:
            self._visiting.discard(id(value))
        self._memo[id(value)] = (value, digest)
        return digest

    def of_items(self, items) -> bytes:
        """Digest of (name, value) pairs, in name order."""
        of = self.of
        return _hash(*[_text(name) + b"=" + of(value) for name, value in sorted(items)])

    def _compute(self, value: object) -> bytes:
        declared = getattr(type(value), "__cache_key__", None)
        if declared is not None:
            return _hash(_text(type(value).__qualname__), self.of(declared(value)))
        if isinstance(value, URLWrapper):
            return self._wrapper(value)
        if isinstance(value, (list, tuple)):
            return _hash(b"seq", *map(self.of, value))
        if isinstance(value, dict):
            of = self.of
            if all(type(key) is str for key in value):  # metadata: one hash, not one per item
                return _hash(b"text map", *[part for key in sorted(value)
                                             for part in (of(key), of(value[key]))])
            return _hash(b"map", *sorted([_hash(of(k), of(v)) for k, v in value.items()]))
        if isinstance(value, (set, frozenset)):
            return _hash(b"set", *sorted(self.of(item) for item in value))
        if isinstance(value, Content) and getattr(value, "source_path", None):
            self.contents.setdefault(value.source_path, value)
        if isinstance(value, types.FunctionType):
            return self._function(value)
        if isinstance(value, types.MethodType):
            return _hash(b"method", self.of(value.__self__), self.of(value.__func__))
        if isinstance(value, (type, types.BuiltinFunctionType, types.ModuleType)):
            return _text(f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value.__name__)}")
        if isinstance(value, re.Pattern):
            return _text(f"re:{value.flags}:") + self.of(value.pattern)
        fields = getattr(value, "__dict__", None)
        if fields is not None:
            return self._fields(value, {k: v for k, v in fields.items()
                                        if k[0] != "_" and k not in SKIPPED})
        text = repr(value)
        if _ADDRESS.search(text):
            raise Uncacheable(type(value).__qualname__)
        return _text(f"{type(value).__qualname__}:") + _hash(_text(text))

    def _wrapper(self, wrapper: URLWrapper) -> bytes:
        """A tag, category or author: its class, name, slug and other public fields. The name
        and slug are properties over private fields (Pelican copies them into public ones only
        once a URL is asked for). Each post has objects of its own for the same tags: those
        with no other public field share one digest."""
        own = {k: v for k, v in vars(wrapper).items() if k[0] != "_" and k not in SKIPPED}
        own["name"], own["slug"] = wrapper.name, wrapper.slug
        key = (type(wrapper), own["name"], own["slug"])
        if len(own) > 2 or type(key[1]) is not str or type(key[2]) is not str:
            return self._fields(wrapper, own)
        digest = self._wrappers.get(key)
        if digest is None:
            digest = self._wrappers[key] = self._fields(wrapper, own)
        return digest

    def _fields(self, value: object, own: dict) -> bytes:
        return _hash(_text(type(value).__qualname__), self.of_items(own.items()))

    def _function(self, function: types.FunctionType) -> bytes:
        # The code itself (a filter defined in pelicanconf.py can change without its name), its
        # defaults and whatever its closure holds.
        cells = []
        for cell in function.__closure__ or ():
            try:
                cells.append(cell.cell_contents)
            except ValueError:  # a cell not yet filled
                cells.append(None)
        return _hash(b"fn", marshal.dumps(function.__code__), self.of(function.__defaults__),
                     self.of(cells), self.of(function.__kwdefaults__))
