"""The GitHub workflow files: triggers, the make targets they run, artifact upload, Pages deploy.
The Makefile targets they call must exist, and CONTRIBUTING.md and the PR template must be there."""

from __future__ import annotations

import re
import subprocess

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


def uses(workflow: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]


def step_using(workflow: dict, action: str) -> dict:
    return next(step for step in steps(workflow) if step.get("uses", "").startswith(action + "@"))


def test_pull_request_workflow():
    pr = load("pr.yml")
    assert set(pr["on"]) == {"pull_request"}
    assert uses(pr)[:2] == ["actions/checkout", "actions/setup-python"]
    assert str(step_using(pr, "actions/setup-python")["with"]["python-version"]) == "3.11"
    commands = runs(pr)
    assert commands.index("make check") < commands.index("make test") < commands.index("make html")
    upload = step_using(pr, "actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == "output"
    assert steps(pr).index(upload) > [s.get("run") for s in steps(pr)].index("make html")


def test_deploy_workflow():
    deploy = load("deploy.yml")
    triggers = deploy["on"]
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    minute, hour, day, month, weekday = cron.split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit(), \
        "runs once a day, so upcoming events move to past events"
    assert deploy["permissions"]["pages"] == "write"
    assert deploy["permissions"]["id-token"] == "write"
    assert "make publish" in runs(deploy)
    assert step_using(deploy, "actions/upload-pages-artifact")["with"]["path"].rstrip("/") == "output"
    deploy_job = next(job for job in deploy["jobs"].values()
                      if any(s.get("uses", "").startswith("actions/deploy-pages@")
                             for s in job.get("steps", [])))
    assert deploy_job["environment"]["name"] == "github-pages"
    assert deploy_job["needs"] in ("build", ["build"])


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_workflows_only_call_make_targets_that_exist(name):
    listed = subprocess.run(["make", "-qp"], cwd=ROOT, capture_output=True, text=True).stdout
    targets = set(re.findall(r"^([\w-]+):", listed, re.MULTILINE))
    for command in runs(load(name)):
        for target in re.findall(r"\bmake ([\w-]+)", command):
            assert target in targets, f"{name} runs make {target}, which the Makefile lacks"


def test_contributor_documents_exist_and_are_linked():
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ]") >= 5 and "make check" in template
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for command in ("make new-post", "make new-event", "make new-group", "make check",
                    "make devserver"):
        assert command in contributing
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
