"""Keeps Pelican's content cache safe to use: one cache per set of settings and library versions."""

from .fingerprint import register

__all__ = ["register"]
