"""The content folder itself: nothing in it may lead outside it, and no source file may be
skipped silently.

- A symbolic link whose target lies outside content/ is refused: the pull-request check builds
  and uploads the site, so nothing outside content/ may ever reach it.
- A symbolic link to a folder is refused before anything is read: Pelican follows such links, so
  one to a folder inside content/ has every file under it read twice (without end, for a folder
  that holds the link, until the paths grow too long), and one to a folder outside has a whole
  other tree read.
- A name Windows cannot check out (``<>:"\\|?*`` or a control character in it, a trailing space
  or dot, a device name such as ``aux``), or two names in one folder that macOS and Windows take
  for the same (they ignore case and, on macOS, Unicode normalisation): the repository must clone
  on every contributor's machine.
- A picture readers could not see or would wait for: a format only Safari shows (HEIC, TIFF),
  or a file heavier than ``CONTENT_IMAGE_MAX_BYTES`` (1 MB unless set).
- A file with a source extension in another case (``x.MD``, ``x.YAML``) is not read by Pelican
  or the events plugin (they match extensions exactly), so it would vanish from the site.
- ``{static}``, ``{attach}`` and ``{filename}`` references must stay inside content/ once
  resolved (``escapes`` and ``References`` below, used by the link and image checks).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import unicodedata

from publishing.problems import Problem, problems_of, report

from .rules import quote
from .settings import read as read_settings
from .unstaged import stop

# Source extensions, lower case, as Pelican's Markdown reader and the events plugin match them.
SOURCE_EXTENSIONS = ("md", "markdown", "mkd", "mdown", "yaml", "yml")


# What Windows refuses in a file name, and the device names it reserves (with any extension).
WINDOWS_REFUSES = re.compile(r'[<>:"\\|?*\x00-\x1f]')
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                             *(f"lpt{n}" for n in range(1, 10))})
WINDOWS = "cannot be checked out on Windows"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file or folder name on every contributor's machine, if so."""
    refused = sorted(set(WINDOWS_REFUSES.findall(name)))
    if refused:
        shown = " ".join(repr(c)[1:-1] if c.isprintable() else repr(c) for c in refused)
        return (f"{WINDOWS}: its name has {shown} (expected letters, digits, hyphens, "
                "underscores and dots)")
    if name.endswith((" ", ".")):
        return f"{WINDOWS}: its name ends with a space or a dot"
    if name.split(".", 1)[0].lower() in WINDOWS_DEVICES:
        return f"{WINDOWS}: {quote(name.split('.', 1)[0])} is a device name there (rename it)"
    return None


# Pictures every browser shows, and those only Safari does (as a phone or a scanner saves them).
WEB_IMAGES = frozenset({"jpg", "jpeg", "png", "gif", "webp", "avif", "svg"})
SAFARI_ONLY = frozenset({"heic", "heif", "tif", "tiff"})


def image_problem(path: str, name: str, limit: int) -> str | None:
    """What keeps the picture ``path`` from readers, if anything."""
    extension = name.rpartition(".")[2].lower()
    if extension in SAFARI_ONLY:
        return (f"is a .{extension} picture, which browsers other than Safari do not show "
                "(expected JPEG, PNG, WebP, AVIF, GIF or SVG: export it as JPEG)")
    if extension in WEB_IMAGES:
        try:
            size = os.path.getsize(path)
        except OSError:  # gone since the folder was listed (an edit during a live preview)
            return None
        if size > limit:
            return (f"is {size / 1e6:.1f} MB, slow to load on a phone (expected at most "
                    f"{limit / 1e6:g} MB: resize it to at most 2,000 pixels wide, or compress it)")
    return None


def _same_elsewhere(name: str) -> str:
    """What macOS and Windows compare when they look a name up."""
    return unicodedata.normalize("NFC", name).lower()


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def escapes(root: str, candidate: str) -> bool:
    """True when ``candidate`` (a path built from a reference) resolves outside ``root``,
    through ``..`` or through a symbolic link."""
    return not _inside(os.path.realpath(candidate), os.path.realpath(root))


class References:
    """Where references under the content folder ``root`` lead: "outside" it (as ``escapes``
    says), "found" or "missing". Each path is resolved once, and each folder once: most posts
    link into the same few folders, and resolving a path costs a system call per folder in it,
    where the folder resolved already and one ``lstat`` of the name in it give the same."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)
        self._folders: dict[str, str] = {}
        self._known: dict[str, str] = {}

    def where(self, candidate: str) -> str:
        known = self._known.get(candidate)
        if known is None:
            known = self._known[candidate] = self._resolve(candidate)
        return known

    def _resolve(self, candidate: str) -> str:
        folder, name = os.path.split(candidate)
        if name in ("", ".", ".."):
            resolved = os.path.realpath(candidate)
        else:
            real = self._folders.get(folder)
            if real is None:
                real = self._folders[folder] = os.path.realpath(folder)
            resolved = os.path.join(real, name)
        try:
            if stat.S_ISLNK(os.lstat(resolved).st_mode):
                resolved = os.path.realpath(resolved)
                exists = os.path.exists(resolved)
            else:
                exists = True
        except OSError:
            exists = False
        if not _inside(resolved, self.root):
            return "outside"
        return "found" if exists else "missing"


# Marks a build's context once its folder links are checked: every generator's init sends the
# signal, and they share the context.
LINKS_CHECKED = "CONTENT_FOLDER_LINKS_CHECKED"


def refuse_folder_links(generator) -> None:
    """generator_init: stop the build, before any file is read, at symbolic links to folders."""
    context = generator.context
    if context.get(LINKS_CHECKED):
        return
    context[LINKS_CHECKED] = True
    root = os.path.realpath(context.get("PATH", generator.path))
    problems = []
    # Not following links, os.walk still lists one to a folder among the folders.
    for folder, dirs, _files in os.walk(root):
        for name in sorted(dirs):
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                continue
            target = os.path.realpath(path)
            if _inside(target, root):
                reason = ("inside content/, so its files would be read twice, or over and over "
                          "where the folder holds the link (expected a folder of its own)")
            else:
                reason = "outside content/ (expected the files themselves, copied into content/)"
            problems.append(Problem(path, None, None,
                                    f"is a symbolic link to the folder {target!s:.80}, {reason}"))
    if problems:
        stop(context, problems)


def check_tree(generators: list) -> None:
    """all_generators_finalized: symbolic links out of content/, names, pictures, wrong-case
    extensions, source files nothing reads."""
    if not generators:
        return
    context = generators[0].context
    root = os.path.realpath(context.get("PATH", "."))
    static = tuple(str(p).strip("/") + "/" for p in context.get("STATIC_PATHS") or [])
    image_limit = read_settings(context).image_max_bytes
    sources: list[tuple[str, str]] = []  # (path, relative) of the Markdown and YAML files
    for folder, dirs, files in os.walk(root):
        seen: dict[str, str] = {}
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            problem = name_problem(name)
            if problem:
                report(context, path, None, None, problem)
            other = seen.setdefault(_same_elsewhere(name), name)
            if other != name:
                report(context, path, None, None, f"has the same name as {quote(other)} on macOS "
                       "and Windows, which ignore case: a checkout there keeps only one of them "
                       "(rename one)")
            if os.path.islink(path):
                # os.walk does not follow links; one to a folder has stopped the build already.
                target, where = os.path.realpath(path), None
                if not _inside(target, root):
                    where = "outside content/ (expected the file itself, copied into content/)"
                elif not os.path.exists(target):
                    where = "which does not exist (expected the file itself)"
                if where:
                    report(context, path, None, None,
                           f"is a symbolic link to {target!s:.80}, {where}")
                    continue
            if name in files:
                problem = image_problem(path, name, image_limit)
                if problem:
                    report(context, path, None, None, problem)
            if name in files and not relative.startswith(static):
                stem, dot, extension = name.rpartition(".")
                if dot and stem and extension.lower() in SOURCE_EXTENSIONS \
                        and extension != extension.lower():
                    report(context, path, None, None,
                           f"use the .{extension.lower()} extension (a .{extension} file is "
                           "not read, so it would be missing from the site)")
                elif dot and stem and extension in SOURCE_EXTENSIONS:
                    sources.append((path, relative))
    _refuse_unread(context, sources)


def _refuse_unread(context: dict, sources: list[tuple[str, str]]) -> None:
    """A post or event in a folder no generator reads (``post/``, content/ itself) would pass
    the check and never be published: the files the generators read, or failed to, are in the
    context (Pelican's ``generated_content``), and a file with problems of its own is reported."""
    read = context.get("generated_content") or {}
    reported = {os.path.abspath(problem.path) for problem in problems_of(context)}
    ignored = context.get("IGNORE_FILES") or ()
    unread = [(path, relative) for path, relative in sources if relative not in read
              and os.path.abspath(path) not in reported
              and not any(fnmatch.fnmatch(os.path.basename(path), pattern) for pattern in ignored)]
    if not unread:
        return
    folders = sorted({key.split("/", 1)[0] + "/" for key in read if "/" in key})
    for path, _relative in unread:
        report(context, path, None, None, "is in no folder the site reads, so it would not be "
               f"published (expected it in {', '.join(folders) or 'a content folder'})")
