"""fastbuild.outputcache: a file is reused only when its key matches and the previous output
still holds the very file the previous build wrote."""

from __future__ import annotations

import os
from pathlib import Path

from fastbuild.outputcache import OutputCache, make_key


def _build(tmp: Path, name: str, files: dict[str, tuple[str, str]], swap: bool = True) -> OutputCache:
    """Simulate one staged build: produce or reuse each file, save, swap into place."""
    final, staging = tmp / "output", tmp / f"staging-{name}"
    staging.mkdir()
    settings = {"OUTPUT_CACHE": True, "CACHE_PATH": str(tmp / "cache"), "OUTPUT_PATH": str(final)}
    cache = OutputCache(settings, "test", str(staging))
    for relpath, (key, text) in files.items():
        if not cache.reuse(relpath, key):
            target = staging / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            cache.record(relpath, key)
    cache.save()
    if swap:
        if final.exists():
            final.rename(tmp / f"old-{name}")
        staging.rename(final)
    return cache


def test_unchanged_keys_reuse_the_previous_files_and_changed_ones_are_rebuilt(tmp_path):
    _build(tmp_path, "1", {"a.html": ("k1", "A one"), "dir/b.html": ("k2", "B one")})
    second = _build(tmp_path, "2", {"a.html": ("k1", "A two"), "dir/b.html": ("k2b", "B two")})
    assert second.reused == 1
    assert (tmp_path / "output" / "a.html").read_text() == "A one"
    assert (tmp_path / "output" / "dir" / "b.html").read_text() == "B two"


def test_a_file_replaced_by_another_build_is_not_reused(tmp_path):
    _build(tmp_path, "1", {"a.html": ("k1", "A one")})
    target = tmp_path / "output" / "a.html"
    target.unlink()
    target.write_text("written by make publish")
    again = _build(tmp_path, "2", {"a.html": ("k1", "A fresh")})
    assert again.reused == 0 and target.read_text() == "A fresh"


def test_a_failed_build_leaves_nothing_reusable(tmp_path):
    _build(tmp_path, "1", {"a.html": ("k1", "A one")})
    _build(tmp_path, "2", {"a.html": ("k2", "A two")}, swap=False)  # never swapped in
    third = _build(tmp_path, "3", {"a.html": ("k2", "A three")})
    assert third.reused == 0 and (tmp_path / "output" / "a.html").read_text() == "A three"


def test_disabled_cache_never_reuses(tmp_path):
    staging = tmp_path / "s"
    staging.mkdir()
    cache = OutputCache({"OUTPUT_CACHE": False, "CACHE_PATH": str(tmp_path)}, "x", str(staging))
    assert not cache.reuse("a.html", "k")


def test_keys_are_stable_and_unambiguous():
    assert make_key("a", "bc") == make_key("a", "bc")
    assert make_key("a", "bc") != make_key("ab", "c")
    assert make_key(b"\x00", 1) == make_key(b"\x00", "1")
    assert len(os.path.basename(make_key("x"))) == 32
