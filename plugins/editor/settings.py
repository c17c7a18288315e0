"""Defaults for the editor plugin; a site overrides any of them in pelicanconf.py/publishconf.py."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

DEFAULTS: dict[str, Any] = {
    # Where the editor is written in the output ("" writes no editor at all).
    "EDITOR_URL": "admin/",
    # The folder holding Decap CMS's built files (npm decap-cms, dist/). When it is missing the
    # page says how to install it instead of loading a script that is not there.
    "EDITOR_BUNDLE_PATH": "",
    # The GitHub repository contributors' pull requests go to, and its branch.
    "EDITOR_REPO": "opencoop/site",
    "EDITOR_BRANCH": "main",
    # The OAuth client's host and path that hand the editor a GitHub token (CONTRIBUTING.md).
    "EDITOR_AUTH_BASE_URL": "",
    "EDITOR_AUTH_ENDPOINT": "",
    # Contributors without write access get a fork and a pull request.
    "EDITOR_OPEN_AUTHORING": True,
    # decap-server's API (make editor): the editor then writes the working copy, no login.
    "EDITOR_LOCAL_BACKEND": "",
    # The content folder as seen from the repository root; default: PATH's own name.
    "EDITOR_CONTENT_FOLDER": "",
}


@dataclass(frozen=True)
class EditorSettings:
    url: str
    bundle_path: str
    repo: str
    branch: str
    auth_base_url: str
    auth_endpoint: str
    open_authoring: bool
    local_backend: str
    content_folder: str
    public_siteurl: str

    @property
    def save_folder(self) -> str:
        return self.url.strip("/")

    def bundle_file(self) -> str | None:
        """Decap CMS's main script when it is installed, else None."""
        path = os.path.join(self.bundle_path, "decap-cms.js") if self.bundle_path else ""
        return path if path and os.path.isfile(path) else None


def read(settings: Mapping[str, Any]) -> EditorSettings:
    """Merge the site's settings over DEFAULTS once, into an immutable object."""
    merged = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    folder = merged["EDITOR_CONTENT_FOLDER"] or os.path.basename(
        os.path.normpath(str(settings.get("PATH", "content"))))
    return EditorSettings(
        url=str(merged["EDITOR_URL"] or ""),
        bundle_path=str(merged["EDITOR_BUNDLE_PATH"] or ""),
        repo=str(merged["EDITOR_REPO"]),
        branch=str(merged["EDITOR_BRANCH"]),
        auth_base_url=str(merged["EDITOR_AUTH_BASE_URL"] or ""),
        auth_endpoint=str(merged["EDITOR_AUTH_ENDPOINT"] or ""),
        open_authoring=bool(merged["EDITOR_OPEN_AUTHORING"]),
        local_backend=str(merged["EDITOR_LOCAL_BACKEND"] or ""),
        content_folder=folder.strip("/"),
        public_siteurl=str(settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/"),
    )
