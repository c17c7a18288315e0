"""The dev server's HTTP side: serves the output folder, adds the live-reload script to the HTML
pages it sends (the files on disk stay as the build wrote them), and pushes build news to every
open tab as server-sent events (the browser's EventSource, no extra package)."""

from __future__ import annotations

import json
import os
import queue
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PREFIX = "/__devserver/"
SCRIPT = Path(__file__).with_name("livereload.js")
# How long an idle event stream waits before a comment line, which notices closed tabs.
KEEPALIVE_SECONDS = 15.0


class Broadcast:
    """Build news for the open tabs. Each tab's stream starts with the server's identity (sent
    once the first build is in place) and the current problems, then gets every event."""

    def __init__(self, server_id: str) -> None:
        self.server_id = server_id
        self._lock = threading.Lock()
        self._streams: list[queue.SimpleQueue] = []
        self._problems: list[str] = []
        self.ready = threading.Event()
        self.closed = threading.Event()

    def subscribe(self) -> queue.SimpleQueue:
        stream: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            stream.put(("problems", {"problems": list(self._problems)}))
            self._streams.append(stream)
        return stream

    def unsubscribe(self, stream: queue.SimpleQueue) -> None:
        with self._lock:
            if stream in self._streams:
                self._streams.remove(stream)

    def _send(self, event: str, data: dict) -> None:
        with self._lock:
            for stream in self._streams:
                stream.put((event, data))

    def changed(self, paths: list[str], moved: dict[str, str] | None = None) -> None:
        """Output files rewritten or deleted (relative, forward slashes), and the pages among
        them that moved to another address (old path -> new path)."""
        if paths:
            self._send("changed", {"paths": paths, "moved": moved or {}})

    def problems(self, problems: list[str]) -> None:
        """The current build's problems; an empty list clears the overlay."""
        with self._lock:
            if problems == self._problems:
                return
            self._problems = list(problems)
        self._send("problems", {"problems": problems})

    def close(self) -> None:
        self.closed.set()
        self._send("close", {})


def inject(page: bytes, server_id: str) -> bytes:
    """``page`` with the live-reload script before its closing body tag (or at its end)."""
    tag = (f'<script src="{PREFIX}livereload.js" data-server="{server_id}"></script>').encode()
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


class SiteFiles(SimpleHTTPRequestHandler):
    """The output folder's files with the types a web host gives them: text with its charset
    (a client reading a calendar or feed without one may take it for Latin-1), and the same on
    every machine (Python otherwise looks in the system's own list, which may lack .ics)."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".ics": "text/calendar; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".svg": "image/svg+xml",
        ".wasm": "application/wasm",
    }

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass


class PreviewHandler(SiteFiles):
    """Static files from the output folder, HTML with the script, the site's 404 page where
    there is nothing. The browser checks every file again on each load (a stylesheet, an image:
    "not modified" while unchanged)."""

    broadcast: Broadcast

    def __init__(self, *args, broadcast: Broadcast, **kwargs) -> None:
        self.broadcast = broadcast
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.startswith(PREFIX):
            self._devserver(self.path[len(PREFIX):].split("?", 1)[0])
            return
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        # A missing address gets the site's 404 page, as its host gives it, with the script: a
        # tab whose page was deleted or moved keeps following the saves and comes back with it.
        if path.endswith(".html") or not os.path.exists(path):
            self._html(path)
            return
        super().do_GET()

    def _html(self, path: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        try:
            with open(path, "rb") as fh:
                body = fh.read()
        except OSError:
            missing = os.path.join(self.directory, "404.html")
            if status == HTTPStatus.OK and os.path.isfile(missing):
                self._html(missing, HTTPStatus.NOT_FOUND)
            else:
                self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = inject(body, self.broadcast.server_id)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _devserver(self, name: str) -> None:
        if name == "events":
            self._events()
        elif name == "livereload.js":
            body = SCRIPT.read_bytes()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        broadcast = self.broadcast
        stream = broadcast.subscribe()
        try:
            # A quick retry: after a restart the new server is usually listening within a second.
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not broadcast.ready.wait(KEEPALIVE_SECONDS):
                if broadcast.closed.is_set():
                    return
                self._write(b": waiting for the first build\n\n")
            self._write(_event("hello", {"server": broadcast.server_id}))
            while True:
                try:
                    event, data = stream.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self._write(b": keep-alive\n\n")
                    continue
                if event == "close":
                    return
                self._write(_event(event, data))
        except OSError:  # the tab went away
            pass
        finally:
            broadcast.unsubscribe(stream)

    def _write(self, chunk: bytes) -> None:
        self.wfile.write(chunk)
        self.wfile.flush()


def _event(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    # Windows lets a second server bind a port in use when SO_REUSEADDR is set: refuse instead.
    allow_reuse_address = os.name != "nt"

    def server_bind(self) -> None:
        if os.name == "nt":
            import socket

            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        super().server_bind()


def make_server(bind: str, port: int, output: Path, broadcast: Broadcast) -> PreviewServer:
    """Bind the preview server (OSError when the port is taken)."""
    handler = partial(PreviewHandler, directory=str(output), broadcast=broadcast)
    return PreviewServer((bind, port), handler)
