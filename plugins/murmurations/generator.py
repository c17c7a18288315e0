"""Writes the network's and each listed working group's profile, once every source is read."""

from __future__ import annotations

import logging
import os
from typing import Any

from pelican.generators import Generator

from fastbuild import write_new
from publishing import links
from publishing.problems import header_line, report

from .profiles import dumps, group_profile, network_profile
from .settings import MurmurationsSettings, read, setting_problems

logger = logging.getLogger(__name__)

# A group page's header field that keeps the group out of the index: `Murmurations: no`.
OPT_OUT_FIELD = "murmurations"
ANSWERS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


class MurmurationsGenerator(Generator):
    """Puts ``murmurations_profiles`` (page -> profile path) in the context for the templates'
    <link rel="describedby" type="application/json">, and the profile URLs in ``sitemap_extra_urls``
    for the sitemap; writes the profiles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cfg: MurmurationsSettings | None = None
        self.groups: list = []

    def generate_context(self) -> None:
        # Nothing to read: the profiles are made from settings and the working groups.
        pass

    def prepare(self) -> None:
        problems = setting_problems(self.settings)
        for name, message in problems:
            report(self.context, "settings", None, name, message)
        self.groups = [group for group in self._all_groups() if self._listed(group)]
        if problems:
            return
        self.cfg = read(self.settings)
        paths = {"network": self.cfg.save_as}
        paths.update({f"group/{group.slug}": self.cfg.group_path(group.slug) for group in self.groups})
        self.context["murmurations_profiles"] = paths
        self.context.setdefault("sitemap_extra_urls", []).extend(paths.values())

    def _all_groups(self) -> list:
        # The working-groups plugin's context keys are the contract; without it, no groups.
        return (list(self.context.get("working_groups") or [])
                + list(self.context.get("archived_working_groups") or []))

    def _listed(self, group: Any) -> bool:
        """False when the group page opts out; a value that is not yes/no is reported."""
        value = (getattr(group.source, "metadata", {}) or {}).get(OPT_OUT_FIELD)
        if value is None:
            return True
        answer = ANSWERS.get(str(value).strip().lower())
        if answer is None:
            report(self.context, group.source_path, header_line(group.source_path, OPT_OUT_FIELD),
                   OPT_OUT_FIELD, f"'{value}' is not yes or no (expected 'Murmurations: no' to "
                   "leave this group out of the Murmurations index)")
            return False
        return answer

    def _feed_url(self, kind: str, slug: str = "") -> str | None:
        feed_for = self.context.get("feed_for")
        feed = feed_for(kind, slug) if callable(feed_for) else None
        return self.cfg.absolute(feed.rss) if feed else None

    def _image(self, value: str | None) -> str | None:
        if not value:
            return None
        resolved = links.resolve(str(value), "", self.context.get("static_content"),
                                 self.context.get("generated_content"))
        return self.cfg.absolute(resolved)

    def _tags(self, group: Any) -> list[str]:
        tags = (getattr(group.source, "metadata", {}) or {}).get("tags") or []
        return [getattr(tag, "name", str(tag)) for tag in tags]

    def generate_output(self, writer) -> None:
        if self.cfg is None:
            return
        cfg = self.cfg
        self._write(cfg.save_as, network_profile(cfg, self.groups, self._feed_url("all")))
        for group in self.groups:
            profile = group_profile(cfg, group, self._tags(group), self._image(group.image),
                                    self._feed_url("group", group.slug))
            self._write(cfg.group_path(group.slug), profile)
        logger.info("Wrote %d Murmurations profiles", 1 + len(self.groups))

    def _write(self, save_as: str, profile: dict) -> None:
        write_new(os.path.join(self.output_path, save_as), dumps(profile))


def get_generators(pelican: Any) -> type[MurmurationsGenerator]:
    return MurmurationsGenerator


def prepare(generators: list) -> None:
    for generator in generators:
        if isinstance(generator, MurmurationsGenerator):
            generator.prepare()
