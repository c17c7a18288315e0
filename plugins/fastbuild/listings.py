"""Pelican's per-tag, per-category and per-author lists of posts, answering ``in`` at once.

For each tag, category and author, Pelican writes its page with the posts in date order,
``[post for post in dates if post in posts]``: every post against the whole list of that tag's
posts, millions of comparisons on a site with thousands of posts (vanilla Pelican's too). The
lists are the generator's public ``tags``, ``categories`` and ``authors``; each is replaced in
place by a ``Members`` list with the same items, which answers ``in`` from a set of its items'
identities.
"""

from __future__ import annotations

from .settings import read as read_config


def _default_eq(value: object) -> bool:
    return type(value).__eq__ is object.__eq__


class Members(list):
    """A list whose ``in`` looks its items up by identity: the same answers as a list's, as
    long as neither the item asked for nor any item compares equal to something other than
    itself (Pelican's posts do not); otherwise it asks the list. Any change forgets the set."""

    _ids: frozenset[int] | None = None
    _plain = False

    def __contains__(self, item: object) -> bool:
        ids = self._ids
        if ids is None:
            ids = self._ids = frozenset(map(id, self))
            self._plain = all(map(_default_eq, self))
        if id(item) in ids:
            return True
        if self._plain and _default_eq(item):
            return False
        return list.__contains__(self, item)

    def __reduce_ex__(self, protocol: int) -> tuple:
        # Identities mean nothing in another process: the items alone, the set made anew.
        return Members, (list(self),)


def _forgetting(name: str):
    method = getattr(list, name)

    def changed(self, *args, **kwargs):
        self._ids = None
        return method(self, *args, **kwargs)

    changed.__name__ = name
    return changed


for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append", "extend",
              "insert", "pop", "remove", "clear"):
    setattr(Members, _name, _forgetting(_name))


def index_listings(generator) -> None:
    """article_generator_finalized handler: Pelican has built and sorted the lists (the
    context holds the same objects, changed in place here)."""
    if not read_config(generator.settings).enabled:
        return
    tags = getattr(generator, "tags", None)
    if isinstance(tags, dict):
        for tag, posts in tags.items():
            if type(posts) is list:
                tags[tag] = Members(posts)
    for name in ("categories", "authors"):
        pairs = getattr(generator, name, None)
        if isinstance(pairs, list):
            pairs[:] = [(key, Members(posts)) if type(posts) is list else (key, posts)
                        for key, posts in pairs]
