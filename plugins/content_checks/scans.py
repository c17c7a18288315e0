"""The source-text findings of each file, kept between builds by the hash of the file's bytes.

Scanning every post's text line by line is most of what the content checks cost, and in a warm
build almost every file is unchanged. The findings depend only on the text and on this plugin's
code, and plugins/build_cache gives each version of the code and settings its own CACHE_PATH, so
a file whose bytes hash the same gets the same findings without being scanned. The metadata
checks, and whatever depends on other files (links, images, duplicate slugs), run every build.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from publishing import jsonfile
from .settings import CheckSettings
from .source import Findings, scan

VERSION = 2


class SourceScans:
    """One build's findings per source file, read from and saved to ``<CACHE_PATH>/<name>``."""

    def __init__(self, settings: dict, name: str, checks: CheckSettings) -> None:
        self.checks = checks
        cache_path = settings.get("CACHE_PATH") or ""
        self.path = os.path.join(cache_path, "content_checks", f"{name}.json")
        self._save = bool(cache_path) and bool(settings.get("CACHE_CONTENT"))
        loading = bool(cache_path) and bool(settings.get("LOAD_CONTENT_CACHE"))
        self._old: dict[str, list] = {}
        if loading:
            self._old = jsonfile.load(self.path, VERSION).get("files", {})
        self._new: dict[str, list] = {}

    def findings(self, path: str) -> Findings:
        try:
            data = Path(path).read_bytes()
        except OSError:
            return scan([])
        digest = hashlib.sha256(data).hexdigest()
        known = self._new.get(digest) or self._old.get(digest)
        if known is not None:
            found = Findings(*(tuple(map(tuple, part)) for part in known))
        else:
            found = scan(data, self.checks)
        self._new[digest] = [found.images, found.placeholders, found.problems]
        return found

    def save(self) -> None:
        """Keep the findings of this build's files only, so the cache never outgrows the site."""
        if not self._save:
            return
        jsonfile.save(self.path, VERSION, {"files": self._new})
