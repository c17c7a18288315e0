"""Deploy targets. Uses git plumbing on a private index, so the working tree, the current branch
and the user's index are never touched, and no extra dependency (ghp-import) is needed."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

# Without it GitHub Pages runs Jekyll, which drops files and folders starting with "_".
NOJEKYLL = ".nojekyll"
IDENTITY = {"GIT_AUTHOR_NAME": "Open Co-op publisher", "GIT_AUTHOR_EMAIL": "publisher@localhost",
            "GIT_COMMITTER_NAME": "Open Co-op publisher",
            "GIT_COMMITTER_EMAIL": "publisher@localhost"}


class DeployError(Exception):
    """A deployment that could not be done; the message says why."""


def _git(repo: Path, *args: str, env: dict | None = None, input: str | None = None,
         check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", *args], cwd=repo, env=env, input=input, capture_output=True,
                          text=True, timeout=300)
    if check and done.returncode != 0:
        raise DeployError(f"git {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


def _identity(repo: Path, env: dict) -> dict:
    # CI runners often have no git identity; a commit must still be possible.
    for key, value in IDENTITY.items():
        kind = "user.name" if key.endswith("NAME") else "user.email"
        if key not in env and not _git(repo, "config", kind, check=False).stdout.strip():
            env[key] = value
    return env


def push_gh_pages(repo: str | Path, output: str | Path, remote: str = "origin",
                  branch: str = "gh-pages", message: str = "Publish site") -> str:
    """Commit the contents of ``output`` as the next commit of ``branch`` on ``remote``, push it,
    and return the commit id. The previous gh-pages commit (if any) becomes its parent."""
    repo, output = Path(repo), Path(output)
    if not (output / "index.html").is_file():
        raise DeployError(f"{output} has no index.html: build the site first (make publish)")
    git_dir = _git(repo, "rev-parse", "--absolute-git-dir").stdout.strip()
    work = output.resolve()
    with tempfile.TemporaryDirectory(prefix="deploy-index-") as tmp:
        # GIT_DIR + GIT_WORK_TREE + a private index: output/ is staged as if it were a checkout.
        env = _identity(repo, {**os.environ, "GIT_DIR": git_dir, "GIT_WORK_TREE": str(work),
                               "GIT_INDEX_FILE": str(Path(tmp) / "index")})
        fetched = _git(work, "fetch", "--quiet", remote, f"refs/heads/{branch}", env=env,
                       check=False)
        parent = _git(work, "rev-parse", "FETCH_HEAD", env=env).stdout.strip() \
            if fetched.returncode == 0 else None
        _git(work, "add", "--all", "--force", ".", env=env)
        blob = _git(work, "hash-object", "-w", "--stdin", input="", env=env).stdout.strip()
        _git(work, "update-index", "--add", "--cacheinfo", f"100644,{blob},{NOJEKYLL}", env=env)
        tree = _git(work, "write-tree", env=env).stdout.strip()
        if parent and _git(work, "rev-parse", f"{parent}^{{tree}}", env=env).stdout.strip() == tree:
            logger.info("gh-pages already holds this build; nothing to push")
            return parent
        args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
        commit = _git(work, *args, env=env).stdout.strip()
        _git(work, "push", "--quiet", remote, f"{commit}:refs/heads/{branch}", env=env)
    logger.info("pushed %s to %s %s", commit[:12], remote, branch)
    return commit


def rsync(output: str | Path, target: str, delete: bool = True) -> None:
    """Mirror ``output/`` to ``target`` (``user@host:/path/`` or a local folder) with rsync."""
    if not shutil.which("rsync"):
        raise DeployError("rsync is not installed (set DEPLOY_RSYNC_TARGET empty to use gh-pages)")
    args = ["rsync", "--recursive", "--links", "--times", "--compress", "--checksum"]
    if delete:
        args.append("--delete")
    done = subprocess.run([*args, f"{Path(output)}/", target], capture_output=True, text=True)
    if done.returncode != 0:
        raise DeployError(f"rsync to {target} failed: {done.stderr.strip()}")

