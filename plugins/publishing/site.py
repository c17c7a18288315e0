"""A Pelican that never leaves a half-built site.

It runs the same generators as Pelican, but writes into a staging folder beside the output and
swaps it into place only when the whole build succeeded. A writer that left unchanged files in
the previous output (fastbuild's, ``kept``) gets the output brought up to date file by file
instead: each new or changed file renamed into place, each file no longer built deleted. Either
way the entries named in ``OUTPUT_RETENTION`` stay (as Pelican keeps them when it deletes the
output folder): the search index, which is made after the build.
Content problems reported by the plugins (and errors Pelican itself logs, such as an
unparseable date) stop the build before anything is written, all of them listed at once.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from pelican import Pelican, signals
from pelican.cache import FileDataCacher
from pelican.generators import ArticlesGenerator, PagesGenerator

from .problems import (WRITING_ERRORS, ContentError, Problem, collect_problems, output_problem,
                       problems_of)
from .treesync import move_into

logger = logging.getLogger(__name__)


class _ErrorCapture(logging.Handler):
    """Turns errors logged by Pelican's readers into problems instead of silently skipped files."""

    def __init__(self, content_path: str = "") -> None:
        super().__init__(level=logging.ERROR)
        self.problems: list[Problem] = []
        self.content_path = content_path

    def _path(self, arg: object) -> str:
        # Pelican logs source paths relative to the content folder ("posts/x.md").
        for candidate in (str(arg), os.path.join(self.content_path, str(arg))):
            # A symbolic link to nothing is a file Pelican could not read, too.
            if os.path.isfile(candidate) or os.path.islink(candidate):
                return os.path.abspath(candidate)
        return ""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not hide the real error
            message = str(record.msg)
        path = ""
        if record.args and isinstance(record.args, tuple):
            path = next(filter(None, (self._path(arg) for arg in record.args)), "")
        # Pelican's messages end in an exception repr; keep only the first line, and add the
        # reason of the exception being handled (Pelican hides it unless DEBUG is on).
        message = message.splitlines()[0] if message else "error"
        error = sys.exc_info()[1]
        reason = str(error).splitlines()[0] if error is not None and str(error) else ""
        if reason and reason not in message:
            message = f"{message}: {reason}"
        # An error that knows its line (a limit of the content checks) is reported as such.
        line = getattr(error, "line", None)
        if line is not None and reason:
            message = reason
        self.problems.append(Problem(path or "build", line, None, message[:300]))


class _HeldBack(logging.Filter):
    """Keeps Pelican's own warnings and errors off the console while the sources are read: each
    error becomes a problem line (above), and a warning is printed afterwards only when the file
    it names has no problem of its own, so no mistake is reported twice."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and record.name.split(".")[0] == "pelican":
            self.records.append(record)
            return False
        return True

    def release(self, problem_paths: set[str], content_path: str) -> None:
        """Print the held warnings except those about a file with a problem, or about a file
        that does not exist (a link or image to it is reported by the content checks)."""
        for record in self.records:
            if record.levelno >= logging.ERROR:
                continue
            named = {os.path.abspath(os.path.join(content_path, str(arg)))
                     for arg in (record.args if isinstance(record.args, tuple) else ())
                     if isinstance(arg, (str, os.PathLike)) and os.sep in str(arg)}
            if not named & problem_paths and all(os.path.exists(path) for path in named):
                # callHandlers, not handle: Pelican's logger filters out a record seen before.
                logging.getLogger(record.name).callHandlers(record)


class PluginLoadError(RuntimeError):
    """A plugin named in PLUGINS could not be imported or registered."""


def _loading_the_content_cache(error: BaseException) -> bool:
    """Whether ``error`` was raised while Pelican loaded a content cache file."""
    return any(frame.f_code is FileDataCacher.__init__.__code__
               for frame, _ in traceback.walk_tb(error.__traceback__))


class PublishingPelican(Pelican):
    """Pelican with staged output, collected content problems and a write-free ``check``."""

    # A long-running preview rebuilds into the same private folder again and again: its
    # staging folder's empty folders (one per page) are then kept beside it for the next
    # build, instead of thousands of folders made and removed in every rebuild.
    reuse_staging_folders = False

    def init_plugins(self) -> None:
        # Pelican logs a plugin that fails to import and builds on without it: a site missing a
        # whole plugin's pages and checks must not pass for a good build.
        wanted = [name for name in self.settings.get("PLUGINS") or [] if isinstance(name, str)]
        super().init_plugins()
        missing = [name for name in wanted if name not in self.settings["PLUGINS"]]
        if missing:
            raise PluginLoadError(f"plugin(s) {', '.join(missing)} could not be loaded "
                                  "(the error above says why)")

    # run() and _staged() do what Pelican.run does, reading and writing apart, through two of
    # its private methods (tests/test_upstream_seams.py pins all three).
    def _generators(self, context: dict, output_path: str) -> list:
        try:
            return self._new_generators(context, output_path, self.settings)
        except Exception as error:
            if not _loading_the_content_cache(error):
                raise
            # Pelican loads its content cache as each generator is made, and a cache file it
            # cannot unpickle (one a build stopped while saving, or one that could not be
            # written whole) stops every build after it, until the folder is deleted by hand.
            logger.warning("Could not read the content cache in %s (%s: %s): every source is "
                           "read again and the cache saved anew", self.settings["CACHE_PATH"],
                           type(error).__name__, error)
            return self._new_generators(context, output_path,
                                        {**self.settings, "LOAD_CONTENT_CACHE": False})

    def _new_generators(self, context: dict, output_path: str, settings: dict) -> list:
        return [
            cls(context=context, settings=settings, path=self.path,
                theme=self.theme, output_path=output_path)
            for cls in self._get_generator_classes()
        ]

    def _new_context(self) -> dict:
        context = self.settings.copy()
        context["generated_content"] = {}
        context["static_links"] = set()
        context["static_content"] = {}
        context["localsiteurl"] = self.settings["SITEURL"]
        collect_problems(context)
        return context

    def _read(self, output_path: str) -> tuple[dict, list]:
        """Read and validate every source file; raise ContentError listing all problems."""
        context = self._new_context()
        generators = self._generators(context, output_path)
        capture = _ErrorCapture(self.settings["PATH"])
        held = _HeldBack()
        pelican_logger = logging.getLogger("pelican")
        pelican_logger.addHandler(capture)
        handlers = logging.getLogger().handlers
        for handler in handlers:
            handler.addFilter(held)
        try:
            for generator in generators:
                if hasattr(generator, "generate_context"):
                    generator.generate_context()
                if hasattr(generator, "check_disabled_readers"):
                    generator.check_disabled_readers()
            signals.all_generators_finalized.send(generators)
        finally:
            pelican_logger.removeHandler(capture)
            for handler in handlers:
                handler.removeFilter(held)
        reported = problems_of(context)
        # A plugin's precise diagnosis of a file (line, field) replaces Pelican's generic one.
        precise = {os.path.abspath(p.path) for p in reported}
        held.release(precise, self.settings["PATH"])
        problems = reported + [p for p in capture.problems if os.path.abspath(p.path) not in precise]
        if problems:
            raise ContentError(problems)
        return context, generators

    def check(self) -> list[Problem]:
        """Validate all content without writing anything; returns the problems found."""
        try:
            self._read(tempfile.gettempdir())
        except ContentError as error:
            return error.problems
        return []

    def run(self) -> None:
        self._staged(lambda staging: self._read(staging)[1])

    def write_again(self, generators: list) -> None:
        """Write the site again from ``generators``, which a successful ``run`` of this
        instance read, without reading anything: a long-running preview after an edit of the
        theme alone (templates and their static files are loaded afresh)."""
        self._staged(lambda staging: generators)

    def _staged(self, generators_for) -> None:
        final = Path(self.output_path)
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
        folders = final.with_name(f".{final.name}-folders")
        if self.reuse_staging_folders:
            _claim_folders(folders, staging)
        self.output_path = str(staging)
        writer = None
        try:
            generators = generators_for(str(staging))
            for generator in generators:
                generator.output_path = str(staging)
                if hasattr(generator, "refresh_metadata_intersite_links"):
                    generator.refresh_metadata_intersite_links()
            writer = self._get_writer()
            try:
                for generator in generators:
                    if hasattr(generator, "generate_output"):
                        generator.generate_output(writer)
                if hasattr(writer, "finish"):  # a writer that defers its work (fastbuild)
                    writer.finish()
            except WRITING_ERRORS as error:
                # What content can still make a writer raise: named, with its source file.
                raise ContentError([output_problem(error)]) from error
            signals.finalized.send(self)
        except BaseException:
            if hasattr(writer, "abandon"):  # forget work it deferred (fastbuild)
                writer.abandon()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            self.output_path = str(final)
        kept = getattr(writer, "kept", None)
        retained = tuple(self.settings.get("OUTPUT_RETENTION") or ())
        if kept and final.is_dir():
            move_into(staging, final, kept, retained)
            if self.reuse_staging_folders and not os.path.lexists(folders):
                staging.rename(folders)  # folders only, by now
            else:
                shutil.rmtree(staging, ignore_errors=True)
        else:
            if self.reuse_staging_folders:
                _remove_empty_folders(staging)
            _carry_over(final, staging, retained)
            _swap_into_place(staging, final)
        articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
        pages = next(g for g in generators if isinstance(g, PagesGenerator))
        logger.info("Built %d posts and %d pages into %s", len(articles.articles),
                    len(pages.pages), final)


def build(settings: dict) -> None:
    """Build the site ``settings`` describe (as read_settings gives them) once, staged; raises
    ContentError listing every content problem, leaving the previous output as it was."""
    PublishingPelican(settings).run()


def _claim_folders(folders: Path, staging: Path) -> None:
    """Put the folders a previous build left at ``folders`` in place of the new, empty
    ``staging``; a file among them (a build stopped halfway) and they are not used."""
    try:
        staging.rmdir()
        folders.rename(staging)
    except OSError:
        staging.mkdir(exist_ok=True)
        return
    for _root, _folders, files in os.walk(staging):
        if files:
            shutil.rmtree(staging)
            staging.mkdir()
            return


def _remove_empty_folders(root: Path) -> None:
    """Remove the folders under ``root`` that hold no file, deepest first."""
    for folder, _folders, files in os.walk(root, topdown=False):
        if not files and folder != str(root):
            try:
                os.rmdir(folder)
            except OSError:
                pass  # holds a folder that holds a file


def _carry_over(final: Path, staging: Path, names: tuple[str, ...]) -> None:
    """Move the entries of ``final`` named in OUTPUT_RETENTION (Pelican's setting: top-level
    names the build keeps in the output) into ``staging``, unless the build made them."""
    for name in names:
        kept, made = final / name, staging / name
        if os.path.lexists(kept) and not os.path.lexists(made):
            kept.rename(made)


def _swap_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` with ``staging`` using renames, so readers never see a partial site."""
    staging.chmod(0o755)  # mkdtemp makes it private; the site is public
    if not final.exists():
        staging.rename(final)
        return
    retired = final.with_name(f".{final.name}-old-{os.getpid()}")
    final.rename(retired)
    staging.rename(final)
    # Leftovers of earlier builds whose deletion was interrupted go too.
    _delete_in_background(sorted(final.parent.glob(f".{final.name}-old-*")))


def _delete_in_background(folders: list[Path]) -> None:
    """Delete the retired trees in a detached process: the new site is already in place, and
    removing thousands of files and folders takes a second or more on a slow disk."""
    try:
        subprocess.Popen(["rm", "-rf", "--", *map(str, folders)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    except OSError:  # no rm: do it here
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
