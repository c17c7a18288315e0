"""``make devserver``: a live preview that follows every save.

Two processes. The supervisor (the one started from the terminal) starts the preview process
and starts it afresh when that one asks for it: after an edit of the settings or of a plugin,
which only a new process picks up. The preview process serves the output folder with the live
reload script (publishing/livereload.py), keeps the site in memory (publishing/preview.py) and,
after each save, renders the edited page at once, rebuilds, tells the open tabs which files
changed, and then re-indexes the search in the background.

Both processes stop on Ctrl-C (or SIGTERM), the preview process with everything it started.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path

from pelican.log import init as init_logging
from pelican.settings import read_settings

from .livereload import Broadcast, make_server
from .preview import SEARCH_INDEX, Preview
from .problems import ContentError, display_path
from .treesync import Changes

logger = logging.getLogger(__name__)

# The preview process's exit code that asks the supervisor for a new one.
RESTART = 3
# After a change, wait this long for more before acting (an editor saving several files).
STEP_MS = 30
# How often the preview process looks at the settings files and at the search indexer.
POLL_MS = 500


def port_in_use_message(bind: str, port: int) -> str:
    return (f"devserver: port {port} on {bind} is already in use (another devserver or "
            f"`make serve`?). Stop it, or pick another port: make devserver PORT={port + 1}")


def _port_free(bind: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:  # a port with connections still closing is free for a new server
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind, port))
        except OSError:
            return False
    return True


def _stop_on_sigterm() -> None:
    """SIGTERM ends the process the way Ctrl-C does, so cleanup runs."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def serve(settings_file: str, overrides: dict, bind: str, port: int) -> int:
    """The supervisor: runs the preview process until Ctrl-C, a new one after each restart."""
    if port and not _port_free(bind, port):
        print(port_in_use_message(bind, port), file=sys.stderr)
        return 1
    _stop_on_sigterm()
    spawn = multiprocessing.get_context("spawn")
    while True:
        child = spawn.Process(target=_preview_process, name="devserver",
                              args=(settings_file, overrides, bind, port))
        child.start()
        try:
            child.join()
        except KeyboardInterrupt:
            _stop(child)
            return 0
        if child.exitcode != RESTART:
            return child.exitcode or 0
        print("devserver: settings or plugins changed; restarting", file=sys.stderr, flush=True)


def _stop(child: multiprocessing.process.BaseProcess) -> None:
    """Stop the preview process and let it stop what it started. A terminal's Ctrl-C reaches it
    too; a SIGTERM sent to the supervisor alone is passed on (SIGTERM ends it as Ctrl-C does)."""
    child.join(1)
    if child.is_alive():
        child.terminate()
        child.join(10)
    if child.is_alive():
        child.kill()
        child.join()


def _preview_process(settings_file: str, overrides: dict, bind: str, port: int) -> None:
    init_logging(level=logging.WARNING, name="pelican")
    _stop_on_sigterm()
    try:
        code = run_preview(settings_file, overrides, bind, port)
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)


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
        stamps = {}
        for path in self.settings_folder.glob("*.py"):
            try:
                stat = path.stat()
            except OSError:
                continue
            stamps[path.name] = (stat.st_size, stat.st_mtime_ns)
        return stamps

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


def run_preview(settings_file: str, overrides: dict, bind: str, port: int) -> int:
    """The preview process: serve, build, then follow the saves until Ctrl-C or a restart."""
    import watchfiles

    settings = read_settings(settings_file, override=overrides)
    preview = Preview(settings)
    preview.output.mkdir(parents=True, exist_ok=True)
    broadcast = Broadcast(uuid.uuid4().hex)
    try:
        server = make_server(bind, port, preview.output, broadcast)
    except OSError:
        print(port_in_use_message(bind, port), file=sys.stderr)
        return 1
    threading.Thread(target=server.serve_forever, name="devserver-http", daemon=True).start()
    host = f"[{bind}]" if ":" in bind else bind
    print(f"Preview at http://{host}:{server.server_port}/ (Ctrl-C to stop)", file=sys.stderr,
          flush=True)
    watched = Watched(settings_file, settings)
    indexer = SearchIndexer(preview.output)
    try:
        print("Building the site", file=sys.stderr, flush=True)
        changes = _rebuild(preview, broadcast, settings)
        broadcast.ready.set()
        if changes is not None and (changes or not (preview.output / SEARCH_INDEX).is_dir()):
            indexer.start()
        for batch in watchfiles.watch(*watched.folders, step=STEP_MS, rust_timeout=POLL_MS,
                                      yield_on_timeout=True, raise_interrupt=True):
            watched.check_restart(batch)
            if not batch:
                continue
            indexer.cancel()
            started = time.perf_counter()
            names = sorted(display_path(path) for _, path in batch)
            more = f" (and {len(names) - 1} more)" if len(names) > 1 else ""
            print(f"Changed: {names[0]}{more}", file=sys.stderr, flush=True)
            edited = [Path(path) for change, path in batch
                      if change != watchfiles.Change.deleted and Path(path).is_file()]
            quick = preview.render_edited(edited)
            if quick:
                broadcast.changed(quick)
                print(f"Rendered {', '.join(quick)} in {time.perf_counter() - started:.2f} s",
                      file=sys.stderr, flush=True)
            changes = _rebuild(preview, broadcast, settings)
            if changes and any(p.endswith(".html") for p in changes.written + changes.deleted):
                indexer.start()
    except _Restart:
        return RESTART
    finally:
        indexer.cancel()
        broadcast.close()
        server.shutdown()
        server.server_close()
    return 0


def _rebuild(preview: Preview, broadcast: Broadcast, settings: dict) -> Changes | None:
    """Rebuild and tell the tabs; on failure report the problems, keep the last good pages."""
    started = time.perf_counter()
    try:
        changes = preview.build()
    except ContentError as error:
        problems = [str(problem) for problem in error.problems]
    except Exception as error:  # a template or plugin error: the preview keeps running
        problems = [describe_error(error, settings)]
        logger.debug("build failed", exc_info=True)
    else:
        broadcast.problems([])
        broadcast.changed(changes.written + changes.deleted)
        print(f"Rebuilt in {time.perf_counter() - started:.2f} s: {len(changes.written)} files "
              f"written, {len(changes.deleted)} deleted", file=sys.stderr, flush=True)
        return changes
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s); the preview shows the last good build.", file=sys.stderr,
          flush=True)
    broadcast.problems(problems)
    broadcast.changed(_paths(preview.restore()))
    return None


def _paths(changes: Changes) -> list[str]:
    return changes.written + changes.deleted


def describe_error(error: BaseException, settings: dict) -> str:
    """``path:line: message`` for an error raised while building, pointing at the template or
    source file it came from when there is one (Jinja puts template lines in tracebacks)."""
    from jinja2 import TemplateSyntaxError

    message = f"{type(error).__name__}: {error}"
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{display_path(error.filename)}:{error.lineno}: {message}"
    frames = traceback.extract_tb(error.__traceback__)
    roots = [Path(settings["THEME"]).resolve(), Path(settings["PATH"]).resolve()]
    for frame in reversed(frames):
        if any(_inside(Path(frame.filename), root) for root in roots):
            return f"{display_path(frame.filename)}:{frame.lineno}: {message}"
    if frames:
        return f"{display_path(frames[-1].filename)}:{frames[-1].lineno}: {message}"
    return message


class SearchIndexer:
    """Runs Pagefind over the output folder in the background, into a folder of its own that
    replaces ``<output>/pagefind`` once complete; a new save cancels a run still going."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.cancel()
        folder = self.output.with_name(f".{self.output.name}-{SEARCH_INDEX}-{os.getpid()}")
        shutil.rmtree(folder, ignore_errors=True)
        command = [sys.executable, "-m", "pagefind", "--site", str(self.output),
                   "--output-path", str(folder), "--quiet"]
        with self._lock:
            try:
                self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.PIPE, text=True)
            except OSError as error:
                print(f"Search index not rebuilt: {error}", file=sys.stderr)
                return
            process = self._process
        self._thread = threading.Thread(target=self._finish, args=(process, folder),
                                        name="devserver-search-index", daemon=True)
        self._thread.start()

    def _finish(self, process: subprocess.Popen, folder: Path) -> None:
        _, errors = process.communicate()
        with self._lock:
            if self._process is not process:  # cancelled
                shutil.rmtree(folder, ignore_errors=True)
                return
            self._process = None
            if process.returncode != 0:
                print(f"Search index not rebuilt: {errors.strip()}", file=sys.stderr)
                shutil.rmtree(folder, ignore_errors=True)
                return
            target = self.output / SEARCH_INDEX
            retired = folder.with_name(folder.name + "-old")
            shutil.rmtree(retired, ignore_errors=True)
            if target.exists():
                target.rename(retired)
            folder.rename(target)
            shutil.rmtree(retired, ignore_errors=True)

    def cancel(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
