"""URLs computed once per content object while the site is written.

Pelican recomputes ``article.url`` (and a tag's or category's) from the settings and the metadata
on every access, and a list page mentions hundreds of them: at 2000 posts that is a quarter of the
rendering time. Once every generator has read its content, URLs no longer change, so in the
output stage (parallel_writes rendering pages, the feeds, the sitemap) each one is computed on
first use and remembered on the object, where later stages find it. The classes are restored
afterwards, and the remembered values die with the build's objects.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

_MEMO = "_urls_while_writing"


def _remembered_method(method):
    def get_url_setting(self, key):
        memo = self.__dict__.setdefault(_MEMO, {})
        if key not in memo:
            memo[key] = method(self, key)
        return memo[key]
    return get_url_setting


def _remembered_property(prop: property, name: str) -> property:
    def getter(self):
        memo = self.__dict__.setdefault(_MEMO, {})
        if name not in memo:
            memo[name] = prop.fget(self)
        return memo[name]
    return property(getter)


@contextlib.contextmanager
def urls_computed_once() -> Iterator[None]:
    saved = [(Content, "get_url_setting"), (URLWrapper, "url"), (URLWrapper, "save_as")]
    originals = [(cls, name, cls.__dict__[name]) for cls, name in saved]
    Content.get_url_setting = _remembered_method(Content.__dict__["get_url_setting"])
    URLWrapper.url = _remembered_property(URLWrapper.__dict__["url"], "url")
    URLWrapper.save_as = _remembered_property(URLWrapper.__dict__["save_as"], "save_as")
    try:
        yield
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)
