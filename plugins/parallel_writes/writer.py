"""A Pelican Writer that reuses unchanged pages and renders the rest in parallel across cores.

Generators call ``write_file`` as usual; the calls are recorded, and ``finish()`` (called by
PublishingPelican once every generator has produced its output) plays them back:

1. a dry pass in this process, with no rendering and nothing written, makes Pelican's own
   overwrite checks in Pelican's order, so a clash fails exactly as it would sequentially,
   computes the key of each page the previous build left (render_cache.py), and names the
   output folders to a thread that creates them meanwhile (directories.py);
2. pages whose key and body reads are unchanged since the previous build are hard-linked from
   the previous output (publishing.outputcache), when OUTPUT_CACHE is on;
3. the calls left are cut into batches of about as many pages each (all calls for the same
   file name in one batch, in order; a long listing may be cut between batches), rendered and
   written by short-lived forked children, one per spare core, and by this process itself
   meanwhile; each records which content bodies each page read and computes the keys step 1
   left for later. Whenever a child ends (this process looks between two of its own pages),
   the next batch goes to a new child;
4. once every file exists, a second dry pass sends ``content_written`` for each file, in order,
   in this process, so plugins listening to it see what they would see sequentially.

Output written without ``write_file`` (feeds, calendars, the sitemap) is handed over as a job
(``beside_pages``) and runs in a child of its own as soon as a core is free, so the first one
runs while this process still records and keys the pages. URLs are computed once per object
meanwhile (publishing/urls.py). Forked children inherit the loaded content and compiled
templates, so nothing is pickled. Feeds written through ``write_feed`` are written at once, as
before, and so is everything when RELATIVE_URLS is on.
"""

from __future__ import annotations

import collections
import gc
import io
import json
import logging
import os
import select
import shutil
import signal
import sys
import tempfile
import traceback
from typing import Callable

from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from publishing.outputcache import OutputCache, replace_before_write
from publishing.urls import urls_computed_once

from .directories import FolderMaker
from .render_cache import PageKeys, reads_of_one_page, recording_body_reads

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Processes rendering pages at a time; None means one per core.
    "PARALLEL_WRITES_WORKERS": None,
    # Below this many pages, forking costs more than it saves.
    "PARALLEL_WRITES_MIN_CALLS": 64,
}
# Batches of pages per worker: more, smaller batches keep each child's copied memory small.
BATCHES_PER_WORKER = 8


# A page the previous build did not leave (a cold build, a new post): its key cannot match
# anything, so the dry pass leaves it to the process that renders the page, in parallel.
_LATER = "later"


class _Unrendered:
    """A template stand-in for the dry passes: the paths and contexts, without the rendering."""

    def render(self, context: dict) -> str:
        return ""


class _Keyed(_Unrendered):
    """The first dry pass's stand-in: notes each page's key instead of rendering it."""

    def __init__(self, template, writer: "ParallelWriter", shared: dict) -> None:
        self.template, self.writer, self.shared = template, writer, shared

    def render(self, context: dict) -> str:
        self.writer._note_key(context["output_file"], self.template, self.shared, context)
        return ""


class _Recorded:
    """The rendering pass's stand-in: skips reused pages, records the body reads of the rest,
    and computes the keys the dry pass left for later."""

    def __init__(self, template, writer: "ParallelWriter", shared: dict) -> None:
        self.template, self.writer, self.shared = template, writer, shared

    def render(self, context: dict) -> str:
        writer, name = self.writer, context["output_file"]
        if name in writer._reused or name in writer._elsewhere:
            return ""
        if writer._keys.get(name) is _LATER:
            writer._late_keys[name] = writer._page_keys.key(self.template, self.shared, context)
        with reads_of_one_page() as reads:
            text = self.template.render(context)
        writer._reads[name] = dict(reads)
        writer._start_shares()  # a child may have ended meanwhile: its core is free
        return text


class ParallelWriter(Writer):
    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        config = {k: (settings or {}).get(k, v) for k, v in DEFAULTS.items()}
        self._workers = config["PARALLEL_WRITES_WORKERS"] or os.cpu_count() or 1
        self._min_calls = config["PARALLEL_WRITES_MIN_CALLS"]
        self._calls: list[tuple[tuple, dict]] = []
        self._dry = False
        self._snapshot: tuple[dict | None, dict] = (None, {})
        self._cache = OutputCache(self.settings, "pages", output_path)
        self._keys: dict[str, str | None] = {}
        self._late_keys: dict[str, str | None] = {}
        # Shares waiting for a child: output jobs, then (while pages are written) page batches.
        self._jobs: collections.deque[Callable[[], None]] = collections.deque()
        self._batches: collections.deque[_Batch] = collections.deque()
        # Children at a time: this process always has work of its own (recording and keying
        # pages, then rendering batches too), so it takes one of the cores.
        self._slots = self._workers - 1
        self._in_child = False
        # Forked children still running (pid -> the file it hands its body reads back in).
        self._running: dict[int, str] = {}
        self._reads_folder: str | None = None
        self._forked = 0
        self._failed = 0
        self._page_keys = PageKeys()
        # Pages linked from the previous output: no process writes them.
        self._reused: set[str] = set()
        self._reused_paths: set[str] = set()
        # Pages of the calls being played that another process writes (a cut listing).
        self._elsewhere: set[str] = set()
        self._elsewhere_paths: set[str] = set()
        self._reads: dict[str, dict[str, str]] = {}
        self._pages_of: dict[str, list[str]] = {}
        self._current_call = ""

    def write_file(self, name, template, context, *args, **kwargs) -> None:
        if not name:
            return
        if self.settings.get("RELATIVE_URLS"):
            # Pelican then re-points the shared context at each page while rendering it
            # (context["localsiteurl"]), which only works one page at a time.
            super().write_file(name, template, context, *args, **kwargs)
            return
        self._calls.append(((name, template, self._snapshot_of(context)) + args, kwargs))

    def _snapshot_of(self, context: dict) -> dict:
        # A generator may reuse and change one context dict between its calls, so each call keeps
        # a copy; consecutive calls with an unchanged context share one copy (thousands of
        # copies of a few hundred entries each are most of the writer's memory otherwise).
        last, snapshot = self._snapshot
        if last is not context or len(snapshot) != len(context) or any(
                snapshot.get(key, snapshot) is not value for key, value in context.items()):
            snapshot = dict(context)
            self._snapshot = (context, snapshot)
        return snapshot

    def _note_key(self, name: str, template, shared: dict, context: dict) -> None:
        self._pages_of.setdefault(self._current_call, []).append(name)
        if name in self._keys:  # written twice (override): always render it
            self._keys[name] = None
            return
        if not self._cache.enabled:
            self._keys[name] = None
        elif self._cache.previous(name) is None:
            self._keys[name] = _LATER
        else:
            self._keys[name] = self._page_keys.key(template, shared, context)

    def _open_w(self, filename, encoding, override=False):
        if not self._dry:
            if filename in self._reused_paths or filename in self._elsewhere_paths:
                return io.StringIO()  # linked from the previous output, or not this process's
            replace_before_write(filename)
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
        return io.StringIO()

    def _play(self, calls: list[tuple[tuple, dict]], stand_in) -> None:
        """Replay ``calls`` with ``stand_in(template)`` in place of each template; a dry play
        (``_Unrendered``, ``_Keyed``) writes nothing."""
        self._dry = issubclass(stand_in, _Unrendered)
        try:
            for args, kwargs in calls:
                template = (_Unrendered() if stand_in is _Unrendered
                            else stand_in(args[1], self, args[2]))
                self._current_call = args[0]
                super().write_file(*((args[0], template) + args[2:]), **kwargs)
        finally:
            self._dry = False

    def finish(self) -> None:
        """Render and write every recorded page; raises if any share or job failed."""
        try:
            with urls_computed_once(), recording_body_reads():
                self._finish()
        finally:
            self._reap_all()
            self._remove_reads_folder()
            gc.unfreeze()
        if self._failed:
            raise RuntimeError(f"{self._failed} writing process(es) failed; see the errors above")

    def abandon(self) -> None:
        """The build failed before ``finish``: stop the jobs already running."""
        for pid in list(self._running):
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
            self._running.pop(pid, None)
        self._remove_reads_folder()
        gc.unfreeze()

    def _finish(self) -> None:
        self._start_shares()
        calls, self._calls = self._calls, []
        folders = FolderMaker()
        try:
            with signals.content_written.muted(), folders.named_by_pelican():
                self._play(calls, _Keyed)
            self._reuse_unchanged()
            self._render([call for call in calls if self._renders_something(call)])
        finally:
            folders.close()
        self._save_keys()
        if signals.content_written.receivers:
            self._written_files, self._overridden_files = set(), set()
            self._play(calls, _Unrendered)

    def beside_pages(self, job: Callable[[], None]) -> None:
        """Run ``job`` (output written without ``write_file``: feeds, calendars, the sitemap) in
        a forked child of its own as soon as a core is free, so that the first job runs while
        this process is still working out the pages; with no spare core, in turn with them."""
        if self.settings.get("RELATIVE_URLS"):
            job()
        else:
            self._jobs.append(job)
            self._start_shares()

    def _render(self, pending: list[tuple[tuple, dict]]) -> None:
        self._written_files, self._overridden_files = set(), set()
        self._start_shares()
        if len(pending) < 2 * max(1, self._min_calls) or self._slots < 1:
            while self._jobs:  # too few pages to be worth forking for
                self._jobs.popleft()()
            with signals.content_written.muted():
                self._play(pending, _Recorded)
            return
        if self._cache.enabled:
            # Digest what every page shares once here, not once in every process.
            for call in pending:
                self._page_keys.share(call[0][2])
        self._start_shares()
        _compile_theme(pending[0][0][1].environment)
        self._write_in_parallel(pending)

    def _reuse_unchanged(self) -> None:
        bodies_unchanged = self._page_keys.bodies_unchanged
        for name, key in self._keys.items():
            if key not in (None, _LATER) and self._cache.reuse(name, key, bodies_unchanged):
                self._reused.add(name)
                self._reused_paths.add(self._path_of(name))
        logger.info("Reused %d of %d unchanged pages", len(self._reused), len(self._keys))

    def _path_of(self, name: str) -> str:
        """The path ``_open_w`` is given for the page ``name``."""
        return os.path.abspath(os.path.join(self.output_path, name))

    def _renders_something(self, call: tuple[tuple, dict]) -> bool:
        # A paginated call writes several files; its name is the first page's. Any of its pages
        # not reused means playing the call (the reused pages are skipped inside it).
        name = call[0][0]
        return any(page not in self._reused for page in self._pages_of.get(name, (name,)))

    def _save_keys(self) -> None:
        for name, reads in self._reads.items():
            key = self._keys.get(name)
            if key is _LATER:
                key = self._late_keys.get(name)
            if key is not None:
                self._cache.record(name, key, reads)
        self._cache.save()

    def _write_in_parallel(self, calls: list) -> None:
        """Render ``calls`` in batches: in short-lived forked children (after the jobs still
        waiting), one at a time per spare core, and in this process meanwhile, so that no core
        is idle. A child only copies the memory pages it touches (copy-on-write): small batches
        keep that low, and rendering here spares one child's copies at the peak. Jobs only run
        in children: what they build in memory dies with them."""
        self._batches.extend(_batches(calls, (self._slots + 1) * BATCHES_PER_WORKER,
                                      self._pages_to_write(calls)))
        while self._jobs or self._batches:
            self._start_shares()
            if self._batches:
                self._render_here(self._batches.pop())
            elif self._running:
                self._reap(_ended(list(self._running)))  # only jobs wait: for a free core
        self._reap_all()  # every page's reads and keys are needed before they are saved

    def _start_shares(self) -> None:
        """Take the children that have ended and start waiting shares while cores are free."""
        if self._in_child:
            return
        self._reap_ended()
        while len(self._running) < self._slots and (self._jobs or self._batches):
            self._fork(self._jobs.popleft() if self._jobs else self._batches.popleft())

    def _render_here(self, share: "_Batch") -> None:
        calls, pages = share
        self._leave_others(calls, pages)
        try:
            with signals.content_written.muted():
                self._play(calls, _Recorded)
        finally:
            self._elsewhere, self._elsewhere_paths = set(), set()

    def _leave_others(self, calls: list, pages: set) -> None:
        """Mark the pages of ``calls`` that another process writes."""
        self._elsewhere, self._elsewhere_paths = set(), set()
        for call in calls:
            for page in self._pages_of.get(call[0][0], ()):
                if page not in pages:
                    self._elsewhere.add(page)
                    self._elsewhere_paths.add(self._path_of(page))

    def _fork(self, share: "_Batch | Callable[[], None]") -> None:
        if self._reads_folder is None:
            self._reads_folder = tempfile.mkdtemp(prefix="page-reads-")
        reads_file = os.path.join(self._reads_folder, f"{self._forked}.json")
        self._forked += 1
        sys.stdout.flush()
        sys.stderr.flush()
        # Objects the collector never visits are never written to by it (until finish() ends),
        # so the memory pages the children share with this process stay shared, not copied.
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # child: write this share, never return into the build
            self._child(share, reads_file)
        self._running[pid] = reads_file

    def _remove_reads_folder(self) -> None:
        if self._reads_folder is not None:
            shutil.rmtree(self._reads_folder, ignore_errors=True)
            self._reads_folder = None

    def _pages_to_write(self, calls: list) -> dict[str, list[str]]:
        """For each call, the pages it writes that are not reused, in Pelican's order."""
        return {call[0][0]: [page for page in self._pages_of.get(call[0][0], (call[0][0],))
                             if page not in self._reused] for call in calls}

    def _reap_ended(self) -> None:
        """Take the children that have ended, without waiting."""
        for pid in list(self._running):
            ended, status = os.waitpid(pid, os.WNOHANG)
            if ended:
                self._take(pid, status)

    def _reap_all(self) -> None:
        while self._running:
            self._reap(_ended(list(self._running)))

    def _reap(self, pid: int) -> None:
        """Wait for child ``pid`` and take what it hands back."""
        self._take(pid, os.waitpid(pid, 0)[1])

    def _take(self, pid: int, status: int) -> None:
        """Take an ended child's body reads and keys, or count its failure."""
        reads_file = self._running.pop(pid)
        if os.waitstatus_to_exitcode(status):
            self._failed += 1
            return
        with open(reads_file, encoding="utf-8") as fh:
            reads, keys = json.load(fh)
        self._reads.update(reads)
        self._late_keys.update(keys)

    def _child(self, share: "_Batch | Callable[[], None]", reads_file: str) -> None:
        """Render ``share`` (or run a job), hand the body reads back through ``reads_file``,
        and exit."""
        code = 0
        gc.disable()  # a short life: collecting would only copy more of the parent's memory
        # Forked maybe in the middle of this process's own batch: start from what is this
        # child's alone.
        self._in_child = True
        self._reads, self._late_keys = {}, {}
        self._elsewhere, self._elsewhere_paths = set(), set()
        try:
            if callable(share):
                share()
            else:
                calls, pages = share
                self._leave_others(calls, pages)
                with signals.content_written.muted():
                    self._play(calls, _Recorded)
            with open(reads_file, "w", encoding="utf-8") as fh:
                json.dump([self._reads, self._late_keys], fh)
        except BaseException:  # noqa: BLE001 - reported, then the parent fails the build
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


def _compile_theme(environment) -> None:
    """Load every theme template now: Jinja compiles included and imported templates on first
    use, and every forked child would otherwise compile them all again."""
    for name in environment.list_templates():
        if not name.startswith("!"):  # Pelican's prefixed copies of the built-in themes
            try:
                environment.get_template(name)
            except Exception:  # noqa: BLE001 - a broken template fails where it is used
                logger.debug("Could not precompile %s", name, exc_info=True)


def _ended(pids: list[int]) -> int:
    """One of ``pids`` that has ended, waiting for the first to end: a batch that finishes early
    frees its core at once, whatever started before it."""
    if len(pids) > 1 and hasattr(os, "pidfd_open"):
        handles: dict[int, int] = {}
        try:
            for pid in pids:
                handles[os.pidfd_open(pid)] = pid
            ready, _, _ = select.select(list(handles), [], [])
            return handles[ready[0]]
        except OSError:  # no pidfds here (an old kernel): wait in order
            pass
        finally:
            for handle in handles:
                os.close(handle)
    return pids[0]


# Calls to play, and the pages among theirs this batch writes.
_Batch = tuple[list, set]


def _batches(calls: list, count: int, pages_of: dict[str, list[str]]) -> list[_Batch]:
    """``calls`` cut into about ``count`` batches with about as many pages each, listings first.
    All the calls for one file name stay in one batch (in order), as Pelican's
    overwrite rules need; a paginated call whose pages no other call writes may be cut between
    batches (a listing of a large archive has hundreds of pages)."""
    groups: dict[str, list] = {}
    for call in calls:
        groups.setdefault(call[0][0], []).append(call)
    writers = collections.Counter(page for pages in pages_of.values() for page in pages)
    total = sum(len(pages) for pages in pages_of.values())
    size = max(1, -(-total // max(1, count)))
    batches: list[_Batch] = []
    current: _Batch = ([], set())
    for group in groups.values():
        pages = [page for call in group for page in pages_of[call[0][0]]]
        divisible = len(group) == 1 and all(writers[page] == 1 for page in pages)
        while pages:
            room = size - len(current[1])
            if room <= 0 or (not divisible and current[1] and len(pages) > room):
                batches.append(current)
                current = ([], set())
                continue
            taken = pages[:room] if divisible else pages
            current[0].extend(group)
            current[1].update(taken)
            pages = pages[len(taken):]
    if current[0]:
        batches.append(current)
    # Pelican writes the listings last. Children take batches from the front and this process
    # from the back, so the listings (whose pages touch many posts, and so copy more memory)
    # go to children, whose memory is freed when they end.
    return batches[::-1]


def parallel_writer(pelican) -> type[Writer]:
    """get_writer handler."""
    return ParallelWriter


def register() -> None:
    signals.get_writer.connect(parallel_writer)
