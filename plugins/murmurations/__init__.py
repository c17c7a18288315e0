"""Murmurations profiles: the network as an organisation and each working group, as JSON files the
Murmurations index reads (https://murmurations.network), linked from the pages they describe."""

from .plugin import register

__all__ = ["register"]
