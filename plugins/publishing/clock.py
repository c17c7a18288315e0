"""The one place that says what "now" is, so builds are reproducible under SOURCE_DATE_EPOCH."""

from __future__ import annotations

import os
from datetime import datetime, timezone


def now() -> datetime:
    """Aware UTC "now": ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def real_now() -> datetime:
    """Aware UTC "now" from the machine's clock, whatever ``SOURCE_DATE_EPOCH`` says: for a check
    against the world (is a date still to come?), never for what a build writes. A check on the
    pinned time would refuse every post written after it."""
    return datetime.now(timezone.utc).replace(microsecond=0)
