"""Command line for the build: ``python -m publishing build|check|index|serve``.

tasks.py and the Makefile call this; it prints content problems one per line, plainly, so the
output can be read by people and by editors that jump to ``path:line``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from pelican.log import init as init_logging
from pelican.settings import read_settings

from . import collector
from .problems import ContentError, Problem

logger = logging.getLogger(__name__)


def _settings(settings_file: str, overrides: dict) -> dict:
    return read_settings(settings_file, override=overrides)


def _instance(settings: dict):
    from .site import PublishingPelican

    return PublishingPelican(settings)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    noun = "problem" if len(problems) == 1 else "problems"
    print(f"{len(problems)} content {noun} found; nothing was written.", file=sys.stderr)


BUG_REPORT = ("This is a bug in the site's build, not a mistake in your content: please report "
              "it with the command you ran and its output with -v (which shows where it happened).")


def _internal_error(command: str, error: BaseException) -> int:
    logger.info("Where the internal error happened:", exc_info=error)  # shown with -v
    reason = str(error).splitlines()[0][:200] if str(error) else ""
    print(f"{command}: internal error: {type(error).__name__}{': ' if reason else ''}{reason}",
          file=sys.stderr)
    print(BUG_REPORT, file=sys.stderr)
    return 2


def build(settings_file: str, overrides: dict) -> int:
    """Build the site; on content problems print them, keep the old output, return 1."""
    started = time.perf_counter()
    try:
        _instance(_settings(settings_file, overrides)).run()
    except ContentError as error:
        _print_problems(error.problems)
        return 1
    except Exception as error:  # noqa: BLE001 - anything else is ours to fix, said plainly
        return _internal_error("build", error)
    print(f"Site built in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


def check(settings_file: str, overrides: dict) -> int:
    try:
        problems = _instance(_settings(settings_file, overrides)).check()
    except Exception as error:  # noqa: BLE001 - as in build()
        return _internal_error("check", error)
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("Content OK: no problems found.", file=sys.stderr)
    return 0


def index_for_search(settings: dict) -> int:
    """Bring the built site's index for /search/ up to date with Pagefind (a build keeps the
    previous index where OUTPUT_RETENTION names it; fastbuild.searchindex indexes again only
    the parts whose pages changed)."""
    from fastbuild import search_index as index

    returncode, errors = index(settings)
    if returncode != 0:
        print(f"Search index not rebuilt: {errors.strip()}", file=sys.stderr)
    return returncode


def serve(settings_file: str, overrides: dict, bind: str, port: int, autoreload: bool) -> int:
    """Serve the output folder; with autoreload, the live preview (publishing/devserver.py)."""
    if autoreload:
        from .devserver import serve as live_preview

        return live_preview(settings_file, overrides, bind, port)
    from functools import partial
    from http.server import ThreadingHTTPServer

    from .devserver import port_in_use_message
    from .livereload import SiteFiles

    # The site as it was last built, whichever settings built it (`make publish` included).
    output = _settings(settings_file, overrides)["OUTPUT_PATH"]
    if not os.path.isfile(os.path.join(output, "index.html")):
        print(f"serve: no site in {output} yet: build it first (make html), or use "
              "make devserver, which builds and follows your edits", file=sys.stderr)
        return 1
    try:
        server = ThreadingHTTPServer((bind, port), partial(SiteFiles, directory=output))
    except OSError:
        print(port_in_use_message(bind, port, "serve"), file=sys.stderr)
        return 1
    print(f"Serving {output} at http://{bind}:{port}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _overrides(pairs: list[str]) -> dict:
    import json

    result = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            result[key] = json.loads(value)
        except ValueError:
            result[key] = value
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publishing")
    parser.add_argument("command", choices=["build", "check", "index", "serve"])
    parser.add_argument("-s", "--settings", default="pelicanconf.py")
    parser.add_argument("-o", "--output", help="output folder (default: OUTPUT_PATH)")
    parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--autoreload", action="store_true")
    parser.add_argument("-e", "--extra-settings", nargs="*", default=[],
                        help="KEY=VALUE overrides (JSON values)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every file written")
    args = parser.parse_args(argv)
    collector.for_the_build()

    level = logging.INFO if args.verbose else logging.ERROR if args.quiet else logging.WARNING
    init_logging(level=level, name="pelican")
    overrides = _overrides(args.extra_settings)
    if args.output:
        overrides["OUTPUT_PATH"] = os.path.abspath(args.output)
    if args.command == "serve":
        return serve(args.settings, overrides, args.bind, args.port, args.autoreload)
    try:
        if args.command == "build":
            return build(args.settings, overrides)
        if args.command == "check":
            return check(args.settings, overrides)
        return index_for_search(_settings(args.settings, overrides))
    except KeyboardInterrupt:
        # Ctrl-C is the person at the keyboard, not a fault: one line, not a traceback. A build
        # stopped while it renamed its files into place leaves some of them new.
        then = ("run it again for the full list of problems"
                if args.command == "check" else "run it again to bring output/ up to date")
        print(f"{args.command}: stopped before it finished; {then}.", file=sys.stderr)
        return 130
