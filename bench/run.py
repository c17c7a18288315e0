"""Build-speed benchmark: this project against vanilla Pelican on the same generated posts.

``python bench/run.py --n 2000 --rounds 3`` (or ``make bench N=2000``) generates a corpus in a
temporary folder, then runs, alternating for each round, each in a fresh process:

  a. vanilla Pelican (``pelican`` CLI, default theme, built-in Atom feeds, no plugins, no cache)
     on the posts alone;
  b. this project's full cold build of the whole corpus (all plugins, real theme, no cache);
  c. this project's warm rebuild after one post's text changed.

It prints medians, peak memory and the ratios b/a and c/a, and writes ``bench/results.json``.
The Pagefind index is timed separately when pagefind is installed. With ``--devserver`` (as
``make bench`` runs it), bench/devserver.py then times the live preview on the same corpus. Nothing
here asserts a time: the numbers are reported, tests check correctness.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "plugins")]

import corpus  # noqa: E402  (bench/ is not a package)
import devserver as devserver_bench  # noqa: E402
from publishing.clock import now  # noqa: E402

# The "today" the tests use too, so upcoming/past events split the same way on every run.
EPOCH = "1795435200"
VANILLA_SETTINGS = """\
# Vanilla Pelican: default theme and Markdown settings, built-in Atom feeds, no plugins, no cache.
PATH = {path!r}
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = []
STATIC_PATHS = ["images"]
OUTPUT_PATH = {output!r}
SITENAME = "Benchmark"
SITEURL = ""
TIMEZONE = "Europe/London"
FEED_DOMAIN = "https://example.org"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
PLUGINS = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""


class TreeMemory:
    """Samples the summed PSS of a process and all its descendants (pool workers included;
    PSS splits pages shared after fork, so they are not counted twice)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as fh:
                        todo.extend(int(c) for c in fh.read().split())
            except OSError:
                continue
        return pids

    @staticmethod
    def _pss_kib(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(self._pss_kib(p) for p in self._tree()))
            self._stop.wait(self.interval)


def measure(label: str, args: list[str], env: dict, cwd: Path, log: Path) -> dict:
    """Run one build in a fresh process: wall time, the largest process's peak RSS (wait4 covers
    the whole reaped tree), and the sampled peak of the tree's summed PSS."""
    with open(log, "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        with TreeMemory(proc.pid) as memory:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed (exit {proc.returncode}); log:\n{log.read_text()[-4000:]}")
    return {"seconds": round(wall, 3), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "tree_pss_mib": round(memory.peak_kib / 1024, 1)}


def _pelican_cli() -> list[str]:
    script = Path(sys.executable).with_name("pelican")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pelican"]


def _env() -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "plugins"),
                                                      os.environ.get("PYTHONPATH")]))}
    env.pop("SITEURL", None)
    return env


def _has_pagefind() -> bool:
    try:
        import pagefind  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def _edit_one_post(content: Path, round_number: int) -> None:
    """Change one post's text (not only its mtime: the cache compares content hashes)."""
    post = sorted((content / "posts").rglob("*.md"))[0]
    with open(post, "a", encoding="utf-8") as fh:
        fh.write(f"\nEdited for warm rebuild {round_number}.\n")


def _settle(output: Path, limit: float = 300.0) -> None:
    """Wait until the retired output trees a build deletes in the background (publishing.site)
    are gone, so that deletion never runs during the next measurement."""
    deadline = time.monotonic() + limit
    while any(output.parent.glob(f".{output.name}-old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def run(n: int, rounds: int, events: int, workdir: Path) -> dict:
    content = corpus.generate(workdir, n=n, events=events)
    vanilla_conf = workdir / "vanilla.py"
    vanilla_out, project_out = workdir / "vanilla-output", workdir / "output"
    cache = workdir / "cache"
    vanilla_conf.write_text(VANILLA_SETTINGS.format(path=str(content), output=str(vanilla_out)))
    env = _env()
    project = [sys.executable, "-m", "publishing", "build", "-s", "pelicanconf.py", "-q", "-e",
               f"PATH={json.dumps(str(content))}", f"OUTPUT_PATH={json.dumps(str(project_out))}",
               f"CACHE_PATH={json.dumps(str(cache))}"]
    runs: dict[str, list[dict]] = {"a": [], "b": [], "c": [], "pagefind": []}
    pagefind = _has_pagefind()
    for number in range(1, rounds + 1):
        shutil.rmtree(vanilla_out, ignore_errors=True)
        runs["a"].append(measure("vanilla", _pelican_cli() + ["-s", str(vanilla_conf), "-q"],
                                 env, workdir, workdir / "a.log"))
        shutil.rmtree(project_out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        runs["b"].append(measure("cold build", project, env, ROOT, workdir / "b.log"))
        _settle(project_out)
        _edit_one_post(content, number)
        runs["c"].append(measure("warm rebuild", project, env, ROOT, workdir / "c.log"))
        _settle(project_out)
        if pagefind:
            runs["pagefind"].append(measure(
                "pagefind", [sys.executable, "-m", "pagefind", "--site", str(project_out)],
                env, ROOT, workdir / "pagefind.log"))
        print(f"round {number}/{rounds}: " + ", ".join(
            f"{k} {v[-1]['seconds']:.2f} s" for k, v in runs.items() if v), file=sys.stderr)
    return summarise(n, events, rounds, runs)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict:
    return {"cores": os.cpu_count(), "cpu_model": _cpu_model(),
            "python": platform.python_version(), "pelican": metadata.version("pelican"),
            "markdown": metadata.version("Markdown"), "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def summarise(n: int, events: int, rounds: int, runs: dict) -> dict:
    medians = {k: round(statistics.median(r["seconds"] for r in v), 3) for k, v in runs.items() if v}
    cpu = {k: round(statistics.median(r["cpu_seconds"] for r in v), 3) for k, v in runs.items() if v}
    rss = {k: max(r["max_rss_mib"] for r in v) for k, v in runs.items() if v}
    pss = {k: max(r["tree_pss_mib"] for r in v) for k, v in runs.items() if v}
    ratios = {"b/a": round(medians["b"] / medians["a"], 3), "c/a": round(medians["c"] / medians["a"], 3),
              "memory b/a": round(pss["b"] / pss["a"], 3) if pss["a"] else None}
    # Each round's a, b and c run back to back, so a round's own ratios suffer less from load
    # that changes during the run (a shared machine) than the ratio of the medians does.
    per_round = {name: round(statistics.median(
        runs[x][i]["seconds"] / runs["a"][i]["seconds"] for i in range(len(runs["a"]))), 3)
        for name, x in (("b/a", "b"), ("c/a", "c"))}
    return {"n": n, "events": events, "working_groups": len(corpus.GROUPS), "rounds": rounds,
            "median_seconds": medians, "median_cpu_seconds": cpu, "peak_rss_mib": rss, "peak_tree_pss_mib": pss,
            "ratios": ratios, "median_of_round_ratios": per_round, "targets": {"b/a": 1.0, "c/a": 0.4, "memory b/a": 2.0},
            "runs": runs, "machine": {}, "date": now().isoformat(timespec="seconds"),
            "legend": {"a": "vanilla Pelican, posts only, default theme, built-in Atom feeds",
                       "b": "this project, full cold build (all plugins, caches cleared)",
                       "c": "this project, warm rebuild after editing one post",
                       "pagefind": "python -m pagefind --site output (search index, separate)"}}


def table(results: dict) -> str:
    names = {"a": "a  vanilla Pelican (cold)", "b": "b  project, cold full build",
             "c": "c  project, warm rebuild", "pagefind": "   Pagefind index"}
    lines = [f"N={results['n']} posts, {results['events']} events, {results['rounds']} rounds, "
             f"{results['machine'].get('cores')} cores ({results['machine'].get('cpu_model')})",
             f"{'run':30} {'median s':>9} {'CPU s':>7} {'max RSS MiB':>12} {'tree PSS MiB':>13}"]
    for key, label in names.items():
        if key in results["median_seconds"]:
            lines.append(f"{label:30} {results['median_seconds'][key]:9.2f} "
                         f"{results['median_cpu_seconds'][key]:7.2f} "
                         f"{results['peak_rss_mib'][key]:12.1f} {results['peak_tree_pss_mib'][key]:13.1f}")
    r = results["ratios"]
    lines.append(f"b/a = {r['b/a']:.2f} (target <= 1.0)   c/a = {r['c/a']:.2f} (target <= 0.4)   "
                 f"memory b/a = {r['memory b/a']} (target <= 2.0)")
    per_round = results["median_of_round_ratios"]
    lines.append(f"median of each round's ratios: b/a = {per_round['b/a']:.2f}   "
                 f"c/a = {per_round['c/a']:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark against vanilla Pelican.")
    parser.add_argument("--n", type=int, default=2000, help="posts in the corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpus folder")
    parser.add_argument("--devserver", action="store_true",
                        help="also measure the live preview's latency (bench/devserver.py)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        host = machine()
        results = run(args.n, args.rounds, args.events, workdir)
        results["machine"] = host
        if args.devserver:
            results["devserver"] = devserver_bench.run(workdir, workdir / "content", args.rounds,
                                                       _env(), _pelican_cli())
    finally:
        if args.keep:
            print(f"corpus kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))
    if "devserver" in results:
        print(devserver_bench.table(results["devserver"]))
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
