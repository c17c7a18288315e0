"""Build-speed benchmark: this project against vanilla Pelican on the same generated posts.

``python bench/run.py --n 2000 --rounds 5`` (or ``make bench N=2000``) generates a corpus in a
temporary folder, then runs, alternating for each round, each in a fresh process:

  a.      vanilla Pelican (``pelican`` CLI, default theme, built-in Atom feeds, no plugins, its
          content cache on) on the posts alone, cold (cache and output cleared: the previous
          round's are moved aside, and deleted only at the end; see ``_clear``);
  b.      this project's ``make html`` cold (caches and output cleared): the build, then the
          search index (``b_index``);
  (one post's text is then edited)
  a_warm. vanilla Pelican again: its own warm rebuild, from its content cache;
  c.      this project's warm rebuild, then the search index (``c_index``, reported apart).

Then, in ``--cache-rounds`` rounds of their own (10 unless told), what each cache saves: warm
rebuilds after one post edit with every cache and with each one emptied in turn, and the search
index after an edit in parts and in one part (``caches``).

It prints medians, peak memory and the ratios, and writes ``bench/results.json``. With
``--devserver`` (as ``make bench`` runs it), bench/devserver.py then times the live preview on the
same corpus, next to a_warm. Nothing here asserts a time: the numbers are reported, tests check
correctness.
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
# Vanilla Pelican: default theme and Markdown settings, built-in Atom feeds, no plugins, its cache.
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
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = {cache!r}
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


def _clear(folders: tuple[Path, ...], retired: Path | None) -> None:
    """Clear the folders of the round before: moved into ``retired`` (deleted once every
    measurement is done), or deleted now when ``retired`` is None. A file system may hold back
    the inodes it freed a moment ago (ext4 without a journal skips each one it is offered for
    about a minute, or six while its block is unwritten), so a file created just after thousands
    were deleted costs kernel time that grows with how many were: a build would pay for the
    benchmark's cleanup, and the more files it writes, the more it pays."""
    for folder in folders:
        if retired is None:
            shutil.rmtree(folder, ignore_errors=True)
        elif folder.exists():
            retired.mkdir(exist_ok=True)
            folder.rename(Path(tempfile.mkdtemp(dir=retired)) / folder.name)


def run(n: int, rounds: int, events: int, workdir: Path, cache_rounds: int = 10,
        delete_between: bool = False) -> dict:
    content = corpus.generate(workdir, n=n, events=events)
    vanilla_conf = workdir / "vanilla.py"
    vanilla_out, project_out = workdir / "vanilla-output", workdir / "output"
    vanilla_cache, cache = workdir / "vanilla-cache", workdir / "cache"
    vanilla_conf.write_text(VANILLA_SETTINGS.format(path=str(content), output=str(vanilla_out),
                                                    cache=str(vanilla_cache)))
    env = _env()
    settings = ["-s", "pelicanconf.py", "-q", "-e", f"PATH={json.dumps(str(content))}",
                f"OUTPUT_PATH={json.dumps(str(project_out))}", f"CACHE_PATH={json.dumps(str(cache))}"]
    project = [sys.executable, "-m", "publishing", "build", *settings]
    index = [sys.executable, "-m", "publishing", "index", *settings]
    vanilla = _pelican_cli() + ["-s", str(vanilla_conf), "-q"]
    runs: dict[str, list[dict]] = {key: [] for key in ("a", "b", "b_index", "a_warm", "c", "c_index")}
    for number in range(1, rounds + 1):
        _clear((vanilla_out, vanilla_cache, project_out, cache),
               None if delete_between else workdir / "retired")
        runs["a"].append(measure("vanilla", vanilla, env, workdir, workdir / "a.log"))
        runs["b"].append(measure("cold build", project, env, ROOT, workdir / "b.log"))
        _settle(project_out)
        runs["b_index"].append(measure("cold index", index, env, ROOT, workdir / "bi.log"))
        _edit_one_post(content, number)
        runs["a_warm"].append(measure("vanilla warm", vanilla, env, workdir, workdir / "aw.log"))
        runs["c"].append(measure("warm rebuild", project, env, ROOT, workdir / "c.log"))
        _settle(project_out)
        runs["c_index"].append(measure("warm index", index, env, ROOT, workdir / "ci.log"))
        print(f"round {number}/{rounds}: " + ", ".join(
            f"{k} {v[-1]['seconds']:.2f} s" for k, v in runs.items() if v), file=sys.stderr)
    results = summarise(n, events, rounds, runs)
    if cache_rounds:
        results["cache_rounds"] = cache_rounds
        results["caches"] = caches(content, project, index, env, workdir, project_out, cache,
                                   cache_rounds)
    return results


# What each cache of a warm rebuild keeps, in this configuration's cache folder
# (plugins/fastbuild/fingerprint.py): emptying it before a rebuild gives that rebuild's time
# without the cache (the rebuild fills it again, so the next one is warm).
CACHES = {
    "content cache": ("ArticlesGenerator", "PagesGenerator"),
    "output cache": ("outputs",),
    "compiled templates": ("templates",),
    "events read": ("events-read.pickle",),
    "content-check findings": ("content-checks-scans.pickle",),
}
# A search index in one part: every page indexed again after any edit. (One more value of the
# commands' last option, -e: a second -e would replace the first.)
ONE_PART = f"SEARCH_INDEX_PART_PAGES={10 ** 9}"


def caches(content: Path, project: list[str], index: list[str], env: dict, workdir: Path,
           output: Path, cache: Path, rounds: int) -> dict:
    """What each cache saves: in each round, a warm rebuild after one post edit with every
    cache, then one with each cache emptied (each after its own edit), and the search index
    after an edit in parts and in one part. Savings are medians of each round's difference, so
    load that changes between rounds cancels out."""
    runs: dict[str, list[dict]] = {name: [] for name in ("every cache", *CACHES)}
    index_runs: dict[str, list[dict]] = {"in parts": [], "in one part": []}
    edits = iter(range(1000, 10 ** 6))
    for number in range(1, rounds + 1):
        for name in runs:
            _edit_one_post(content, next(edits))
            if name in CACHES:
                kept = [_configuration(cache) / item for item in CACHES[name]]
                if not any(path.exists() for path in kept):
                    raise SystemExit(f"{name}: none of {[str(p) for p in kept]} to empty")
                _clear(tuple(kept), workdir / "retired")
            runs[name].append(measure(name, project, env, ROOT, workdir / "x.log"))
            _settle(output)
        index_runs["in parts"].append(measure("index", index, env, ROOT, workdir / "x.log"))
        _edit_one_post(content, next(edits))
        measure("warm", project, env, ROOT, workdir / "x.log")
        _settle(output)
        index_runs["in one part"].append(
            measure("index in one part", [*index, ONE_PART], env, ROOT, workdir / "x.log"))
        measure("index", index, env, ROOT, workdir / "x.log")  # the parts again, for the next round
        print(f"caches, round {number}/{rounds}", file=sys.stderr)
    return {"warm rebuild": _savings(runs, "every cache"),
            "search index": _savings(index_runs, "in parts")}


def _savings(runs: dict[str, list[dict]], baseline: str) -> dict:
    """Medians of each variant, and of what the baseline saves against it in each round: in
    seconds and as a share of the variant's time."""
    base = runs[baseline]
    summary = {baseline: {"seconds": _median(base, "seconds"),
                          "cpu_seconds": _median(base, "cpu_seconds")}}
    for name, variant in runs.items():
        if name == baseline:
            continue
        pairs = list(zip(variant, base))
        summary[name] = {
            "seconds": _median(variant, "seconds"), "cpu_seconds": _median(variant, "cpu_seconds"),
            "saves_seconds": round(statistics.median(
                v["seconds"] - b["seconds"] for v, b in pairs), 3),
            "saves_cpu_seconds": round(statistics.median(
                v["cpu_seconds"] - b["cpu_seconds"] for v, b in pairs), 3),
            "saves_share": round(statistics.median(
                1 - b["seconds"] / v["seconds"] for v, b in pairs), 3)}
    return summary


def _configuration(cache: Path) -> Path:
    """The configuration's own cache folder: the one most recently used."""
    folders = [p for p in cache.iterdir() if p.is_dir() and len(p.name) == 16
               and all(c in "0123456789abcdef" for c in p.name)]
    return max(folders, key=lambda p: p.stat().st_mtime_ns)


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


def _median(runs: list[dict], field: str) -> float:
    return round(statistics.median(r[field] for r in runs), 3)


def summarise(n: int, events: int, rounds: int, runs: dict) -> dict:
    medians = {k: _median(v, "seconds") for k, v in runs.items() if v}
    cpu = {k: _median(v, "cpu_seconds") for k, v in runs.items() if v}
    rss = {k: max(r["max_rss_mib"] for r in v) for k, v in runs.items() if v}
    pss = {k: max(r["tree_pss_mib"] for r in v) for k, v in runs.items() if v}
    rounds_of = range(len(runs["a"]))

    def cold(i: int, field: str) -> float:  # make html: the build, then the search index
        return runs["b"][i][field] + runs["b_index"][i][field]

    # Each round's runs go back to back, so a round's own ratios suffer less from load that
    # changes during the run (a shared machine) than the ratio of the medians does.
    per_round = {
        "cold wall": [cold(i, "seconds") / runs["a"][i]["seconds"] for i in rounds_of],
        "cold cpu": [cold(i, "cpu_seconds") / runs["a"][i]["cpu_seconds"] for i in rounds_of],
        "warm wall": [runs["c"][i]["seconds"] / runs["a_warm"][i]["seconds"] for i in rounds_of],
        "warm cpu": [runs["c"][i]["cpu_seconds"] / runs["a_warm"][i]["cpu_seconds"]
                     for i in rounds_of],
    }
    ratios = {name: round(statistics.median(values), 3) for name, values in per_round.items()}
    ratios["memory"] = round(pss["b"] / pss["a"], 3) if pss["a"] else None
    return {"n": n, "events": events, "working_groups": len(corpus.GROUPS), "rounds": rounds,
            "median_seconds": medians, "median_cpu_seconds": cpu, "peak_rss_mib": rss,
            "peak_tree_pss_mib": pss, "ratios": ratios,
            "targets": {"cold wall": 1.0, "cold cpu": 1.2, "warm wall": 0.5, "memory": 2.0},
            "runs": runs, "machine": {}, "date": now().isoformat(timespec="seconds"),
            "legend": {"a": "vanilla Pelican, cold, posts only, default theme, its content cache on",
                       "b": "this project, cold build (caches and output cleared)",
                       "b_index": "this project, search index after the cold build",
                       "a_warm": "vanilla Pelican, warm rebuild after editing one post",
                       "c": "this project, warm rebuild after editing one post",
                       "c_index": "this project, search index after the warm rebuild",
                       "cold": "b + b_index (what make html does)",
                       "memory": "peak PSS of the build's process tree, b against a"}}


def table(results: dict) -> str:
    names = {"a": "a       vanilla Pelican, cold", "b": "b       project build, cold",
             "b_index": "b_index search index, cold", "a_warm": "a_warm  vanilla Pelican, warm",
             "c": "c       project build, warm", "c_index": "c_index search index, warm"}
    lines = [f"N={results['n']} posts, {results['events']} events, {results['rounds']} rounds, "
             f"{results['machine'].get('cores')} cores ({results['machine'].get('cpu_model')})",
             f"{'run':30} {'median s':>9} {'CPU s':>7} {'max RSS MiB':>12} {'tree PSS MiB':>13}"]
    for key, label in names.items():
        if key in results["median_seconds"]:
            lines.append(f"{label:30} {results['median_seconds'][key]:9.2f} "
                         f"{results['median_cpu_seconds'][key]:7.2f} "
                         f"{results['peak_rss_mib'][key]:12.1f} {results['peak_tree_pss_mib'][key]:13.1f}")
    r, t = results["ratios"], results["targets"]
    lines.append(f"cold (b + b_index) / a: wall {r['cold wall']:.2f} (target <= {t['cold wall']}), "
                 f"CPU {r['cold cpu']:.2f} (target <= {t['cold cpu']})")
    lines.append(f"warm c / a_warm: wall {r['warm wall']:.2f} (target <= {t['warm wall']}), "
                 f"CPU {r['warm cpu']:.2f}")
    lines.append(f"memory b / a: {r['memory']} (target <= {t['memory']}); search index peak "
                 f"{results['peak_tree_pss_mib'].get('b_index')} MiB")
    headings = {"warm rebuild": "warm rebuild after one post edit, each cache emptied in turn",
                "search index": "search index after one post edit"}
    for measured, variants in results.get("caches", {}).items():
        lines.append(f"{headings.get(measured, measured)}:")
        lines.append(f"  {'':50} {'median s':>9} {'CPU s':>7} {'saves s':>8} {'CPU s':>7} "
                     f"{'share':>6}")
        for name, run in variants.items():
            saved = (f" {run['saves_seconds']:8.2f} {run['saves_cpu_seconds']:7.2f} "
                     f"{run['saves_share']:6.0%}" if "saves_seconds" in run else "")
            lines.append(f"  {name:50} {run['seconds']:9.2f} {run['cpu_seconds']:7.2f}{saved}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark against vanilla Pelican.")
    parser.add_argument("--n", type=int, default=2000, help="posts in the corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpus folder")
    # The smaller savings are a few percent of a short rebuild: with few rounds, the load of a
    # shared machine ranks them differently from run to run (README, Performance).
    parser.add_argument("--cache-rounds", type=int, default=10,
                        help="rounds of warm rebuilds with each cache emptied (0: none)")
    parser.add_argument("--no-caches", action="store_true", help="the same as --cache-rounds 0")
    parser.add_argument("--delete-between-rounds", action="store_true",
                        help="delete the outputs and caches of the round before instead of "
                             "moving them aside until the end (see _clear)")
    parser.add_argument("--devserver", action="store_true",
                        help="also measure the live preview's latency (bench/devserver.py)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        host = machine()
        results = run(args.n, args.rounds, args.events, workdir,
                      0 if args.no_caches else args.cache_rounds, args.delete_between_rounds)
        results["machine"] = host
        results["cleared_between_rounds"] = ("deleted" if args.delete_between_rounds
                                             else "moved aside, deleted at the end")
        if args.devserver:
            # Kept first: a preview that fails its rounds must not cost the builds' numbers.
            _write(args.output, results)
            results["devserver"] = devserver_bench.run(
                workdir, workdir / "content", args.rounds, _env(),
                vanilla_warm=results["median_seconds"]["a_warm"])
    finally:
        if args.keep:
            print(f"corpus kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))
    if "devserver" in results:
        print(devserver_bench.table(results["devserver"]))
    _write(args.output, results)
    return 0


def _write(output: Path, results: dict) -> None:
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
