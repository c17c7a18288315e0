"""Compiled templates kept between builds, through Jinja's own ``bytecode_cache`` option.

A warm build renders only the few pages an edit changed, and compiling the templates they use
would otherwise be most of that rendering. Jinja checks each entry against its template's
source, so an edited template is compiled again.
"""

from __future__ import annotations

import os

from jinja2 import FileSystemBytecodeCache


class CompiledTemplates(FileSystemBytecodeCache):
    def __cache_key__(self) -> str:
        # What pages rendered with it depend on (digest.py): nothing, whatever its folder.
        return "compiled templates on disk"


def keep_compiled(settings: dict) -> None:
    """Give the Jinja environments a bytecode cache in CACHE_PATH, unless one is set."""
    environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
    if "bytecode_cache" in environment or not settings.get("CACHE_PATH"):
        return
    folder = os.path.join(settings["CACHE_PATH"], "templates")
    os.makedirs(folder, exist_ok=True)
    environment["bytecode_cache"] = CompiledTemplates(folder)
    settings["JINJA_ENVIRONMENT"] = environment
