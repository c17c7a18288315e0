"""Every place the project relies on a private part of Pelican, pinned to the installed source.

The plugins extend Pelican through signals, subclasses and documented hooks. Where that was not
enough, a file here relies on how an upstream function behaves inside; an upgrade that changes
the function changes the digest, and the test names the file to re-check before PINNED is
updated. Versions are pinned in requirements.txt, so this fails only on a deliberate upgrade.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
from pathlib import Path

import pelican
import pytest

# "module:qualified name" -> (first 16 hex digits of the SHA-256 of its source, who relies on it
# and how).
PINNED = {
    "pelican.readers:MarkdownReader.read": (
        "1c8cfd04d8822d57",
        "plugins/fastbuild/markdown.py: its reader calls _parse_metadata as read does, with a "
        "stand-in for the reader's _md"),
    "pelican.readers:MarkdownReader._parse_metadata": (
        "3f01f071bbc3672d", "plugins/fastbuild/markdown.py (see MarkdownReader.read)"),
    "pelican.contents:Content.__init__": (
        "38b67e4211facf9d",
        "plugins/fastbuild/contents.py sets a cached object's _context, where __init__ keeps the "
        "site's context; plugins/content_checks/checks.py reads _content, the body as read"),
    "pelican:Pelican.run": (
        "296180f3ec4d7bff",
        "plugins/publishing/site.py: PublishingPelican.run and _staged do what run does, in a "
        "staging folder, with the content checks between reading and writing"),
    "pelican.cache:FileDataCacher.__init__": (
        "0e94df62b258a9c2",
        "plugins/publishing/site.py (_generators): only a PickleError is caught there, so a cache "
        "file that ends early stops the build; the build reads every source again instead"),
    "pelican:Pelican._get_generator_classes": (
        "18d46c73fad28de9", "plugins/publishing/site.py (_generators)"),
    "pelican:Pelican._get_writer": ("cff8ccb6d51cbb89", "plugins/publishing/site.py (_staged)"),
    "pelican.generators:Generator.get_template": (
        "e35d7e44243855ec",
        "plugins/publishing/preview.py (_forget_templates empties _templates, where get_template "
        "keeps what it loaded)"),
    "pelican.utils:memoized": (
        "e17e76fd986fe4f4",
        "plugins/publishing/preview.py (_forget_rendered_contents empties memoized's cache)"),
}


def _source_digest(name: str) -> str:
    module, _, path = name.partition(":")
    target = importlib.import_module(module)
    for part in path.split("."):
        target = getattr(target, part)
    return hashlib.sha256(inspect.getsource(target).encode()).hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_private_seam_still_matches_the_installed_pelican(name):
    pinned, user = PINNED[name]
    assert _source_digest(name) == pinned, (
        f"{name} changed upstream: re-check {user}, then update PINNED in {__file__}")


def test_every_private_name_the_plugins_use_is_pinned_here():
    """A plugin that starts relying on another private Pelican name must add it here: each
    access of a private attribute on an object the plugins do not define is listed."""
    # Private names of Pelican's the plugins use, and the pinned function that defines them.
    known = {"_parse_metadata": "MarkdownReader._parse_metadata", "_md": "MarkdownReader.read",
             "_source_path": "MarkdownReader.read",
             "_context": "Content.__init__", "_content": "Content.__init__",
             "_get_generator_classes": "Pelican._get_generator_classes",
             "_get_writer": "Pelican._get_writer", "_templates": "Generator.get_template"}
    pinned = {name.partition(":")[2] for name in PINNED}
    assert set(known.values()) <= pinned
    plugins = Path(__file__).resolve().parent.parent / "plugins"
    upstream = _private_names_of_pelican()
    used: set[str] = set()
    for path in plugins.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= {name for name in re.findall(r"\.(_[a-z]\w*)\b", text) if name in upstream}
        used |= {name for name in re.findall(r"[\"'](_[a-z]\w*)[\"']", text) if name in upstream}
    assert used <= set(known), f"private Pelican names used but not pinned: {used - set(known)}"


def _private_names_of_pelican() -> set[str]:
    """Names starting with one underscore that Pelican's own source assigns or defines."""
    names: set[str] = set()
    for path in Path(pelican.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"self\.(_[a-z]\w*)\s*=", text))
        names |= set(re.findall(r"def (_[a-z]\w*)\(", text))
    return names
