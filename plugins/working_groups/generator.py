"""The generator: reads content/<WORKING_GROUPS_PATH>/*.md and writes the group pages."""

from __future__ import annotations

import os

from pelican.generators import Generator

from publishing.jsonld import script_tag
from publishing.problems import header_line, left_out, report, shared_values

from .model import Group
from .reader import read_group
from .settings import read_settings


class WorkingGroupsGenerator(Generator):
    """Fills ``working_groups``, ``archived_working_groups`` and ``working_groups_by_slug``."""

    def __init__(self, *args, **kwargs):
        self.working_groups: list[Group] = []
        self.archived_working_groups: list[Group] = []
        self.working_groups_by_slug: dict[str, Group] = {}
        super().__init__(*args, **kwargs)
        self.config = read_settings(self.settings)

    def generate_context(self) -> None:
        groups = []
        for relative in sorted(self.get_files([self.config["WORKING_GROUPS_PATH"]])):
            group = read_group(self, relative, self.config)
            if group is not None:
                groups.append(group)
        groups = self._without_duplicate_slugs(groups)
        groups.sort(key=Group.sort_key)
        archived = set(self.config["WORKING_GROUP_ARCHIVED_STATUSES"])
        self.working_groups = [g for g in groups if g.status not in archived]
        self.archived_working_groups = [g for g in groups if g.status in archived]
        self.working_groups_by_slug = {g.slug: g for g in groups}
        # Set directly: _update_context would turn the dict into a list of pairs.
        self.context["working_groups"] = self.working_groups
        self.context["archived_working_groups"] = self.archived_working_groups
        self.context["working_groups_by_slug"] = self.working_groups_by_slug
        self.context["WORKING_GROUPS_URL"] = self.config["WORKING_GROUPS_URL"]

    def _without_duplicate_slugs(self, groups: list[Group]) -> list[Group]:
        def relative(group: Group) -> str:
            return os.path.relpath(group.source_path, self.path)

        duplicates = shared_values(groups, lambda group: group.slug)
        for group, others in duplicates:
            report(self.context, group.source_path, header_line(group.source_path, "slug"),
                   "slug", f"duplicate working group slug '{group.slug}' (also used by "
                   f"{', '.join(sorted(map(relative, others)))}; expected a unique slug)")
        return left_out(groups, duplicates)

    def generate_output(self, writer) -> None:
        relative_urls = self.settings["RELATIVE_URLS"]
        writer.write_file(self.config["WORKING_GROUPS_SAVE_AS"], self.get_template("working_groups"),
                          self.context, relative_urls=relative_urls,
                          url=self.config["WORKING_GROUPS_URL"])
        for group in self.working_groups + self.archived_working_groups:
            writer.write_file(group.save_as, self.get_template("working_group"), self.context,
                              relative_urls=relative_urls, url=group.url, group=group,
                              jsonld=script_tag(self.jsonld(group)))
            if group.has_more_posts:
                writer.write_file(group.posts_save_as, self.get_template("working_group_posts"),
                                  self.context, relative_urls=relative_urls,
                                  url=group.posts_url, group=group)

    def jsonld(self, group: Group) -> dict:
        """schema.org Organization for the group, a member of the site's organisation."""
        site_url = self.settings.get("PUBLIC_SITEURL") or self.settings.get("SITEURL") or ""
        site_url = site_url.rstrip("/")
        parent = {"@type": "Organization", "name": self.settings["SITENAME"], "url": site_url + "/"}
        data = {
            "@context": "https://schema.org", "@type": "Organization",
            "@id": f"{site_url}/{group.url}#group", "name": group.title,
            "url": f"{site_url}/{group.url}", "description": group.purpose,
            "memberOf": parent, "parentOrganization": parent,
        }
        if group.contact:
            data["email"] = group.contact
        return data
