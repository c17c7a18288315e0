"""The events generator: reads content/events/*.yaml into the context, writes pages and .ics files.

Registered through Pelican's ``get_generators`` signal. generate_context() only reads and
validates (so ``make check`` sees every problem); generate_output() writes.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections import defaultdict
from operator import attrgetter
from zoneinfo import ZoneInfo

from content_checks.rules import FUTURE_SLACK
from content_checks.settings import read as read_check_settings
from markdown import Markdown
from pelican import signals
from pelican.generators import Generator
from pelican.urlwrappers import Tag
from pelican.utils import slugify

from publishing.clock import now, real_now
from fastbuild import OutputCache, beside_pages, write_new
from publishing.problems import left_out, report, shared_values
from publishing.remembered import Remembered

from . import jsonld, links, revisions, settings, timezones, timing, values
from .calendar_keys import CalendarKeys
from .loader import load_event
from .model import Event, default_uid

logger = logging.getLogger(__name__)
EXTENSIONS = ("yaml", "yml")
# Each event file as read and validated, with its problems, by the SHA-256 of its bytes.
READ = Remembered("events-read.pickle", version=1)


def _markdown_renderer(site_settings: dict):
    config = dict(site_settings.get("MARKDOWN") or {})
    extensions = list(config.get("extensions", []))
    extensions += [name for name in config.get("extension_configs", {}) if name not in extensions]
    config["extensions"] = extensions
    # One instance per build: loading the extensions costs far more than a short description;
    # reset() clears what a document leaves behind (footnotes, abbreviations, the toc).
    markdown = Markdown(**config)

    def render(text: str) -> str:
        return markdown.reset().convert(text)

    return render


class EventsGenerator(Generator):
    """Events from YAML files; see the Event contract in shared/design.md."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = settings.read(self.settings)
        self.embed_hosts = read_check_settings(self.settings).lint_hosts
        self.events: list[Event] = []

    # --- reading -------------------------------------------------------------------------
    def _check_settings(self) -> bool:
        ok = True
        if self.options["EVENTS_DEFAULT_TIMEZONE"]:
            try:
                values.zone(self.options["EVENTS_DEFAULT_TIMEZONE"])
            except values.FieldError as error:
                report(self.context, "pelicanconf.py", None, "EVENTS_DEFAULT_TIMEZONE", str(error))
                ok = False
        try:
            self.refresh = settings.parse_duration(self.options["EVENTS_REFRESH"])
        except ValueError as error:
            report(self.context, "pelicanconf.py", None, "EVENTS_REFRESH", str(error))
            ok = False
        return ok

    def _default_slug(self, relative: str) -> str:
        stem = os.path.splitext(os.path.basename(relative))[0]
        return stem if values.SLUG.match(stem) else slugify(stem) or "event"

    def _read(self, relative: str, render) -> Event | None:
        path = os.path.join(self.path, relative)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            report(self.context, path, None, None, f"cannot be read: {error.strerror}")
            return None
        parameters = slug, zone, hosts = (self._default_slug(relative),
                                          self.options["EVENTS_DEFAULT_TIMEZONE"], self.embed_hosts)

        def read(raw: bytes) -> bytes:
            # Kept pickled: the build annotates the event it is given (its timing, its tags).
            return pickle.dumps(load_event(raw, path, default_slug=slug, default_timezone=zone,
                                           render_markdown=render, embed_hosts=hosts),
                                protocol=pickle.HIGHEST_PROTOCOL)

        event, problems = pickle.loads(READ.get(path, parameters, raw, read))
        for problem in problems:
            report(self.context, problem.path, problem.line, problem.field, problem.message)
        if event is not None:
            event.relative_source_path = relative.replace(os.sep, "/")
            event.uid = event.uid or default_uid(event.slug, self.options["SITE_ID"])
        return event

    def _without_duplicates(self, events: list[Event]) -> list[Event]:
        keep = events
        for attribute, field in (("slug", "slug"), ("uid", "uid")):
            duplicates = shared_values(keep, attrgetter(attribute))
            for event, same in duplicates:
                others = ", ".join(e.relative_source_path for e in same)
                report(self.context, event.source_path, event.line(field) or 1, field,
                       f"duplicate event {attribute} '{getattr(event, attribute)}' (also used by "
                       f"{others}; expected a unique {attribute}, set '{field}:' in one of them)")
            keep = left_out(keep, duplicates)
        return keep

    def _tag(self, name: str) -> Tag:
        return Tag(name, self.settings)

    def generate_context(self) -> None:
        if not self._check_settings():
            return
        renderer = []

        def render(text: str) -> str:
            if not renderer:  # only when an event is read again (loading Markdown costs)
                renderer.append(_markdown_renderer(self.settings))
            return renderer[0](text)

        READ.load(self.settings)
        found = []
        for relative in sorted(self.get_files(self.options["EVENTS_PATH"], extensions=EXTENSIONS)):
            event = self._read(relative, render)
            if event is not None:
                found.append(event)
        READ.save(self.settings)
        events = self._without_duplicates(found)
        changed = revisions.last_changes(self.path, self.options["EVENTS_PATH"],
                                         [e.relative_source_path for e in events])
        for event in events:
            event.revised = changed.get(event.relative_source_path)
        floating = ZoneInfo(self.options["TIMEZONE"])
        moment = now()
        # Against the machine's clock, at each build: the read cache keeps what a file's bytes
        # say, and time only makes this pass.
        latest = real_now() + FUTURE_SLACK
        for event in events:
            self.add_source_path(event)
            if event.updated is not None and event.updated > latest:
                report(self.context, event.source_path, event.line("updated"), "updated",
                       f"{event.updated:%Y-%m-%d %H:%M} UTC is in the future (expected when the "
                       "event's details last changed, at the latest)")
            event.tag_objects = [self._tag(name) for name in event.tags]
            for tag, name in zip(event.tag_objects, event.tags):
                if not tag.slug:
                    report(self.context, event.source_path, event.line("tags"), "tags",
                           f"'{name}' gives an empty slug (expected letters or digits)")
            timing.annotate(event, moment, floating)
            event.when_text = timing.when_text(event)
            event.start_text, event.end_text = (timing.moment_text(event.start),
                                                timing.moment_text(event.end))
            event.next_text = timing.moment_text(event.next_start)
            event.duration_text = timing.duration_text(event)
            event.duration_iso = timing.duration_iso(event)
            event.recurrence_text = timing.recurrence_text(event)
        self.events = sorted(events, key=lambda e: (timing.sort_key(e.start, floating), e.slug))
        self._update_context_events(floating)

    def _update_context_events(self, floating) -> None:
        upcoming = sorted((e for e in self.events if e.is_upcoming),
                          key=lambda e: (timing.sort_key(e.next_start, floating), e.slug))
        past = sorted((e for e in self.events if not e.is_upcoming),
                      key=lambda e: (timing.sort_key(e.start, floating), e.slug), reverse=True)
        by_tag: dict[str, list] = {}
        tags: dict[str, Tag] = {}
        by_group: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            for tag in event.tag_objects:
                if tag.slug:
                    tags.setdefault(tag.slug, tag)
                    by_tag.setdefault(tag.slug, []).append(event)
            if event.group:
                by_group[event.group].append(event)
        past_by_year: dict[int, list[Event]] = defaultdict(list)
        for event in past:
            past_by_year[event.start.year].append(event)
        self.context.update({
            "events": self.events,
            "upcoming_events": upcoming,
            "past_events": past,
            "past_events_by_year": sorted(past_by_year.items(), reverse=True),
            "event_tags": sorted(((tags[s], by_tag[s]) for s in by_tag), key=lambda i: i[0].slug),
            "event_groups": dict(sorted(by_group.items())),
            "event_tag_calendars": {s: f"events/tag/{s}.ics" for s in sorted(by_tag)},
            "event_group_calendars": {s: f"events/group/{s}.ics" for s in sorted(by_group)},
            "events_calendar_url": "events/calendar.ics",
            "events_home_count": self.options["EVENTS_HOME_COUNT"],
        })

    # --- writing -------------------------------------------------------------------------
    def _calendar(self, events: list[Event], ics_url: str, title: str, seed: str) -> bytes:
        from . import ical  # loaded only by a build that writes a calendar

        if self._zones is None:
            self._zones = ical.ZoneDefinitions(self._zone_starts)
        opts = self.options
        siteurl = opts["PUBLIC_SITEURL"]
        cal = ical.calendar(
            events, name=title, description=opts["EVENTS_CALENDAR_DESCRIPTION"]
            if seed == "all" else f"{title}: {opts['EVENTS_CALENDAR_DESCRIPTION']}",
            source_url=f"{siteurl}/{ics_url}", prodid=f"-//{opts['SITENAME']}//Events//EN",
            refresh=self.refresh, refresh_text=opts["EVENTS_REFRESH"], siteurl=siteurl,
            zones=self._zones, components=self._vevents)
        return ical.to_bytes(cal, self._zone_bytes)

    def _write_bytes(self, relative: str, data: bytes) -> None:
        path = os.path.join(self.output_path, relative)
        write_new(path, data)
        logger.info("Writing %s", path)

    def _calendars(self):
        """(url, events, title, seed) of every calendar: the site's, each event's, each
        group's and each tag's."""
        name = self.options["EVENTS_CALENDAR_NAME"]
        yield "events/calendar.ics", self.events, name, "all"
        for event in self.events:
            yield event.ics_url, [event], f"{name}: {event.title}", f"event:{event.slug}"
        groups = self.context.get("working_groups_by_slug") or {}
        for slug, url in self.context["event_group_calendars"].items():
            label = getattr(groups.get(slug), "title", None) or slug
            yield url, self.context["event_groups"][slug], f"{name}: {label}", f"group:{slug}"
        for tag, tagged in self.context["event_tags"]:
            yield (self.context["event_tag_calendars"][tag.slug], tagged, f"{name}: {tag.name}",
                   f"tag:{tag.slug}")

    def _write_calendars(self) -> None:
        # Memos for this build's calendars only: VTIMEZONEs, VEVENTs and their serialisations.
        self._zones = None
        self._zone_starts = timezones.zone_starts(self.events)
        self._vevents: dict = {}
        self._zone_bytes: dict = {}
        # A calendar whose events and title did not change is the previous build's file.
        outputs = OutputCache(self.settings, "calendars", self.output_path)
        keys = CalendarKeys(self._zone_starts)
        for url, events, title, seed in self._calendars():
            key = keys.key(url, title, seed, events)
            if not outputs.reuse(url, key):
                self._write_bytes(url, self._calendar(events, url, title, seed))
                outputs.record(url, key)
        outputs.save()

    def generate_output(self, writer) -> None:
        if not self.events and not os.path.isdir(os.path.join(self.path, self.options["EVENTS_PATH"])):
            return
        siteurl, sitename = self.options["PUBLIC_SITEURL"], self.options["SITENAME"]
        subscribe = links.subscribe(siteurl, "events/calendar.ics")
        writer.write_file("events/index.html", self.get_template("events"), self.context,
                          page_name="events", subscribe=subscribe)
        for event in self.events:
            writer.write_file(
                event.save_as, self.get_template("event"), self.context, event=event,
                event_jsonld=jsonld.event_script(event, siteurl, sitename),
                google_calendar_url=links.google_event(event, siteurl),
                outlook_calendar_url=links.outlook_event(event, siteurl),
                outlook_repeats=links.outlook_repeats(event))
        if self.events:
            beside_pages(writer, self._write_calendars)


def get_generators(_pelican) -> type[Generator]:
    return EventsGenerator


def register() -> None:
    timezones.use_pinned_database()
    signals.get_generators.connect(get_generators)
