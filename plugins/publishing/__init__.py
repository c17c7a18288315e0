"""Shared helpers for the site's plugins and build: problems, clock, JSON-LD, safe builds.

Not a Pelican plugin itself (it has no ``register``): the plugins under ``plugins/`` import it,
and ``pelicanconf.py`` puts ``plugins/`` on ``sys.path`` so they can.
"""
