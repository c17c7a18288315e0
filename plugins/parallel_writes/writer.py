"""A Pelican Writer that renders pages in parallel across cores.

Generators call ``write_file`` as usual; the calls are recorded, and ``finish()`` (called by
PublishingPelican once every generator has produced its output) plays them back:

1. a dry pass in this process, with no rendering and nothing written, makes Pelican's own
   overwrite checks in Pelican's order, so a clash fails exactly as it would sequentially;
2. the calls are shared out (all calls for the same file name in one share, in order) between
   this process and forked children, which render their templates and write the files;
3. once every file exists, a second dry pass sends ``content_written`` for each file, in order,
   in this process, so plugins listening to it see what they would see sequentially.

URLs are computed once per object meanwhile (publishing/urls.py). Forked children inherit the loaded content and compiled templates, so nothing is pickled.
Feeds written through ``write_feed`` are written at once, as before, and so is everything when
RELATIVE_URLS is on.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from publishing.urls import urls_computed_once

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Processes rendering pages, this one included; None means one per core.
    "PARALLEL_WRITES_WORKERS": None,
    # Below this many pages, forking costs more than it saves.
    "PARALLEL_WRITES_MIN_CALLS": 64,
}


class _Unrendered:
    """A template stand-in for the dry passes: the paths and contexts, without the rendering."""

    def render(self, context: dict) -> str:
        return ""


class ParallelWriter(Writer):
    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        config = {k: (settings or {}).get(k, v) for k, v in DEFAULTS.items()}
        self._workers = config["PARALLEL_WRITES_WORKERS"] or os.cpu_count() or 1
        self._min_calls = config["PARALLEL_WRITES_MIN_CALLS"]
        self._calls: list[tuple[tuple, dict]] = []
        self._dry = False

    def write_file(self, name, template, context, *args, **kwargs) -> None:
        if not name:
            return
        if self.settings.get("RELATIVE_URLS"):
            # Pelican then re-points the shared context at each page while rendering it
            # (context["localsiteurl"]), which only works one page at a time.
            super().write_file(name, template, context, *args, **kwargs)
            return
        # A snapshot: a generator may reuse and change one context dict between its calls.
        self._calls.append(((name, template, dict(context)) + args, kwargs))

    def _open_w(self, filename, encoding, override=False):
        if not self._dry:
            return super()._open_w(filename, encoding, override)
        # Pelican's own bookkeeping and overwrite errors (Writer._open_w), with nothing written.
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
        elif filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it '
                "previously (set `override=True` if intended)")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return open(os.devnull, "w", encoding=encoding)

    def _play(self, calls: list[tuple[tuple, dict]], dry: bool) -> None:
        self._dry = dry
        try:
            for args, kwargs in calls:
                if dry:
                    args = (args[0], _Unrendered()) + args[2:]
                super().write_file(*args, **kwargs)
        finally:
            self._dry = False

    def finish(self) -> None:
        """Render and write every recorded page; raises if any share failed."""
        with urls_computed_once():
            self._finish()

    def _finish(self) -> None:
        calls, self._calls = self._calls, []
        with signals.content_written.muted():
            self._play(calls, dry=True)
        self._written_files, self._overridden_files = set(), set()
        workers = min(self._workers, max(1, len(calls) // max(1, self._min_calls)))
        if workers <= 1:
            with signals.content_written.muted():
                self._play(calls, dry=False)
        else:
            self._write_in_parallel(calls, workers)
        if signals.content_written.receivers:
            self._written_files, self._overridden_files = set(), set()
            self._play(calls, dry=True)

    def _write_in_parallel(self, calls: list, workers: int) -> None:
        shares: list[list] = [[] for _ in range(workers)]
        owner: dict[str, int] = {}
        for args, kwargs in calls:
            share = owner.setdefault(args[0], len(owner) % workers)
            shares[share].append((args, kwargs))
        sys.stdout.flush()
        sys.stderr.flush()
        children = []
        for share in shares[1:]:
            pid = os.fork()
            if pid == 0:  # child: write this share, never return into the build
                code = 0
                try:
                    with signals.content_written.muted():
                        self._play(share, dry=False)
                except BaseException:  # noqa: BLE001 - reported, then the parent fails the build
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            children.append(pid)
        try:
            with signals.content_written.muted():
                self._play(shares[0], dry=False)
        finally:
            failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])]
        if failed:
            raise RuntimeError(f"{len(failed)} page-writing process(es) failed; see the errors above")


def parallel_writer(pelican) -> type[Writer]:
    """get_writer handler."""
    return ParallelWriter


def register() -> None:
    signals.get_writer.connect(parallel_writer)
