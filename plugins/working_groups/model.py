"""The Group object templates and other plugins see (the contract in the shared brief)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Group:
    slug: str
    title: str
    url: str
    save_as: str
    purpose: str
    status: str
    order: int | None
    docs: str | None
    join: str | None
    chat: str | None
    contact: str | None
    image: str | None
    image_alt: str | None
    source_path: str
    posts_url: str
    posts_save_as: str
    # The Pelican content object, kept so the body's {filename} links resolve at write time.
    source: Any = field(repr=False, compare=False)
    recent_limit: int = 10
    # Filled once per build by the references handler (published posts newest first).
    posts: list = field(default_factory=list, repr=False, compare=False)
    upcoming_events: list = field(default_factory=list, repr=False, compare=False)

    @property
    def content(self) -> str:
        return self.source.content

    @property
    def status_label(self) -> str:
        return self.status.capitalize()

    @property
    def recent_posts(self) -> list:
        return self.posts[: self.recent_limit]

    @property
    def post_count(self) -> int:
        return len(self.posts)

    @property
    def has_more_posts(self) -> bool:
        return len(self.posts) > self.recent_limit

    def sort_key(self) -> tuple:
        # Groups without an Order come after the numbered ones, then by title.
        return (self.order is None, self.order or 0, self.title.casefold(), self.slug)
