"""Keeps Pelican's content cache safe and cheap to use: one cache per set of settings and library
versions, and each source file hashed once per version."""

from pelican import signals

from .fingerprint import namespace_cache
from .stamps import forget, hash_once


def register() -> None:
    signals.initialized.connect(namespace_cache)
    signals.article_generator_init.connect(hash_once)
    signals.page_generator_init.connect(hash_once)
    signals.all_generators_finalized.connect(forget)
