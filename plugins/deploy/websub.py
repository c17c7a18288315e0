"""Tell the WebSub hub which feeds a deploy changed, so subscribers hear of new posts at once.

After a deploy, each feed file (Atom, RSS, JSON Feed) is compared by its SHA-256 with what the
previous deploy to the same target published, and the hub gets one publish ping per feed whose
bytes changed (PubSubHubbub 0.4's ``hub.mode=publish``, which hubs such as Google's accept):
unchanged feeds are never announced. What was published is recorded per target in a small JSON
file, after the deploy succeeded. A hub that cannot be reached is a warning, never a failed deploy.

A hub fetches a feed as soon as it is pinged, and a pushed gh-pages branch goes live a little
later, so before pinging, ``announce`` can wait until the public site serves the new bytes of one
changed feed (a deploy replaces the whole site at once, so one feed stands for all).

The record of one build (``record``) and the announcement (``announce``) are separate steps so
the deploy workflow can record in its build job and announce after its deploy job.
Standard library only: the workflow's announcing job installs nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

logger = logging.getLogger(__name__)

FEED_SUFFIXES = (".xml", ".json")
VERSION = 1


def record(output: str | Path, site_url: str, hub: str | None, feeds_path: str = "feeds") -> dict:
    """What a build publishes: every feed's path under the site and the SHA-256 of its bytes."""
    root = Path(output)
    feeds = {}
    for path in sorted((root / feeds_path).rglob("*")):
        if path.is_file() and path.name.endswith(FEED_SUFFIXES):
            feeds[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"version": VERSION, "site_url": site_url.rstrip("/"), "hub": hub or None, "feeds": feeds}


def changed(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """The feeds of ``current`` that are new or whose bytes differ from ``previous``."""
    return sorted(path for path, digest in current.items() if previous.get(path) != digest)


class Unreachable(Exception):
    """The hub did not answer at all: pinging it again in this deploy would only wait."""


def ping(hub: str, topic: str, timeout: float = 10.0) -> bool:
    """One publish ping; False (and a warning) when the hub refuses it. Raises Unreachable
    when there is no answer."""
    body = urlencode({"hub.mode": "publish", "hub.url": topic}).encode("ascii")
    request = Request(hub, data=body, method="POST",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urlopen(request, timeout=timeout) as response:
            status = response.status
    except HTTPError as error:
        status = error.code
    except (URLError, OSError, ValueError) as error:
        raise Unreachable(str(getattr(error, "reason", error))) from None
    if not 200 <= status < 300:
        logger.warning("WebSub hub %s answered %s to the ping for %s", hub, status, topic)
        return False
    return True


def _served_digest(url: str, timeout: float) -> str | None:
    request = Request(url, headers={"Cache-Control": "no-cache"})
    try:
        with urlopen(request, timeout=timeout) as response:
            return hashlib.sha256(response.read()).hexdigest()
    except (URLError, OSError, ValueError):
        return None


def wait_until_live(url: str, digest: str, timeout: float, interval: float = 10.0) -> bool:
    """True once ``url`` serves bytes with SHA-256 ``digest``; False (and a warning) when it
    still does not after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if _served_digest(url, 10.0) == digest:
            return True
        if time.monotonic() >= deadline:
            logger.warning("%s does not serve the new build after %d s; announcing it anyway",
                           url, timeout)
            return False
        time.sleep(max(0.0, min(interval, deadline - time.monotonic())))


def _state_file(state_path: str | Path, target: str) -> Path:
    # One file per deploy target: a gh-pages branch and an rsync server are published apart.
    name = hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]
    return Path(state_path) / f"{name}.json"


def published(state_path: str | Path, target: str) -> dict[str, str]:
    """The feeds (path -> SHA-256) the last deploy to ``target`` published; {} if none is known."""
    try:
        data = json.loads(_state_file(state_path, target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("target") != target:
        return {}
    return data.get("feeds") or {}


def _save(state_path: str | Path, target: str, feeds: dict[str, str]) -> None:
    path = _state_file(state_path, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as fh:
        json.dump({"version": VERSION, "target": target, "feeds": feeds}, fh, indent=1, sort_keys=True)
    os.replace(temporary, path)


def announce(build: dict, state_path: str | Path, target: str, live_timeout: float = 0,
             interval: float = 10.0) -> list[str]:
    """Ping the hub for every feed of ``build`` (a ``record``) changed since the last deploy to
    ``target``, then remember ``build`` as published there. With ``live_timeout``, first wait up
    to that many seconds for the site to serve the new feeds. Returns the feed URLs announced."""
    feeds = build.get("feeds") or {}
    paths = changed(published(state_path, target), feeds)
    topics = [f"{build['site_url']}/{path}" for path in paths]
    hub = build.get("hub")
    if not hub:
        topics = []
    elif topics and live_timeout > 0:
        wait_until_live(topics[0], feeds[paths[0]], live_timeout, interval)
    for number, topic in enumerate(topics):
        try:
            ping(hub, topic)
        except Unreachable as error:
            logger.warning("WebSub hub %s could not be reached (%s): %d changed feeds were not "
                           "announced", hub, error, len(topics) - number)
            break
    _save(state_path, target, feeds)
    return topics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.websub",
                                     description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="write the feeds a built site publishes to FILE")
    rec.add_argument("output")
    rec.add_argument("file")
    rec.add_argument("--site", required=True, help="the public site URL")
    rec.add_argument("--hub", default="", help="the WebSub hub URL (empty: none)")
    rec.add_argument("--feeds-path", default="feeds")
    ann = commands.add_parser("announce", help="ping the hub for the feeds FILE changed")
    ann.add_argument("file")
    ann.add_argument("--state", required=True, help="folder of the per-target records")
    ann.add_argument("--target", required=True, help="a name for where the site was deployed")
    ann.add_argument("--live-timeout", type=float, default=0,
                     help="seconds to wait for the site to serve the new feeds before pinging")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    if args.command == "record":
        build = record(args.output, args.site, args.hub, args.feeds_path)
        Path(args.file).write_text(json.dumps(build, indent=1, sort_keys=True), encoding="utf-8")
        return 0
    build = json.loads(Path(args.file).read_text(encoding="utf-8"))
    for topic in announce(build, args.state, args.target, args.live_timeout):
        print(topic)
    return 0


if __name__ == "__main__":
    sys.exit(main())
