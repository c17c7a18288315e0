"""Scheduling of output that does not go through Pelican's ``write_file`` (for the plugins that
write feeds, calendars and the sitemap)."""

from __future__ import annotations

from typing import Any, Callable


def beside_pages(writer: Any, job: Callable[[], None]) -> None:
    """Run ``job`` (it writes feeds, calendars...) while the pages render, when the writer can
    (the speed layer's writer runs it beside the pages, maybe in a worker), else now. ``job`` must only write files:
    anything it changes in memory may be lost with its process."""
    schedule = getattr(writer, "beside_pages", None)
    if schedule is None:
        job()
    else:
        schedule(job)
