"""`make deploy` pings the WebSub hub for each feed whose bytes changed since the last deploy, and
only those; a hub that fails is a warning, never a failed deploy. The hub is a stub on 127.0.0.1
that records every ping; the deploy target is a local bare repository."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from lxml import etree

from gates.gates_support import SHUTDOWN_POLL
from workflow_support import TINY_POST, env_for, git, make, project_copy

SITE = "https://open.coop"
ATOM = "{http://www.w3.org/2005/Atom}"


class HubStub:
    """A WebSub hub that records (mode, topic) of every publish ping, answering ``status``."""

    def __init__(self, status: int = 204) -> None:
        self.pings: list[tuple[str, str]] = []
        self.status = status
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (the base class's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("ascii"))
                stub.pings += [(mode, topic) for mode in form.get("hub.mode", [])
                               for topic in form.get("hub.url", [])]
                self.send_response(stub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(SHUTDOWN_POLL,),
                                       daemon=True)
        self.thread.start()

    def topics(self) -> set[str]:
        assert all(mode == "publish" for mode, _ in self.pings)
        return {topic for _, topic in self.pings}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def hub():
    stub = HubStub()
    yield stub
    stub.close()


@pytest.fixture
def project(tmp_path):
    project = project_copy(tmp_path / "project", real_content=False)
    # A second post by someone else, so some feeds do not list the post the test edits.
    (project / "content/posts/other.md").write_text(
        TINY_POST.format(title="Another post").replace("Slug: hello", "Slug: other")
        .replace("Ada Lovelace", "Grace Hopper").replace("Tags: commons", "Tags: code")
        .replace("Category: Commons", "Category: Software"), encoding="utf-8")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(project, "init", "--quiet")
    git(project, "remote", "add", "origin", str(remote))
    return project


def feed_bytes(output: Path) -> dict[str, str]:
    """Every feed file's public URL and SHA-256, read from the deployed output."""
    return {f"{SITE}/{p.relative_to(output).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((output / "feeds").rglob("*"))
            if p.is_file() and p.suffix in (".xml", ".json")}


def deploy(project: Path, hub_url: str) -> subprocess.CompletedProcess:
    # The site's public address is not this machine's: do not wait for it to serve the build.
    result = make(project, "deploy", env=env_for(project, WEBSUB_HUB=hub_url, WEBSUB_LIVE_TIMEOUT="0"))
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_deploy_pings_the_hub_for_changed_feeds_only_and_a_failing_hub_only_warns(project, hub):
    deploy(project, hub.url)
    first = feed_bytes(project / "output")
    # The feeds name the hub they announce to.
    atom = etree.parse(str(project / "output/feeds/all.atom.xml")).getroot()
    assert [link.get("href") for link in atom.findall(f"{ATOM}link[@rel='hub']")] == [hub.url]
    # Nothing was published before: every feed is new to the hub.
    assert hub.topics() == set(first) and len(hub.pings) == len(first)
    assert any(url.endswith(".json") for url in first)

    hub.pings.clear()
    deploy(project, hub.url)
    assert hub.pings == [], "an unchanged site announces nothing"

    post = project / "content/posts/hello.md"
    post.write_text(TINY_POST.format(title="A second edition"), encoding="utf-8")
    deploy(project, hub.url)
    second = feed_bytes(project / "output")
    changed = {url for url, digest in second.items() if first.get(url) != digest}
    assert hub.topics() == changed and len(hub.pings) == len(changed)
    assert f"{SITE}/feeds/all.json" in changed and f"{SITE}/feeds/author/ada-lovelace.rss.xml" in changed
    unchanged = set(second) - changed
    assert f"{SITE}/feeds/author/grace-hopper.atom.xml" in unchanged
    # What the hub was told matches what the gh-pages branch now serves.
    published = git(project.parent / "remote.git", "show", "gh-pages:feeds/all.json")
    assert "A second edition" in published

    # A hub that fails is a warning, never a failed deploy: the site is pushed all the same.
    post.write_text(TINY_POST.format(title="A third edition"), encoding="utf-8")
    failing = HubStub(status=500)
    try:
        result = deploy(project, failing.url)
        assert failing.pings, "the deploy tried the hub"
        assert "WebSub hub" in result.stderr and "500" in result.stderr
        assert "index.html" in git(project.parent / "remote.git", "ls-tree", "--name-only", "gh-pages")
        assert "A third edition" in git(project.parent / "remote.git", "show", "gh-pages:feeds/all.json")
    finally:
        failing.close()


def test_a_hub_that_does_not_answer_is_tried_once_and_the_deploy_is_remembered(tmp_path, caplog):
    from deploy.websub import announce, published

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/hub"
    build = {"site_url": SITE, "hub": closed, "feeds": {"feeds/all.atom.xml": "a", "feeds/all.json": "b"}}
    with caplog.at_level("WARNING", logger="deploy.websub"):
        announce(build, tmp_path, "somewhere")
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "could not be reached" in warning and "2 changed feeds were not announced" in warning
    assert published(tmp_path, "somewhere") == build["feeds"]
    assert published(tmp_path, "elsewhere") == {}


class SiteStub:
    """The public site while a deploy goes live: the old feed for the first ``old`` requests."""

    def __init__(self, old: int, before: bytes, after: bytes) -> None:
        self.requests = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                stub.requests += 1
                body = before if stub.requests <= old else after
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(SHUTDOWN_POLL,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_hub_is_pinged_once_the_site_serves_the_new_feeds(tmp_path, hub):
    from deploy.websub import announce

    new = b'{"version": "https://jsonfeed.org/version/1.1", "title": "new"}'
    site = SiteStub(old=2, before=b'{"title": "old"}', after=new)
    try:
        build = {"site_url": site.url, "hub": hub.url,
                 "feeds": {"feeds/all.json": hashlib.sha256(new).hexdigest()}}
        topics = announce(build, tmp_path, "gh-pages", live_timeout=30, interval=0.05)
        assert site.requests == 3, "polled until the new bytes were served"
        assert hub.topics() == set(topics) == {f"{site.url}/feeds/all.json"}
    finally:
        site.close()


def test_a_site_that_never_goes_live_delays_the_ping_only_until_the_timeout(tmp_path, hub, caplog):
    from deploy.websub import announce

    site = SiteStub(old=10 ** 6, before=b"old", after=b"")
    try:
        build = {"site_url": site.url, "hub": hub.url, "feeds": {"feeds/all.json": "0" * 64}}
        with caplog.at_level("WARNING", logger="deploy.websub"):
            announce(build, tmp_path, "gh-pages", live_timeout=0.3, interval=0.05)
        assert site.requests >= 2
        assert any("does not serve the new build" in r.getMessage() for r in caplog.records)
        assert hub.topics() == {f"{site.url}/feeds/all.json"}, "announced anyway"
    finally:
        site.close()
