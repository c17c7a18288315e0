"""A Pelican Writer that renders pages in worker processes and reuses unchanged ones.

Generators call ``write_file`` as usual; the calls are recorded, and ``finish()`` (called by
PublishingPelican once every generator has produced its output, or on Pelican's ``finalized``
signal under the plain ``pelican`` command) plays them back through Pelican's own
``write_file``, with a stand-in for each template (``_Page``) that renders the page and notes
the bodies it reads (contents.py).

Each call is keyed by everything ``write_file`` is given: the sources of its template and of
every template that one uses, the template's name and the digest of every variable (digest.py;
content objects without their bodies). When the previous build made the same call, its files
(one, or a listing's pages) are still in the output as it wrote them and every body they read
is unchanged, they are left where they are (``kept``) and the call is not played at all.
The build then updates the output file by file instead of swapping in a whole new tree
(publishing.site), so an unchanged page costs neither a write nor a folder.

A call that is played renders all its pages. A listing's pages are made from its call's
variables and the site's context, which holds every post's metadata: whatever changes the
call's key changes its pages too, except a body one of them shows (a post with no Summary);
this site requires a Summary, so a body edit plays no listing. Calls that share a file name
are always played (Pelican's overwrite rules decide between them).

The calls are cut into batches (all calls for one file name in one batch, in order, so that
Pelican's overwrite rules hold), played in FORKS rounds, each by a newly forked worker that
inherits the recorded calls and takes batches from the front (in the first round after the jobs
handed over by ``beside_pages``: feeds, calendars, the sitemap), and by this process from the
back, starting on the heaviest batch, put last in the first round. Where workers
are not forked (spawn on macOS and Windows), with one worker, few pages, or a plugin listening
to ``content_written`` (it must see every file in this process), the calls are played here.
Keys and reads come back to this process, which saves them for the next build.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import inspect
import logging
import operator
import weakref
from typing import Callable

from jinja2 import TemplateNotFound, meta, nodes
from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from publishing import collector
from publishing.problems import WRITING_ERRORS, ContentError, output_problem

from . import pool
from .contents import bodies_unchanged, fix_urls, forget as forget_digests, reads_of_one_page
from .digest import ContextDigest, Uncacheable
from .fingerprint import IGNORED
from .outputcache import OutputCache, make_key
from .settings import read as read_config

logger = logging.getLogger(__name__)
# Batches per worker: smaller batches even out the workers' loads at the end.
BATCHES_PER_WORKER = 8
# Page workers forked one after the other, each for a share of the batches. A forked worker
# copies every page of this process's memory it touches (reference counts are writes), so one
# that renders the whole site ends up holding a second copy of it; a fresh fork shares it again.
FORKS = 2
# Context variables whose order means nothing: Pelican builds ``staticfiles`` partly from a set,
# so its order changes from one process to the next (and static_content holds the same files).
UNORDERED = frozenset({"staticfiles"})

# The writer whose calls the workers play (forked workers inherit it).
_current: "FastWriter | None" = None
# Writers with calls not yet played (finished on ``finalized`` under the plain pelican command).
_unfinished: "weakref.WeakSet[FastWriter]" = weakref.WeakSet()

# (page, key, reads, kept) for each page; kept: left in the output, not rendered.
Written = list[tuple[str, "str | None", dict, bool]]
# (file name, key, the pages written) for each call keyed.
Calls = list[tuple[str, str, list[str]]]
# What Pelican's write_file is given, by name: a call's key covers all of it.
_WRITE_FILE = inspect.signature(Writer.write_file)


class PageKeys:
    """Keys of the pages of one build."""

    def __init__(self) -> None:
        self.digest = ContextDigest()
        self._themes: dict[tuple[int, str], str] = {}
        self._shared: dict[int, tuple[dict, bytes]] = {}
        # The templates each template source names (every generator has its own environment,
        # all loading the same theme: each source is parsed once).
        self._named: dict[str, tuple | None] = {}

    def _variables(self, items) -> bytes:
        return self.digest.of_items(
            (name, frozenset(value) if name in UNORDERED else value) for name, value in items
            if name not in IGNORED)

    def _shared_digest(self, shared: dict) -> bytes:
        memo = self._shared.get(id(shared))
        if memo is None:
            memo = self._shared[id(shared)] = (shared, self._variables(shared.items()))
        return memo[1]

    def shared(self, shared: dict) -> None:
        """Digest the context ``shared`` now (pages made from it then reuse the digest)."""
        try:
            self._shared_digest(shared)
        except Uncacheable:
            pass

    def _theme(self, environment, name: str) -> str:
        """The sources of template ``name`` and of every template it extends, includes or
        imports, however deep (Jinja's own ``meta.find_referenced_templates``); every template
        the environment can load when one of them names another by a variable. An edit to
        ``article.html`` then renders the posts again, not the listings."""
        key = self._themes.get((id(environment), name))
        if key is None:
            sources = _referenced(environment, name, self._named) if name else None
            if sources is None:
                sources = {each: _source(environment, each)
                           for each in environment.list_templates()}
            key = self._themes[(id(environment), name)] = make_key(
                *(part for each in sorted(sources) for part in (each, sources[each])))
        return key

    def of_call(self, template, context: dict, arguments: dict) -> str | None:
        """The key of a ``write_file`` call: ``template``, ``context`` (shared by many calls,
        digested once) and the call's other ``arguments``; None when one has no stable digest."""
        try:
            common = self._shared_digest(context)
            own = self._variables(arguments.items())
        except Uncacheable:
            return None
        return make_key("call", self._theme(template.environment, template.name), template.name,
                        common, own)


# The source of a template that cannot be loaded ("ignore missing"): creating it must show.
MISSING = "\0missing"


def _source(environment, name: str) -> str:
    try:
        return environment.loader.get_source(environment, name)[0]
    except TemplateNotFound:
        return MISSING


def _referenced(environment, name: str,
                memo: dict[str, tuple | None]) -> dict[str, str] | None:
    """``name`` and the templates it uses, transitively, with their sources; None when one is
    named by a variable (any template could be it). Used means extended, included or imported
    (Jinja's ``meta.find_referenced_templates``), or named by a string given to a function it
    calls (a helper that renders a template for it: publishing.templating's
    ``page_independent``)."""
    known = set(environment.list_templates())
    found: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found[current] = source = _source(environment, current)
        if source == MISSING:
            continue
        if source not in memo:
            memo[source] = _named(environment, source)
        if memo[source] is None:
            return None
        named, strings = memo[source]
        todo += named + [string for string in strings if string in known]
    return found


def _named(environment, source: str) -> tuple[list[str], list] | None:
    """The templates ``source`` extends, includes or imports, and the constants it passes to
    functions; None when it names a template by a variable."""
    tree = environment.parse(source)
    named = list(meta.find_referenced_templates(tree))
    if None in named:
        return None
    strings = [argument.value for call in tree.find_all(nodes.Call)
               for argument in [*call.args, *(keyword.value for keyword in call.kwargs)]
               if isinstance(argument, nodes.Const) and isinstance(argument.value, str)]
    return named, strings


class _Page:
    """The template Pelican's ``write_file`` is given: renders, and notes the bodies read."""

    def __init__(self, template, writer: "FastWriter", key: str | None) -> None:
        self.template, self.writer, self.key = template, writer, key

    def render(self, context: dict) -> str:
        with reads_of_one_page() as reads:
            text = self.template.render(context)
        self.writer.written.append((context["output_file"], self.key, dict(reads), False))
        return text


class FastWriter(Writer):
    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.config = read_config(self.settings)
        self.cache = OutputCache(self.settings, "pages", output_path)
        self.keys = PageKeys()
        self.written: Written = []
        self._calls: list[tuple[tuple, dict]] = []
        self._jobs: list[Callable[[], None]] = []
        self._snapshot: tuple[dict | None, dict] = (None, {})
        # The names only one call writes (set when the calls are played).
        self._single: set[str] = set()
        # The files of the previous output left in place (see the module docstring).
        self.kept: set[str] = set()
        _unfinished.add(self)
        fix_urls(True)

    def write_file(self, name, template, context, *args, **kwargs) -> None:
        if not name:
            return
        if self.settings.get("RELATIVE_URLS"):
            # Pelican then re-points the shared context at each page while rendering it
            # (context["localsiteurl"]), which only works one page at a time, in order.
            super().write_file(name, template, context, *args, **kwargs)
            return
        self._calls.append(((name, template, self._snapshot_of(context)) + args, kwargs))

    def beside_pages(self, job: Callable[[], None]) -> None:
        """Run ``job`` (output written without ``write_file``: feeds, calendars, the sitemap)
        with the pages, in a worker when they have workers. It must only write files: anything
        it changes in memory may be lost with its process."""
        if self.settings.get("RELATIVE_URLS"):
            job()
        else:
            self._jobs.append(job)

    def _snapshot_of(self, context: dict) -> dict:
        # A generator may reuse and change one context dict between its calls, so each call keeps
        # a copy; consecutive calls with an unchanged context share one copy.
        last, snapshot = self._snapshot
        if last is not context or not _same_values(snapshot, context):
            snapshot = dict(context)
            self._snapshot = (context, snapshot)
        return snapshot

    def finish(self) -> None:
        """Write every recorded page and run every job; raises what any of them raised."""
        _unfinished.discard(self)
        calls, jobs = self._calls, self._jobs
        self._calls, self._jobs = [], []
        names = collections.Counter(args[0] for args, _ in calls)
        self._single = {name for name, count in names.items() if count == 1}
        try:
            played = self._in_workers(calls, jobs)
            if played is None:
                # Pages first: they must not see what a job may leave in memory (they do not
                # in workers either).
                played = self.play(calls)
                for job in jobs:
                    job()
        finally:
            fix_urls(False)
        written, keyed = played
        for name, key, reads, kept in written:
            if kept:
                self.cache.keep(name, key, reads)
            elif key is not None:
                self.cache.record(name, key, reads)
        for name, key, pages in keyed:
            self.cache.record_call(name, key, pages)
        self.kept = set(self.cache.kept)
        logger.info("Left %d of %d pages in place, unchanged", len(self.kept), len(written))
        self.cache.save()

    def abandon(self) -> None:
        """The build failed or was stopped: forget the calls, and the source digests noted
        while writing (a long-running preview builds again with the same process)."""
        _unfinished.discard(self)
        self._calls, self._jobs = [], []
        fix_urls(False)
        forget_digests()

    def play(self, calls: list[tuple[tuple, dict]]) -> tuple[Written, Calls]:
        """Play ``calls`` through Pelican's write_file in this process (or keep their files)."""
        self.written = []
        keyed: Calls = []
        for args, kwargs in calls:
            arguments = _WRITE_FILE.bind(self, *args, **kwargs).arguments
            key = self._call_key(args, arguments)
            kept = self._unchanged(args[0], key) if key else None
            if kept is not None:
                self.written += [(page, *previous, True) for page, previous in kept.items()]
                keyed.append((args[0], key, list(kept)))
                continue
            first = len(self.written)
            super().write_file(args[0], _Page(args[1], self, key), *args[2:], **kwargs)
            if key:
                keyed.append((args[0], key, [done[0] for done in self.written[first:]]))
        return self.written, keyed

    def _call_key(self, args: tuple, arguments: dict) -> str | None:
        """The key of a call (``arguments``: what ``write_file`` is given, by name) that alone
        writes its file name; None for any other, or when a plugin listens to
        ``content_written`` (it must see every file written)."""
        if (not self.cache.enabled or args[0] not in self._single
                or signals.content_written.receivers or arguments.get("relative_urls")):
            return None
        own = {name: value for name, value in arguments.items()
               if name not in ("self", "template", "context", "kwargs")}
        return self.keys.of_call(args[1], args[2], {**arguments.get("kwargs", {}), **own})

    def _unchanged(self, name: str, key: str) -> dict[str, tuple[str, dict]] | None:
        """{page: (its key, the bodies it read)} for the pages the previous build's call
        ``name`` wrote, if it was made from ``key`` and all of them are as it left them."""
        call = self.cache.previous_call(name)
        if call is None or call[0] != key:
            return None
        pages = {}
        for page in call[1]:
            previous = self.cache.previous(page)
            if previous is None or not bodies_unchanged(previous[1]):
                return None
            pages[page] = previous
        return pages

    def _play_round(self, batches: list, results: list, first: int, last: int,
                    jobs: list) -> bool:
        """Batches ``first`` to ``last`` (and ``jobs``) by a newly forked pool and this process;
        False when no pool could be started (nothing was done)."""
        # This process renders too, so one worker fewer (and its copy of the memory it touches).
        executor = pool.start(self.config.processes - 1, "pages")
        if executor is None:
            return False
        try:
            futures = [executor.submit(_run_job, i) for i in range(len(jobs))]
            pending = {number: executor.submit(_play_batch, batches[number])
                       for number in range(first, last)}
            # The workers take batches from the front, this process from the back.
            for number in reversed(range(first, last)):
                if pending[number].cancel():
                    results[number] = _play_batch(batches[number])
            for number in range(first, last):
                if results[number] is None:
                    results[number] = pending[number].result()
            for future in futures:
                future.result()
        except pool.BROKEN as error:
            # What the broken pool had not finished is done here; jobs only write whole files,
            # so one run again does no harm.
            pool.failed("pages", error)
            for number in range(first, last):
                if results[number] is None:
                    results[number] = _play_batch(batches[number])
            for index in range(len(jobs)):
                _run_job(index)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        return True

    def _pages(self, call: tuple[tuple, dict]) -> int:
        """About how many pages ``call`` writes: a paginated listing, one per page of posts."""
        kwargs = call[1]
        paginated = self.settings.get("PAGINATED_TEMPLATES") or {}
        if kwargs.get("template_name") not in paginated:
            return 1
        per_page = paginated[kwargs["template_name"]] or self.settings.get("DEFAULT_PAGINATION")
        return max(1, -(-len(kwargs.get("articles") or ()) // per_page)) if per_page else 1

    def _in_workers(self, calls: list, jobs: list) -> tuple[Written, Calls] | None:
        """Play ``calls`` and run ``jobs`` in forked workers; None when they are to be done here
        (see the module docstring)."""
        workers = self.config.processes
        if (workers < 2 or len(calls) < self.config.min_pages or signals.content_written.receivers
                or not pool.workers_inherit_memory()):
            return None
        global _current
        batches = _batches(calls, workers * BATCHES_PER_WORKER)
        # The heaviest batch (Pelican's listings: their calls come one after the other) goes
        # last in the first round, so that this process, which plays a round from its back,
        # starts with it while the worker runs the jobs, instead of playing it alone at the end
        # of the build. (A worker playing it would copy the memory of every post it lists.)
        if batches:
            weights = [sum(self._pages(calls[index]) for index in batch) for batch in batches]
            heaviest = batches.pop(weights.index(max(weights)))
            batches.insert(_rounds(len(batches) + 1, FORKS)[0][1] - 1, heaviest)
        _current = self
        self._played = calls
        self._to_run = jobs
        if self.cache.enabled:
            # Digested here once, before the fork, instead of once in every process: the
            # context a page is made from holds every post, and every page shares it.
            for args, _ in calls:
                self.keys.shared(args[2])
        # Objects the collector never visits are never written to by it, so the memory the
        # workers share with this process stays shared instead of being copied. With the site
        # frozen, a collection walks only what rendering made since: Python's own thresholds
        # then cost little and free each page's garbage as it goes.
        gc.freeze()
        thresholds = gc.get_threshold()
        collector.as_usual()
        results: list = [None] * len(batches)
        try:
            for first, last in _rounds(len(batches), FORKS):
                if not self._play_round(batches, results, first, last, jobs if first == 0 else []):
                    if first == 0:
                        return None
                    for number in range(first, last):  # no new worker: the rest here
                        results[number] = _play_batch(batches[number])
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            _current = None
        written: Written = []
        keyed: Calls = []
        by_batch: dict[str, int] = {}
        for number, (batch_written, batch_keyed) in enumerate(results):
            for page in batch_written:
                if by_batch.setdefault(page[0], number) != number:  # Pelican's rule, across batches
                    raise FileOverwriteFailedError(
                        f'Failed to overwrite "{page[0]}" as Pelican has already written to it '
                        "previously")
                written.append(page)
            keyed += batch_keyed
        return written, keyed


def _same_values(snapshot: dict, context: dict) -> bool:
    """True when ``context`` holds the very objects ``snapshot`` does, under the same names in
    the same order. Every call is checked and a context holds a few hundred values: the
    comparisons run in C (``operator.is_``), never calling a value's ``__eq__``."""
    return (len(snapshot) == len(context) and list(snapshot) == list(context)
            and all(map(operator.is_, snapshot.values(), context.values())))


@contextlib.contextmanager
def _named_problems():
    """An error content can cause, raised as the problem naming its source file. The source is
    found in the traceback, which stays in the worker process that raised it: a worker must
    name it there, as the build does for what it writes itself."""
    try:
        yield
    except WRITING_ERRORS as error:
        raise ContentError([output_problem(error)]) from error


def _run_job(index: int) -> None:
    with _named_problems():
        _current._to_run[index]()


def _play_batch(indices: list[int]) -> tuple[Written, Calls]:
    writer = _current
    with _named_problems():
        return writer.play([writer._played[i] for i in indices])


def _rounds(count: int, forks: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into ``forks`` runs of consecutive indices (first, last)."""
    size = max(1, -(-count // max(1, forks)))
    return [(start, min(count, start + size)) for start in range(0, count, size)]


def _batches(calls: list, count: int) -> list[list[int]]:
    """Indices of ``calls`` cut into about ``count`` batches of about as many calls each, in
    order; all the calls for one file name stay in one batch, in order. (Weighing a listing by
    its pages made a cold build 3-4% faster but its peak memory 5% larger, beyond twice
    vanilla Pelican's; see plugins/fastbuild/README.md.)"""
    groups: dict[str, list[int]] = collections.defaultdict(list)
    for index, (args, _) in enumerate(calls):
        groups[args[0]].append(index)
    size = max(1, -(-len(calls) // max(1, count)))
    batches: list[list[int]] = []
    current: list[int] = []
    for indices in groups.values():
        if current and len(current) + len(indices) > size:
            batches.append(current)
            current = []
        current.extend(indices)
    if current:
        batches.append(current)
    return batches


def fast_writer(pelican) -> type[Writer] | None:
    """get_writer handler."""
    return FastWriter if read_config(pelican.settings).enabled else None


def finish_writers(*_args) -> None:
    """finalized handler: under the plain ``pelican`` command nobody calls ``finish``."""
    for writer in list(_unfinished):
        writer.finish()
