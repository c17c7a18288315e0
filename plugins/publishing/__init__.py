"""Shared helpers for the site's plugins and build: problems, clock, JSON-LD, safe builds.

Not a Pelican plugin itself (it has no ``register``): the plugins under ``plugins/`` import it,
and ``pelicanconf.py`` puts ``plugins/`` on ``sys.path`` so they can.
"""


def __getattr__(name: str):
    # PELICAN_CLASS = "publishing.PublishingPelican": Pelican imports the top-level package of a
    # dotted name and takes the class from it.
    if name == "PublishingPelican":
        from .site import PublishingPelican

        return PublishingPelican
    raise AttributeError(name)
