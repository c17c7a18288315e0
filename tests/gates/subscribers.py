"""Helpers for the subscriber gates: the calendar clients and feed readers that people use, run
on the built files. Each returns what the client shows; the tests compare it with the sources.
No pytest fixtures here (they live in conftest.py)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from .gates_support import ROOT, require_tool

NODE_SCRIPT = Path(__file__).with_name("calendar_clients.mjs")
BIN = Path(sys.executable).parent
# Loopback only: no proxy between the clients and the servers the gates start.
LOCAL_ENV = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@dataclass
class CalendarSite:
    name: str
    output: Path  # the built site
    sources: Path  # the folder of event YAML files it was built from


def utc_text(value) -> str:
    """An iCalendar DTSTART value as the gates compare it (see calendar_expect)."""
    from datetime import datetime, timezone

    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%S")  # floating: never what a source says
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: "
                               f"{process.stderr.read() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- ical.js and node-ical ------------------------------------------------------------------
def node_readings(requests: list[dict]) -> dict:
    """ical.js and node-ical's occurrences for ``requests`` ([{file, events: {uid: windows}}]),
    all calendars in one node process."""
    node = require_tool("node", "apt-get install -y nodejs")
    for package in ("ical.js", "node-ical"):
        require_tool(ROOT / "node_modules" / package / "package.json",
                     "npm ci --ignore-scripts (make test does it)")
    proc = subprocess.run([node, str(NODE_SCRIPT)], input=json.dumps(requests), cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TZ": "UTC"})
    if proc.returncode != 0:
        raise RuntimeError(f"node exited with {proc.returncode}:\n{proc.stderr}")
    return json.loads(proc.stdout)


# --- Radicale (CalDAV server; vobject reads the calendars) ----------------------------------
class Radicale:
    """A Radicale server on 127.0.0.1 with its storage in ``folder``; anyone may write."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        config = folder / "config"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n[auth]\ntype = none\n"
            f"[rights]\ntype = authenticated\n"
            f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
            "[web]\ntype = none\n[logging]\nlevel = warning\n", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=LOCAL_ENV)
        wait_for_port(self.port, self.process)
        self.base = f"http://127.0.0.1:{self.port}"
        status, reply = self.request("MKCOL", "/gate/")
        if status != 201:
            raise RuntimeError(f"Radicale: MKCOL /gate/: HTTP {status}: {reply[:300]!r}")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        request = Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()

    def upload(self, collection: str, calendar: bytes) -> int:
        """PUT a whole calendar as a new collection (Radicale splits it into its events)."""
        status, _ = self.request("PUT", f"/gate/{collection}/", calendar,
                                 {"Content-Type": "text/calendar; charset=utf-8"})
        return status

    def count(self, collection: str) -> int:
        """How many items (events) the collection holds, by a PROPFIND of depth 1."""
        status, reply = self.request("PROPFIND", f"/gate/{collection}/",
                                     b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:">'
                                     b"<D:prop><D:getetag/></D:prop></D:propfind>",
                                     {"Depth": "1", "Content-Type": "application/xml"})
        if status != 207:
            raise RuntimeError(f"PROPFIND on {collection}: HTTP {status}: {reply[:300]!r}")
        import xml.etree.ElementTree as ET

        hrefs = [h.text for h in ET.fromstring(reply).iter("{DAV:}href")]
        return sum(1 for href in hrefs if href and not href.endswith("/"))

    def query(self, collection: str, start: str, end: str, expand: bool) -> list:
        """VEVENTs a calendar-query with a time-range (UTC, YYYYMMDDTHHMMSSZ) returns,
        expanded into occurrences by the server when ``expand``."""
        import icalendar

        data = (f'<C:calendar-data><C:expand start="{start}" end="{end}"/></C:calendar-data>'
                if expand else "<C:calendar-data/>")
        body = ('<?xml version="1.0" encoding="utf-8"?>'
                '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
                f"<D:prop>{data}</D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
                f'<C:comp-filter name="VEVENT"><C:time-range start="{start}" end="{end}"/>'
                "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>")
        status, reply = self.request("REPORT", f"/gate/{collection}/", body.encode(),
                                     {"Depth": "1", "Content-Type": "application/xml"})
        if status != 207:
            raise RuntimeError(f"REPORT on {collection}: HTTP {status}: {reply[:300]!r}")
        import xml.etree.ElementTree as ET

        found = []
        for element in ET.fromstring(reply).iter("{urn:ietf:params:xml:ns:caldav}calendar-data"):
            if element.text:
                found += list(icalendar.Calendar.from_ical(element.text).walk("VEVENT"))
        return found

    def close(self) -> None:
        stop(self.process)


# --- khal -----------------------------------------------------------------------------------
class Khal:
    """khal with its configuration and database in ``folder``, times shown in UTC."""

    def __init__(self, folder: Path, calendars: list[str]):
        self.exe = require_tool(BIN / "khal", "pip install -r requirements.txt (make test does it)")
        self.folder = folder
        self._collections: dict = {}
        sections = "".join(f"[[{name}]]\npath = {folder / name}\ntype = calendar\n"
                           for name in calendars)
        for name in calendars:
            (folder / name).mkdir(parents=True, exist_ok=True)
        self.config = folder / "khal.conf"
        self.config.write_text(
            f"[calendars]\n{sections}"
            "[locale]\nlocal_timezone = UTC\ndefault_timezone = UTC\n"
            "timeformat = %H:%M:%S\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%dT%H:%M:%SZ\nlongdatetimeformat = %Y-%m-%dT%H:%M:%SZ\n"
            f"[sqlite]\npath = {folder / 'khal.db'}\n", encoding="utf-8")
        # khal reads XDG folders for anything not in its configuration: keep them here.
        self.env = {**LOCAL_ENV, "XDG_CONFIG_HOME": str(folder), "XDG_DATA_HOME": str(folder),
                    "XDG_CACHE_HOME": str(folder), "TZ": "UTC"}

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.exe, "-c", str(self.config), *args], capture_output=True,
                              text=True, timeout=180, env=self.env, stdin=subprocess.DEVNULL)

    def import_files(self, calendar: str, files: list[Path]) -> subprocess.CompletedProcess:
        return self.run("import", "--batch", "-a", calendar, *map(str, files))

    def starts(self, calendar: str, uid: str, windows: list[tuple[str, str]]) -> list[str]:
        """The occurrence starts of ``uid`` that khal's database holds within ``windows``,
        through the collection ``khal list`` reads (the command itself formats day by day,
        seconds per decade of a series)."""
        from datetime import date, datetime, timedelta, timezone

        from khal.cli_utils import build_collection
        from khal.settings import get_config

        if calendar not in self._collections:
            self._collections[calendar] = build_collection(get_config(str(self.config)),
                                                           [calendar])
        collection = self._collections[calendar]
        found = set()
        for first, last in windows:
            low = datetime.combine(date.fromisoformat(first[:10]) - timedelta(days=1),
                                   datetime.min.time())
            high = datetime.combine(date.fromisoformat(last[:10]) + timedelta(days=2),
                                    datetime.min.time())
            events = list(collection.get_localized(low.replace(tzinfo=timezone.utc),
                                                   high.replace(tzinfo=timezone.utc)))
            events += list(collection.get_floating(low, high))
            found |= {utc_text(event.start) for event in events if event.uid == uid}
        return sorted(found)


# --- vdirsyncer -----------------------------------------------------------------------------
def vdirsyncer_subscribe(folder: Path, urls: dict[str, str]) -> tuple[subprocess.CompletedProcess,
                                                                       dict[str, int]]:
    """Subscribe to each URL (name -> http URL) with vdirsyncer into a local folder; returns the
    last command's result and how many events each local folder then holds."""
    exe = require_tool(BIN / "vdirsyncer", "pip install -r requirements.txt (make test does it)")
    parts = [f'[general]\nstatus_path = "{folder / "status"}"\n']
    for name, url in urls.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        parts.append(
            f'[pair {name}]\na = "{name}_remote"\nb = "{name}_local"\ncollections = null\n'
            f'conflict_resolution = "a wins"\n'
            f'[storage {name}_remote]\ntype = "http"\nurl = "{url}"\n'
            f'[storage {name}_local]\ntype = "filesystem"\npath = "{folder / name}"\n'
            f'fileext = ".ics"\n')
    config = folder / "vdirsyncer.conf"
    config.write_text("\n".join(parts), encoding="utf-8")
    env = {**LOCAL_ENV, "VDIRSYNCER_CONFIG": str(config), "XDG_CONFIG_HOME": str(folder)}
    proc = None
    for command in (["discover"], ["sync"]):
        proc = subprocess.run([exe, *command], capture_output=True, text=True, timeout=180,
                              env=env, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            break
    kept = {name: len(list((folder / name).glob("*.ics"))) for name in urls}
    return proc, kept


# --- newsboat -------------------------------------------------------------------------------
def newsboat_read(folder: Path, urls: list[str]) -> tuple[subprocess.CompletedProcess,
                                                           dict[str, list[str]]]:
    """Reload every URL with newsboat; returns its result and url -> item titles it stored."""
    exe = require_tool("newsboat", "apt-get install -y newsboat (make test does it)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "urls").write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    (folder / "config").write_text("download-timeout 30\nreload-threads 2\n", encoding="utf-8")
    cache = folder / "cache.db"
    env = {**LOCAL_ENV, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder),
           "XDG_DATA_HOME": str(folder)}
    proc = subprocess.run([exe, "-u", str(folder / "urls"), "-c", str(cache), "-C",
                           str(folder / "config"), "-x", "reload"], capture_output=True,
                          text=True, timeout=180, env=env, stdin=subprocess.DEVNULL)
    titles: dict[str, list[str]] = {url: [] for url in urls}
    if cache.is_file():
        with sqlite3.connect(cache) as db:
            for url, title in db.execute("SELECT feedurl, title FROM rss_item ORDER BY id"):
                titles.setdefault(url, []).append(title)
    return proc, titles


