"""``make devserver``: a live preview that follows every save.

Two processes. The one started from the terminal serves the output folder with the live-reload
script and tells the open tabs what changed (publishing/livereload.py). The builder process,
which it starts and starts afresh after an edit of the settings or of a plugin (only a new
process picks those up), keeps the site in memory (publishing/preview.py) and, after each save,
renders the edited page at once, rebuilds, sends the changed files over a pipe, then re-indexes
the search in the background. The builder runs no thread of its own, so the build may start
worker processes the fastest way the platform allows, and serving never waits for the build.

Ctrl-C (or SIGTERM) stops both processes and everything they started.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Iterable

from fastbuild import place_search_index, plan_search_index, read_config, usable_cpus
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .livereload import Broadcast, make_server
from .preview import SEARCH_INDEX, Preview, Superseded
from .problems import ContentError, display_path
from .treesync import Changes

logger = logging.getLogger(__name__)

# The builder's exit code that asks for a new builder process.
RESTART = 3
# The builder's exit code when the settings or a plugin cannot be loaded: the server keeps
# serving the last good build and starts a new builder at the next edit to either.
CANNOT_LOAD = 4
# After a change, wait this long for more before acting (an editor saving several files).
STEP_MS = 30
# How often the builder looks at the settings files and at the search indexer; also the longest
# a rebuild waits at each of its checkpoints to hear of a newer save (preview.CHECKPOINTS).
POLL_MS = 40
# After rendering an edited page at once, the rebuild waits this long: the open tab reloads
# meanwhile without sharing the CPUs with it.
RELOAD_GRACE_S = 0.4


def port_in_use_message(bind: str, port: int, command: str = "devserver") -> str:
    return (f"{command}: port {port} on {bind} is already in use (another devserver or "
            f"`make serve`?). Stop it, or pick another port: make {command} PORT={port + 1}")


def _stop_on_sigterm() -> None:
    """SIGTERM (and Windows' Ctrl-Break) end the process the way Ctrl-C does, so cleanup runs."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def serve(settings_file: str, overrides: dict, bind: str, port: int) -> int:
    """Serve with live reload until Ctrl-C, with a builder process (a new one after a restart)."""
    settings = read_settings(settings_file, override=overrides)
    output = Path(settings["OUTPUT_PATH"])
    output.mkdir(parents=True, exist_ok=True)
    broadcast = Broadcast(uuid.uuid4().hex)
    try:
        server = make_server(bind, port, output, broadcast)
    except OSError:
        print(port_in_use_message(bind, port), file=sys.stderr)
        return 1
    threading.Thread(target=server.serve_forever, name="devserver-http", daemon=True).start()
    host = f"[{bind}]" if ":" in bind else bind
    print(f"Preview at http://{host}:{server.server_port}/ (Ctrl-C to stop)", file=sys.stderr,
          flush=True)
    _stop_on_sigterm()
    spawn = multiprocessing.get_context("spawn")
    child = None
    try:
        while True:
            loaded = _code_stamps(settings_file, settings)
            receiver, sender = spawn.Pipe(duplex=False)
            child = spawn.Process(target=_builder_process, name="devserver-builder",
                                  args=(settings_file, overrides, sender))
            child.start()
            sender.close()
            code = _relay(child, receiver, broadcast)
            if code == CANNOT_LOAD:
                while _code_stamps(settings_file, settings) == loaded:
                    time.sleep(0.3)
            elif code != RESTART:
                return code or 0
            print("devserver: settings or plugins changed; restarting the builder",
                  file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        return 0
    finally:
        if child is not None:
            _stop(child)
        broadcast.close()
        server.shutdown()
        server.server_close()


def _stamps(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of each file of ``paths`` that is there."""
    stamps = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return stamps


def _code_stamps(settings_file: str, settings: dict) -> dict[str, tuple[int, int]]:
    """The stamps of each settings file and plugin module: a builder that could not load them
    waits for an edit to one of them."""
    files = list(Path(settings_file).resolve().parent.glob("*.py"))
    for folder in settings.get("PLUGIN_PATHS", []):
        files += Path(folder).rglob("*.py")
    return _stamps(files)


def _relay(child: multiprocessing.process.BaseProcess, receiver, broadcast: Broadcast) -> int:
    """Pass the builder's news to the tabs until it exits; its exit code."""
    while True:
        # A bounded wait: Ctrl-C is only noticed between two waits on some platforms.
        if receiver.poll(0.5):
            try:
                kind, data = receiver.recv()
            except EOFError:
                break
            if kind == "ready":
                broadcast.ready.set()
            elif kind == "changed":
                broadcast.changed(data["paths"], data["moved"])
            elif kind == "problems":
                broadcast.problems(data)
        elif not child.is_alive():
            break
    child.join()
    return child.exitcode


def _stop(child: multiprocessing.process.BaseProcess) -> None:
    """Stop the builder and let it stop what it started. A terminal's Ctrl-C reaches it too; a
    SIGTERM sent to this process alone is passed on (SIGTERM ends it as Ctrl-C does)."""
    child.join(1)
    if child.is_alive():
        child.terminate()
        child.join(10)
    if child.is_alive():
        child.kill()
        child.join()


class Tabs:
    """The builder's side of the pipe to the server: what the open tabs should hear."""

    def __init__(self, sender) -> None:
        self.sender = sender

    def _send(self, kind: str, data: object) -> None:
        try:
            self.sender.send((kind, data))
        except OSError:  # the server process is gone: stop too
            raise KeyboardInterrupt from None

    def ready(self) -> None:
        self._send("ready", None)

    def changed(self, paths: list[str], moved: dict[str, str] | None = None) -> None:
        if paths:
            self._send("changed", {"paths": paths, "moved": moved or {}})

    def problems(self, problems: list[str]) -> None:
        self._send("problems", problems)


def _builder_process(settings_file: str, overrides: dict, sender) -> None:
    # Started by spawn (a fresh interpreter reads edited plugins), this process inherits spawn
    # as its own start method; its page workers are started the platform's own way instead
    # (forked on Linux, where they inherit the site in memory; without them the builder
    # renders every page alone).
    multiprocessing.set_start_method(None, force=True)
    init_logging(level=logging.WARNING, name="pelican")
    _stop_on_sigterm()
    tabs = Tabs(sender)
    try:
        code = run_builder(settings_file, overrides, tabs)
    except KeyboardInterrupt:
        code = 0
    except Exception as error:  # noqa: BLE001 - settings or a plugin that cannot be loaded
        problem = load_error(error)
        print(f"{problem}\ndevserver: the preview shows the last good build; it builds again "
              "when you save the settings or a plugin", file=sys.stderr, flush=True)
        try:
            tabs.problems([problem])
        except KeyboardInterrupt:
            pass
        code = CANNOT_LOAD
    sys.exit(code)


def load_error(error: BaseException) -> str:
    """``path:line: message`` for settings or a plugin that cannot be loaded: where Python
    could not read the code, or the last line of it that ran."""
    message = f"{type(error).__name__}: {error}"
    if isinstance(error, SyntaxError) and error.filename:
        return f"{display_path(error.filename)}:{error.lineno}: {type(error).__name__}: {error.msg}"
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        return f"{display_path(frames[-1].filename)}:{frames[-1].lineno}: {message}"
    return message


class _Restart(Exception):
    pass


class Watched:
    """The folders the preview process watches, and the settings files it polls (an editor that
    saves by renaming replaces the file a watcher of that one file would follow)."""

    def __init__(self, settings_file: str, settings: dict) -> None:
        self.content = Path(settings["PATH"]).resolve()
        self.theme = Path(settings["THEME"]).resolve()
        self.plugins = [Path(p).resolve() for p in settings.get("PLUGIN_PATHS", [])]
        self.settings_folder = Path(settings_file).resolve().parent
        self._settings_stamp = self._stamp()

    @property
    def folders(self) -> list[Path]:
        return [p for p in (self.content, self.theme, *self.plugins) if p.is_dir()]

    def _stamp(self) -> dict[str, tuple[int, int]]:
        return _stamps(self.settings_folder.glob("*.py"))

    def check_restart(self, changes: set) -> None:
        """Raise _Restart when a plugin or a settings file changed."""
        for _, path in changes:
            if any(_inside(Path(path), folder) for folder in self.plugins):
                raise _Restart(path)
        if self._stamp() != self._settings_stamp:
            raise _Restart("settings")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return False
    return True


class Saves:
    """The watcher's batches of changed files, one after the other. ``pending`` is what a
    running rebuild asks at its checkpoints: it looks for a newer save (waiting at most
    POLL_MS) and keeps it for the loop."""

    def __init__(self, batches) -> None:
        self._batches = batches
        self._kept: list[set] = []

    def pending(self) -> bool:
        if not self._kept:
            batch = next(self._batches)
            if batch:
                self._kept.append(batch)
        return bool(self._kept)

    def __iter__(self) -> "Saves":
        return self

    def __next__(self) -> set:
        return self._kept.pop(0) if self._kept else next(self._batches)

    def close(self) -> None:
        self._batches.close()


def listed(names: Iterable[str], shown: int = 3) -> str:
    """``names`` for one terminal line: the first few in order, then how many more (a checkout
    of another branch changes hundreds)."""
    ordered = sorted(set(names))
    more = f" (and {len(ordered) - shown} more)" if len(ordered) > shown else ""
    return ", ".join(ordered[:shown]) + more


def editors_files_apart():
    """watchfiles' own filter (vim's swap files, backups ending in ~, emacs's lock files), and
    emacs's auto-save files, #name#, which it writes every few hundred keystrokes: each would
    be a rebuild of nothing."""
    import watchfiles

    patterns = watchfiles.DefaultFilter.ignore_entity_patterns
    return watchfiles.DefaultFilter(ignore_entity_patterns=(*patterns, r"^#.*#$"))


def saved(batch: set) -> set:
    """The changes of ``batch`` left once an editor's own passing files are set aside: a file
    created and gone again within the batch (vim's ``4913`` probe, gedit's
    ``.goutputstream-*`` before its rename over the real file) changed no source, and named
    first in "Changed:" it hid the file that was saved."""
    import watchfiles

    added = {path for change, path in batch if change == watchfiles.Change.added}
    return {(change, path) for change, path in batch
            if os.path.lexists(path) or (change == watchfiles.Change.deleted and path not in added)}


def run_builder(settings_file: str, overrides: dict, tabs: Tabs) -> int:
    """The builder: build, then follow the saves until Ctrl-C or a restart."""
    import watchfiles

    settings = read_settings(settings_file, override=overrides)
    watched = Watched(settings_file, settings)
    batches = Saves(watchfiles.watch(*watched.folders, watch_filter=editors_files_apart(),
                                     step=STEP_MS, rust_timeout=POLL_MS,
                                     yield_on_timeout=True, raise_interrupt=True))
    preview = Preview(settings, superseded=batches.pending)
    indexer = SearchIndexer(preview.mirror, preview.output, preview.mirror.with_name("search-index"),
                            read_config(settings).search_part_pages)
    try:
        next(batches)  # watching from here on: a save during the first build is seen
        print("Building the site", file=sys.stderr, flush=True)
        changes = _rebuild(preview, tabs, settings)
        tabs.ready()
        built = changes is not None and changes is not STOPPED
        if built and (changes or not (preview.output / SEARCH_INDEX).is_dir()):
            indexer.start()
        # A source changed since the last good build read them all (a theme edit alone is
        # then not enough reason to skip reading).
        unread = False
        for batch in batches:
            watched.check_restart(batch)
            indexer.poll()
            batch = saved(batch)
            if not batch:
                continue
            indexer.cancel()
            started = time.perf_counter()
            print(f"Changed: {listed({display_path(path) for _, path in batch}, 1)}",
                  file=sys.stderr, flush=True)
            edited = [Path(path) for change, path in batch
                      if change != watchfiles.Change.deleted and Path(path).is_file()]
            quick = preview.render_edited(edited)
            if quick:
                tabs.changed(quick)
                print(f"Rendered {listed(quick)} in {time.perf_counter() - started:.2f} s",
                      file=sys.stderr, flush=True)
                time.sleep(RELOAD_GRACE_S)
            theme_only = all(_inside(Path(path), watched.theme) for _, path in batch)
            unread = unread or not theme_only
            changes = _rebuild(preview, tabs, settings, theme_only=theme_only and not unread)
            if changes is STOPPED:
                continue  # the newer save comes next
            if changes is not None:  # a good build: it read every source as it is now
                unread = False
            if quick or (changes and any(p.endswith(".html") for p in _paths(changes))):
                indexer.start()
    except _Restart:
        return RESTART
    finally:
        indexer.cancel()
        batches.close()
    return 0


# What _rebuild gives for a rebuild stopped by a newer save.
STOPPED = Changes()


def _rebuild(preview: Preview, tabs: Tabs, settings: dict,
             theme_only: bool = False) -> Changes | None:
    """Rebuild and tell the tabs; on failure report the problems, keep the last good pages."""
    started = time.perf_counter()
    try:
        changes = preview.build(theme_only)
    except Superseded:
        print(f"Rebuild stopped after {time.perf_counter() - started:.2f} s: a newer save "
              "comes first", file=sys.stderr, flush=True)
        return STOPPED
    except ContentError as error:
        problems = [str(problem) for problem in error.problems]
    except Exception as error:  # a template or plugin error: the preview keeps running
        problems = [describe_error(error, settings)]
        logger.debug("build failed", exc_info=True)
    else:
        tabs.problems([])
        tabs.changed(changes.written + changes.deleted, preview.moved)
        print(f"Rebuilt in {time.perf_counter() - started:.2f} s: {len(changes.written)} files "
              f"written, {len(changes.deleted)} deleted", file=sys.stderr, flush=True)
        return changes
    restored = preview.restore()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s); the preview shows the last good build.", file=sys.stderr,
          flush=True)
    tabs.problems(problems)
    tabs.changed(_paths(restored))
    return None


def _paths(changes: Changes) -> list[str]:
    return changes.written + changes.deleted


def describe_error(error: BaseException, settings: dict) -> str:
    """``path:line: message`` for an error raised while building, pointing at the template or
    source file it came from when there is one (Jinja puts template lines in tracebacks; a
    worker process's traceback comes as the text of the error's cause)."""
    from jinja2 import TemplateSyntaxError

    message = f"{type(error).__name__}: {error}"
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{display_path(error.filename)}:{error.lineno}: {message}"
    frames = [(frame.filename, frame.lineno) for frame in traceback.extract_tb(error.__traceback__)]
    remote = getattr(error.__cause__, "tb", None)
    if isinstance(remote, str):
        frames += [(path, int(line)) for path, line in _FRAME.findall(remote)]
    roots = [Path(settings["THEME"]).resolve(), Path(settings["PATH"]).resolve()]
    for path, line in reversed(frames):
        if any(_inside(Path(path), root) for root in roots):
            return f"{display_path(path)}:{line}: {message}"
    if frames:
        return f"{display_path(frames[-1][0])}:{frames[-1][1]}: {message}"
    return message


_FRAME = re.compile(r'File "([^"]+)", line (\d+)')


class SearchIndexer:
    """Indexes the preview's copy of the site for search in the background, in parts as
    ``make html`` does (fastbuild's search index: Pagefind runs only for the parts whose pages
    changed, with bundles kept in a store of the preview's own), into a folder that replaces
    ``<output>/pagefind`` once complete; a new save cancels a run still going. The builder calls
    ``poll`` between two waits for changes."""

    def __init__(self, site: Path, output: Path, store: Path, per_part: int) -> None:
        self.site, self.output, self.store, self.per_part = site, output, store, per_part
        self.folder = output.with_name(f".{output.name}-{SEARCH_INDEX}-{os.getpid()}")
        self._parts: list = []
        self._waiting: list = []
        self._running: list = []  # (part, its work folder, Pagefind's process, its errors)
        self._started = 0.0

    def start(self) -> None:
        self.cancel()
        self._started = time.perf_counter()
        self._parts = plan_search_index(self.site, self.store, self.per_part)
        self._waiting = [part for part in self._parts if not part.bundle.is_dir()]
        self._launch()

    def _launch(self) -> None:
        while self._waiting and len(self._running) < usable_cpus():
            part = self._waiting.pop(0)
            command, work = part.command()
            errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
            try:
                process = subprocess.Popen(command, cwd=work, stdout=subprocess.DEVNULL,
                                           stderr=errors)
            except OSError as error:
                errors.close()
                print(f"Search index not rebuilt: {error}", file=sys.stderr, flush=True)
                self.cancel()
                return
            self._running.append((part, work, process, errors))

    def poll(self) -> None:
        if not self._parts:
            return
        for running in list(self._running):
            part, work, process, errors = running
            if process.poll() is None:
                continue
            self._running.remove(running)
            errors.seek(0)
            message = errors.read().strip()
            errors.close()
            try:
                if process.returncode != 0:
                    raise OSError(message)
                part.finish(work)
            except OSError as error:
                print(f"Search index not rebuilt: {error}", file=sys.stderr, flush=True)
                self.cancel()
                return
        self._launch()
        if self._running or self._waiting:
            return
        parts, self._parts = self._parts, []
        shutil.rmtree(self.folder, ignore_errors=True)
        place_search_index(parts, self.folder)
        target = self.output / SEARCH_INDEX
        retired = self.folder.with_name(self.folder.name + "-old")
        try:
            shutil.rmtree(retired, ignore_errors=True)
            if target.exists():
                target.rename(retired)
            self.folder.rename(target)
        except OSError as error:  # Windows: a file of the old index is being served
            print(f"Search index not replaced: {error}", file=sys.stderr, flush=True)
            return
        finally:
            shutil.rmtree(retired, ignore_errors=True)
        print(f"Search index updated in {time.perf_counter() - self._started:.2f} s",
              file=sys.stderr, flush=True)

    def cancel(self) -> None:
        running, self._running = self._running, []
        self._parts, self._waiting = [], []
        for _, work, process, errors in running:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            errors.close()
            shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(self.folder, ignore_errors=True)
