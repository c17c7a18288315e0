"""The output's folders, created by a background thread while the pages are worked out.

Every page of this site is ``<url>/index.html``, so a build creates thousands of folders, and on a
slow disk (a virtual machine's, say) creating one takes far longer than rendering a page. Pelican
creates each page's folder just before writing it. Here the dry pass only names the folders; a
thread creates them meanwhile (the system call releases the GIL), so that waiting on the disk
overlaps with computing keys and rendering. A writer that gets ahead of the thread creates its
folder itself: ``exist_ok`` makes the two harmless to each other.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import types
from typing import Iterator

from pelican import writers


class FolderMaker:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._seen: set[str] = set()
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="output-folders", daemon=True)
        self._thread.start()

    def want(self, path: str) -> None:
        if path not in self._seen:
            self._seen.add(path)
            self._queue.put(path)

    def _run(self) -> None:
        while (path := self._queue.get()) is not None:
            try:
                os.makedirs(path, exist_ok=True)
            except OSError as error:  # reported by close(); the writer's own makedirs retries
                self._error = self._error or error

    def close(self) -> None:
        """Wait for every folder asked for; the first failure (if any) is raised."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    @contextlib.contextmanager
    def named_by_pelican(self) -> Iterator[None]:
        """While active, Pelican's writer names folders to this maker instead of creating them."""
        module_os = writers.os
        proxy = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)
                                         if not name.startswith("__")})
        proxy.makedirs = lambda path, mode=0o777, exist_ok=False: self.want(path)
        writers.os = proxy
        try:
            yield
        finally:
            writers.os = module_os
