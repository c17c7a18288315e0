"""The editor's configuration is the site's own schema, and /admin/ stays out of readers' way:
noindex, not in the sitemap or the search index."""

from __future__ import annotations

import re
import runpy
from importlib import resources
from pathlib import Path

import yaml

from conftest import ROOT

SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))


def _config(real_site: Path) -> dict:
    return yaml.safe_load((real_site / "admin" / "config.yml").read_text(encoding="utf-8"))


def _fields(config: dict, collection: str) -> dict[str, dict]:
    (found,) = [c for c in config["collections"] if c["name"] == collection]
    return {field["name"]: field for field in found["fields"]}


def test_the_editor_offers_what_the_checks_accept(real_site):
    config = _config(real_site)
    posts = _fields(config, "posts")
    assert posts["category"]["options"] == SETTINGS["PUBLICATION_CATEGORIES"]
    required = {name for name, field in posts.items() if field["required"]}
    assert required == set(SETTINGS["POST_REQUIRED_FIELDS"])
    for name in required:
        assert posts[name]["widget"].startswith("required-")
        assert posts[name]["problem"] == (f"field '{name}': is empty (required; write it "
                                          f"after '{name.title()}:')")
    events = _fields(config, "events")
    # The zones of the pinned tzdata package, which the build reads (not the machine's list,
    # which may hold names such as "localtime" that are no zone).
    pinned = set(resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split())
    assert set(events["timezone"]["options"]) == pinned
    groups = sorted(p.stem for p in (ROOT / "content" / "working-groups").glob("*.md"))
    assert sorted(option["value"] for option in events["group"]["options"]) == groups
    assert sorted(option["value"] for option in posts["group"]["options"]) == groups
    assert "Ada Lovelace" not in posts["authors"]["hint"]  # only the content's own authors
    assert config["backend"]["name"] == "github" and config["backend"]["open_authoring"] is True
    assert config["publish_mode"] == "editorial_workflow"
    assert "local_backend" not in config  # only make editor points the editor at the working copy
    # An upload heavier than the check allows is refused by the editor's media library.
    for collection in ("posts", "groups"):
        image = _fields(config, collection)["image"]
        assert image["media_library"]["config"]["max_file_size"] == \
            SETTINGS["CONTENT_IMAGE_MAX_BYTES"]
    # A slug the check refuses (too long, or not lower-case words) the editor refuses too.
    pattern = re.compile(posts["slug"]["pattern"][0])
    assert pattern.match("a" * 100) and pattern.match("our-first-year")
    assert not any(pattern.match(s) for s in ("a" * 101, "Our-year", "a--b", ""))


def test_the_editor_stays_out_of_readers_and_search_engines_way(real_site):
    page = (real_site / "admin" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'data-pagefind-ignore="all"' in page
    assert "/admin/" not in (real_site / "sitemap.xml").read_text(encoding="utf-8")
    scripts = [src for src in ("/admin/decap-cms.js", "/admin/editor.js") if src in page]
    assert scripts == ["/admin/decap-cms.js", "/admin/editor.js"]
    assert (real_site / "admin" / "decap-cms.js").stat().st_size > 1_000_000
