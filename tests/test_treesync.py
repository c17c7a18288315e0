"""publishing.treesync: move_into, how a rebuild updates output/ (the new files renamed into
place, the kept ones left, everything else gone, whatever the previous tree had in the way), and
TreeSync, how the preview and the search index bring a folder up to date."""

from __future__ import annotations

import os
from pathlib import Path

from publishing.treesync import move_into


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _read(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text()
            for path in root.rglob("*") if path.is_file()}


def test_new_files_replace_old_ones_kept_ones_stay_and_the_rest_goes(tmp_path):
    output, staging = tmp_path / "output", tmp_path / "staging"
    _tree(output, {"index.html": "old home", "a/index.html": "A", "gone/index.html": "deleted post",
                   "b/index.html": "B"})
    kept_inode = os.stat(output / "a/index.html").st_ino
    _tree(staging, {"index.html": "new home", "c/index.html": "new post"})
    changes = move_into(staging, output, kept={"a/index.html", "b/index.html"})
    assert _read(output) == {"index.html": "new home", "a/index.html": "A",
                             "b/index.html": "B", "c/index.html": "new post"}
    assert os.stat(output / "a/index.html").st_ino == kept_inode
    assert not (output / "gone").exists()  # its emptied folder too
    assert changes.deleted == ["gone/index.html"]
    assert _read(staging) == {}


def test_a_file_that_became_a_folder_and_a_folder_that_became_a_file(tmp_path):
    output, staging = tmp_path / "output", tmp_path / "staging"
    _tree(output, {"feed": "a file", "page/index.html": "a folder"})
    _tree(staging, {"feed/index.html": "now a folder", "page": "now a file"})
    move_into(staging, output, kept=set())
    assert _read(output) == {"feed/index.html": "now a folder", "page": "now a file"}


def test_the_preview_sync_clears_the_way_too(tmp_path):
    from publishing.treesync import TreeSync  # noqa: PLC0415

    built, served = tmp_path / "built", tmp_path / "served"
    _tree(served, {"feed": "a file", "page/index.html": "a folder", "pagefind/x.js": "index"})
    _tree(built, {"feed/index.html": "now a folder", "page": "now a file"})
    TreeSync(built, served, keep=("pagefind",)).run()
    assert _read(served) == {"feed/index.html": "now a folder", "page": "now a file",
                             "pagefind/x.js": "index"}


def test_a_sync_into_a_new_folder_links_every_file_and_the_next_finds_them_equal(tmp_path):
    from publishing.treesync import TreeSync  # noqa: PLC0415

    built, served = tmp_path / "built", tmp_path / "new" / "served"
    _tree(built, {"index.html": "home", "a/b/c.html": "deep", "pagefind/x.js": "theirs"})
    sync = TreeSync(built, served, keep=("pagefind",))
    assert sorted(sync.run().written) == ["a/b/c.html", "index.html"]
    assert _read(served) == {"index.html": "home", "a/b/c.html": "deep"}
    assert os.stat(served / "a/b/c.html").st_ino == os.stat(built / "a/b/c.html").st_ino
    assert not sync.run() and not TreeSync(built, served, keep=("pagefind",)).run()
    (built / "index.html").unlink()
    (built / "index.html").write_text("home, edited")
    assert sync.run().written == ["index.html"]
    assert _read(served)["index.html"] == "home, edited"
