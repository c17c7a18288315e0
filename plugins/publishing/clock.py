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
