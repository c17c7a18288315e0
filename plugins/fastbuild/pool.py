"""Worker processes, started the platform's own way (fork on Linux up to Python 3.13, spawn on
macOS and Windows, forkserver on Linux from 3.14).

Work that only needs file paths and settings (Markdown) runs under any start method. Page
rendering needs the whole site in memory: where the workers are forked they inherit it (the
state is put in place before the pool starts); elsewhere the pages are rendered in this process.
A pool that cannot be started, or that breaks, leaves its work to this process, with a warning.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import threading
from concurrent.futures.process import BrokenProcessPool

from publishing import collector

logger = logging.getLogger(__name__)

# What starting a pool raises where processes or their semaphores cannot be had, and what a
# pool whose worker died raises: the work is then done in this process.
START_FAILURES = (OSError, ImportError, NotImplementedError, ValueError)
BROKEN = (OSError, BrokenProcessPool)


def workers_inherit_memory() -> bool:
    """True when new workers are forked, and so start with a copy of this process's memory. A
    fork while another thread runs can deadlock the child, so then False too."""
    return (multiprocessing.get_start_method(allow_none=False) == "fork"
            and threading.active_count() == 1)


def start(workers: int, what: str) -> concurrent.futures.ProcessPoolExecutor | None:
    """A pool of ``workers`` processes, or None (with one warning) when none can be started."""
    try:
        # A worker's own objects are short-lived: the interpreter's own collector thresholds,
        # whatever this process chose for its long-lived heap (a forked worker inherits them).
        return concurrent.futures.ProcessPoolExecutor(max_workers=workers,
                                                      initializer=collector.as_usual)
    except START_FAILURES as error:
        failed(what, error)
        return None


def failed(what: str, error: BaseException) -> None:
    logger.warning("Could not use worker processes for %s (%s); doing it in this process",
                   what, error)
