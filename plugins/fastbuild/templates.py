"""Jinja's compiled templates kept in the cache folder from one build to the next.

Each generator makes its own Jinja environment, and each environment compiles every template it
loads, in every build. Jinja's own ``FileSystemBytecodeCache`` (the environment's public
``bytecode_cache`` option, given through Pelican's ``JINJA_ENVIRONMENT``) keeps the compiled
code instead. Jinja reuses an entry only for the same template source and Jinja version; the
environment's options (``trim_blocks``, extensions) are not in its key, but they are settings,
and the cache folder is this configuration's own (fingerprint.py).
"""

from __future__ import annotations

import os

from jinja2 import FileSystemBytecodeCache


class CompiledTemplateFiles(FileSystemBytecodeCache):
    def __cache_key__(self) -> str:
        # What a page rendered with it depends on (digest.py): nothing it holds.
        return "compiled templates"


def keep_compiled(settings: dict) -> None:
    """Give the environments a bytecode cache in CACHE_PATH, unless one is set already (the
    preview keeps its compiled templates in memory)."""
    jinja = settings.get("JINJA_ENVIRONMENT") or {}
    if jinja.get("bytecode_cache") is not None:
        return
    folder = os.path.join(settings["CACHE_PATH"], "templates")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return  # compiled again in every build, as without the cache
    settings["JINJA_ENVIRONMENT"] = {**jinja, "bytecode_cache": CompiledTemplateFiles(folder)}
