"""Validates posts and pages so contributor mistakes stop the build with a precise message."""

from .checks import register

__all__ = ["register"]
