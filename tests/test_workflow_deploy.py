"""`make deploy`: check, publishconf build, push output/ to gh-pages; refuse content errors.
The remote is a local bare repository (a file path): no network."""

from __future__ import annotations

import subprocess

import pytest

from workflow_support import TINY_POST, env_for, git, invoke, make, project_copy


@pytest.fixture
def project(tmp_path):
    project = project_copy(tmp_path / "project", real_content=False)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(project, "init", "--quiet")
    git(project, "remote", "add", "origin", str(remote))
    return project, remote


def test_deploy_pushes_the_publish_build_to_gh_pages(project):
    project, remote = project
    first = make(project, "deploy")
    assert first.returncode == 0, first.stdout + first.stderr
    files = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert {"index.html", ".nojekyll", "blog/2020/05/hello/index.html", "404.html"} <= files
    published = git(remote, "show", "gh-pages:blog/2020/05/hello/index.html")
    assert published == (project / "output/blog/2020/05/hello/index.html").read_text("utf-8")
    # publishconf: absolute URLs from the public address, not the local root-relative ones.
    assert 'href="https://open.coop/' in published
    # The project's own branch and index are untouched by the deploy.
    assert git(project, "status", "--porcelain", "--untracked-files=no") == ""

    post = project / "content/posts/hello.md"
    post.write_text(TINY_POST.format(title="A second edition"), encoding="utf-8")
    second = invoke(project, "gh-pages")
    assert second.returncode == 0, second.stdout + second.stderr
    history = git(remote, "log", "--format=%H %P", "gh-pages").splitlines()
    assert len(history) == 2 and history[0].split()[1] == history[1].split()[0]
    assert "A second edition" in git(remote, "show", "gh-pages:blog/2020/05/hello/index.html")


def test_deploy_refuses_a_site_with_content_errors(project):
    project, remote = project
    post = project / "content/posts/hello.md"
    post.write_text(TINY_POST.format(title="Broken").replace("Commons", "Gardening"),
                    encoding="utf-8")
    result = make(project, "deploy")
    assert result.returncode != 0
    assert "hello.md:3: field 'category': unknown category 'Gardening'" in result.stdout
    assert "nothing was deployed" in result.stderr
    assert not (project / "output").exists()
    refs = subprocess.run(["git", "show-ref"], cwd=remote, capture_output=True, text=True)
    assert refs.stdout == "", "nothing may reach the remote"


def test_deploy_target_can_be_another_remote_and_branch(project, tmp_path):
    project, _ = project
    other = tmp_path / "other.git"
    git(tmp_path, "init", "--quiet", "--bare", str(other))
    result = invoke(project, "deploy",
                    env=env_for(project, DEPLOY_REMOTE=str(other), DEPLOY_BRANCH="site"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "index.html" in git(other, "ls-tree", "--name-only", "site").split()
