"""Lighthouse audit of the built site (make audit): serves the output folder on 127.0.0.1, runs
npm lighthouse in Debian's Chromium on the home page, a post and the events page, and prints the
performance, accessibility, best-practices and SEO scores read from each JSON report.

Lighthouse exits 0 whatever the scores, so this reads the JSON; it exits 1 when a page cannot be
audited or a score is under --min-score (default 0: report only)."""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass


def pages(output: Path) -> dict[str, str | None]:
    posts = sorted(output.glob("blog/[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    return {
        "home": "/" if (output / "index.html").is_file() else None,
        "post": "/" + posts[0].relative_to(output).parent.as_posix() + "/" if posts else None,
        "events": "/events/" if (output / "events" / "index.html").is_file() else None,
    }


def lighthouse(url: str, report: Path) -> tuple[dict[str, int], dict]:
    subprocess.run([str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
                    f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)],
                   env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=300)
    result = json.loads(report.read_text(encoding="utf-8"))
    if result.get("runtimeError"):
        raise RuntimeError(result["runtimeError"].get("message"))
    return {name: round((result["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}, result


def failing_audits(result: dict) -> list[str]:
    """The audits that cost points, so the report says what to fix."""
    lines = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                lines.append(f"    {category}: {audit['id']} ({audit['score']}): {audit['title']}"
                             + (f" [{audit['displayValue']}]" if audit.get("displayValue") else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site folder")
    parser.add_argument("--min-score", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="folder to keep the JSON reports in")
    args = parser.parse_args(argv)
    for tool, how in ((LIGHTHOUSE, "make audit (npm ci in tools/audit)"),
                      (Path(CHROMIUM), "apt-get update && apt-get install -y chromium")):
        if not tool.exists():
            print(f"error: {tool} is not installed; install it with: {how}", file=sys.stderr)
            return 1
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(args.output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    status = 0
    reports = args.keep or Path(tempfile.mkdtemp(prefix="lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)
    print(f"{'page':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES) + "  url")
    try:
        for name, path in pages(args.output).items():
            if path is None:
                print(f"{name:<8} missing from {args.output}: not audited")
                status = 1
                continue
            try:
                scores, result = lighthouse(base + path, reports / f"{name}.json")
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, RuntimeError) as error:
                print(f"{name:<8} lighthouse failed: {error}")
                status = 1
                continue
            print(f"{name:<8} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES) + f"  {path}")
            print("\n".join(failing_audits(result)) or "    (nothing to fix)")
            if min(scores.values()) < args.min_score:
                status = 1
    finally:
        server.shutdown()
    print(f"JSON reports: {reports}")
    return status


if __name__ == "__main__":
    sys.exit(main())
