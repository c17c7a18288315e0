"""Events: YAML event files become event pages and iCalendar files (see issue 3)."""

from .generator import register

__all__ = ["register"]
