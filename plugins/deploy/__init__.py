"""Publishing the built site: push ``output/`` to a gh-pages branch, or rsync it to a server.

Not a Pelican plugin: tasks.py (``make deploy``) calls it after a clean check and a publishconf
build, so a site with content errors never leaves the machine.
"""

from .push import DeployError, push_gh_pages, rsync

__all__ = ["DeployError", "push_gh_pages", "rsync"]
