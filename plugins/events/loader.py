"""Read one event file: YAML with the line of every key, then field-by-field validation.

``load_event`` never raises for bad content: it returns the Event (or None) and every problem
found, each naming the line and field, so the build lists them all at once.
"""

from __future__ import annotations

import difflib
import functools
import re
from datetime import date, datetime, timedelta, timezone
from typing import Callable

import yaml

from content_checks import limits, security
from content_checks.rules import QUOTE_LIMIT, quote, slug as slug_problem
from publishing.problems import Problem

from . import timing, values
from .model import Event
from .values import FieldError

FIELDS = ("title", "start", "end", "timezone", "location", "online_url", "url", "summary",
          "description", "organizer", "group", "tags", "status", "recurrence", "exdates", "slug",
          "uid", "updated", "sequence")
LOCATION_FIELDS = ("name", "address", "lat", "lon")
# What a required field left out is told (the browser editor shows the same words).
MISSING = {"title": "missing (required; expected e.g. 'title: OPEN 2020')",
           "start": "missing (required; expected e.g. 'start: 2020-06-18 14:00')"}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings: values.when() parses them with clear messages
    (YAML 1.1 would read "2020-06-18 14:00" as text but "2020-06-18 14:00:00" as a naive datetime)."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules on libyaml's parser: several times faster on valid files. Any error is
    re-parsed with _Loader, whose messages (and line marks) the contributors see."""


# Unquoted booleans and numbers as YAML 1.2 reads them, as the browser editor (Decap CMS) and
# most YAML tools write them: YAML 1.1 (PyYAML's) would read a title `Yes`, a location `NO`, a
# tag `off` or a summary `10:30` that the editor leaves unquoted as true, false or 630. The 1.1
# merge key `<<` and value `=` are plain text in 1.2 too.
_CORE = (
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
     "-+0123456789"),
    ("tag:yaml.org,2002:float", re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), "-+.0123456789"),
)


def _resolvers() -> dict:
    replaced = {_TIMESTAMP, "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value",
                *(tag for tag, _, _ in _CORE)}
    found = {first: [(tag, regexp) for tag, regexp in resolvers if tag not in replaced]
             for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for tag, regexp, firsts in _CORE:
        for first in firsts:
            found.setdefault(first, []).append((tag, regexp))
    return found


_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = _resolvers()


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    # YAML 1.2: 0755 is decimal and octal is written 0o755 (PyYAML reads 1.1's forms).
    text = loader.construct_scalar(node)
    return int(text, {"0o": 8, "0x": 16}.get(text[:2], 10))


_Loader.add_constructor("tag:yaml.org,2002:int", _core_int)
_FastLoader.add_constructor("tag:yaml.org,2002:int", _core_int)


class AliasFound(ValueError):
    """An anchor used again (``*name``): event files are plain fields, and an alias is the
    one way a few lines of YAML expand to gigabytes ("billion laughs")."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _refuse_aliases(node) -> None:
    """Raise AliasFound at the first node reached twice, before any value is constructed."""
    seen: set[int] = set()
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if id(current) in seen:
            raise AliasFound(current.start_mark.line + 1)
        seen.add(id(current))
        if isinstance(current.value, list):
            for item in current.value:
                pending.extend(item if isinstance(item, tuple) else (item,))


# Event fields nest one level at most (a location's mapping, a list of tags). PyYAML builds a
# nested value by recursion: a few kilobytes of "[" end in a RecursionError, and in libyaml's
# composer, which has no such limit, in a crash of the whole process.
MAX_DEPTH = 8


def _too_deep(text: str) -> int | None:
    """The line where the YAML nests deeper than MAX_DEPTH, or None. Read as a stream of events,
    which needs no recursion; a stream that breaks first is left to the parser to explain."""
    depth = -1  # the file's own mapping of fields is no level of a field
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _fast_parse(text: str):
    """(node, data) from libyaml, or None when anything is wrong (the slow path explains it)."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        _refuse_aliases(node)
        return node, (loader.construct_document(node) if node is not None else None)
    except Exception:  # noqa: BLE001 - any failure falls back to the explaining parser
        return None
    finally:
        loader.dispose()


class _Collector:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}

    def add(self, field: str | None, message: str, line: int | None = None) -> None:
        if line is None and field:
            line = self.lines.get(field.split(".")[0])
        self.problems.append(Problem(self.path, line, field, message))


def _key_near(lines: list[str], line: int) -> str | None:
    """The top-level key at or above a line: malformed YAML is usually inside that field (or,
    on a line indented with a tab, which YAML refuses, that line's own key)."""
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if here.startswith("\t") and ":" in here:
        key = here.split(":", 1)[0].strip()
        if key in FIELDS:
            return key
    for text in reversed(lines[:line]):
        if text[:1].isalpha() and ":" in text:
            key = text.split(":", 1)[0].strip()
            return key if key in FIELDS else None
    return None


def _decode(raw: bytes | str, out: _Collector) -> str | None:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        field = _key_near(raw.decode("utf-8", "replace").splitlines(), line)
        out.add(field, f"byte 0x{raw[error.start]:02x} is not UTF-8 text (expected the file "
                "saved as UTF-8)", line)
        return None


def _unprintable(text: str, error: yaml.reader.ReaderError, out: _Collector) -> None:
    line = text.count("\n", 0, max(error.position, 0)) + 1
    out.add(_key_near(text.splitlines(), line), f"character U+{error.character:04X} is not "
            "allowed in YAML (expected printable text; remove control characters)", line)


def _parse_yaml(text: str, out: _Collector) -> dict | None:
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#")
                               for ln in text.splitlines()):
        out.add("title", "the file is empty (expected at least 'title:' and 'start:')", 1)
        return None
    deep = _too_deep(text)
    if deep is not None:
        out.add(_key_near(text.splitlines(), deep), f"nests lists or mappings more than "
                f"{MAX_DEPTH} levels deep (expected text, a list such as [governance, "
                "mutual credit], or a location's name, address, lat and lon)", deep)
        return None
    parsed = _fast_parse(text) or _explain_yaml(text, out)
    if parsed is None:
        return None
    return _fields(*parsed, out)


def _explain_yaml(text: str, out: _Collector):
    """Parse with the pure-Python loader, turning each failure into a problem (then None)."""
    failed = None
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:
        _unprintable(text, error, out)
        return failed
    try:
        node = loader.get_single_node()
        _refuse_aliases(node)
        data = loader.construct_document(node) if node is not None else None
    except AliasFound as error:
        out.add(_key_near(text.splitlines(), error.line), "uses a YAML alias (*name) "
                "(expected each value written out; aliases are not allowed)", error.line)
        return failed
    except yaml.reader.ReaderError as error:
        _unprintable(text, error, out)
        return failed
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and "end" in str(error.problem) and "stream" in str(error.problem):
            mark = error.context_mark  # where the unclosed thing began, not the end of the file
        line = mark.line + 1 if mark else None
        what = " ".join(filter(None, (error.context, error.problem)))
        expected = ("indent with spaces, never a tab" if "'\\t'" in what else
                    "'key: value' lines; quote values containing ': ' or '#'")
        out.add(_key_near(text.splitlines(), line or 0), f"malformed YAML: {what} (expected "
                f"{expected})", line)
        return failed
    except Exception as error:  # noqa: BLE001 - PyYAML's constructors raise assorted errors on odd tags
        out.add(None, f"malformed YAML: {quote(str(error))} (expected plain 'key: value' lines)",
                1)
        return failed
    finally:
        loader.dispose()
    return node, data


def _fields(node, data, out: _Collector) -> dict | None:
    if not isinstance(data, dict):
        out.add(None, f"the file holds {values.describe(data)}, not fields (expected "
                "'key: value' lines such as 'title: OPEN 2020')", 1)
        return None
    seen: set[str] = set()
    for key_node, _value_node in node.value:
        key = str(key_node.value)[:QUOTE_LIMIT]
        line = key_node.start_mark.line + 1
        if key in seen:
            out.add(key, "is given twice (expected each field once)", line)
        seen.add(key)
        out.lines.setdefault(key, line)
    return data


def _check_keys(data: dict, out: _Collector) -> None:
    for key in data:
        if str(key) not in FIELDS:
            close = difflib.get_close_matches(str(key), FIELDS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            name = str(key)[:QUOTE_LIMIT] if isinstance(key, str) else _written(key, out.lines)
            out.add(name, f"unknown field ({hint}expected one of: {', '.join(FIELDS)})",
                    out.lines.get(name))


def _written(key: object, lines: dict[str, int]) -> str:
    """How a key that YAML read as something other than text (``~:`` as nothing, ``5:`` as a
    number) is written in the file, so that the message quotes it and finds its line."""
    for spelling in lines:
        loader = _Loader(spelling)
        try:
            if loader.get_single_data() == key:
                return spelling
        except yaml.YAMLError:
            continue
        finally:
            loader.dispose()
    return str(key)[:QUOTE_LIMIT]


def _field(data: dict, out: _Collector, name: str, parse: Callable, default=None, **kw):
    if name not in data:
        return default
    try:
        return parse(data[name], **kw)
    except FieldError as error:
        out.add(name, str(error))
        return default


def _location(data: dict, event: Event, out: _Collector) -> None:
    value = data.get("location")
    if value is None:
        return
    if isinstance(value, str):
        event.location_name = _field(data, out, "location", values.text, "", single_line=True)
        return
    if not isinstance(value, dict):
        out.add("location", f"got {values.describe(value)} (expected text, or a mapping with "
                "name, address, lat, lon)")
        return
    for key in value:
        if str(key) not in LOCATION_FIELDS:
            out.add("location", f"unknown key {quote(str(key))} (expected: "
                    f"{', '.join(LOCATION_FIELDS)})")
    event.location_name = _field(value, out, "name", values.text, "") if "name" in value else ""
    event.location_address = _field(value, out, "address", values.text, "")
    coords = {}
    given = [key for key in ("lat", "lon") if value.get(key) is not None]
    for key, limit in (("lat", 90), ("lon", 180)):
        number = value.get(key)
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not -limit <= number <= limit:
            out.add("location", f"{key} {quote(number)} is not a coordinate (expected a number "
                    f"from -{limit} to {limit})")
        else:
            coords[key] = float(number)
    if len(given) == 1:
        out.add("location", "lat and lon go together (expected both or neither)")
    elif len(coords) == 2:  # else one given is no coordinate, and reported as such
        event.lat, event.lon = coords["lat"], coords["lon"]
    # _field reports sub-keys under their own name; name them as location.* instead
    for problem in list(out.problems):
        if problem.field in LOCATION_FIELDS and problem.line is None:
            out.problems.remove(problem)
            out.add(f"location.{problem.field}", problem.message)


def _localise(moment: date | datetime, tz) -> date | datetime:
    return moment.replace(tzinfo=tz) if isinstance(moment, datetime) and tz else moment


def _refuse_skipped(data: dict, name: str, moment: date | datetime, out: _Collector) -> bool:
    """Report ``moment`` (field ``name``) if the clocks skip it; True when they do."""
    change = timing.clock_change(moment) if isinstance(moment, datetime) else None
    if change is None or change[0] != timing.SKIPPED:
        return False
    jump = change[1]
    out.add(name, f"{quote(str(data[name]))} does not exist in {moment.tzinfo.key}: the clocks "
            f"go forward {timing.length_text(jump)} then (expected a time before or after the "
            "change)")
    return True


# How far ahead a series' occurrences are checked for the clocks changing over them.
CLOCK_CHECK_YEARS = 10


def _refuse_changing_clocks(event: Event, out: _Collector) -> None:
    """Report a series' first occurrence (in its first CLOCK_CHECK_YEARS, exdates left out)
    whose start or end the clocks skip or pass twice: calendar apps place it differently (an
    hour early, of no length, left out, or an extra occurrence added)."""
    rules = timing.rule_set(event)
    length = event.end.replace(tzinfo=None) - event.start.replace(tzinfo=None)
    try:
        horizon = event.start + timedelta(days=366 * CLOCK_CHECK_YEARS)
    except OverflowError:  # a start in the last years a date can hold
        horizon = datetime.max.replace(tzinfo=event.start.tzinfo)
    for count, moment in enumerate(rules):
        if moment > horizon or count >= values.MAX_OCCURRENCES:
            return
        ends = (("ends", moment + length),) if event.has_end else ()
        for which, at in (("starts", moment), *ends):
            change = timing.clock_change(at)
            if change is not None:
                happens, jump = change
                out.add("recurrence", f"the occurrence on {timing.moment_day(moment)} {which} "
                        f"at {at:%H:%M}, which {happens} in {at.tzinfo.key}: the clocks go "
                        f"{'forward' if happens == timing.SKIPPED else 'back'} "
                        f"{timing.length_text(jump)} then, and calendar apps place it "
                        "differently (expected a time outside the change, or that date in "
                        "exdates)")
                return


def _times(data: dict, event: Event, out: _Collector, default_timezone: str | None) -> bool:
    """Fill start, end, timezone; False when the start is unusable (nothing depends on it then)."""
    if "start" not in data:
        out.add("start", MISSING["start"], out.lines.get("title") or 1)
        return False
    start = _field(data, out, "start", values.when)
    if start is None:
        return False
    timed = isinstance(start, datetime)
    tz = None
    if timed:
        if "timezone" in data:
            tz = _field(data, out, "timezone", values.zone)
        elif default_timezone:
            tz = values.zone(default_timezone)
        else:
            out.add("timezone", "missing: start has a time, so a time zone is needed (expected "
                    "e.g. 'timezone: Europe/London')", out.lines.get("start"))
        if tz is None:
            return False
    elif "timezone" in data:
        _field(data, out, "timezone", values.zone)
    event.all_day, event.timezone = not timed, (tz.key if tz else None)
    event.start = _localise(start, tz)
    if _refuse_skipped(data, "start", event.start, out):
        return False
    end = _field(data, out, "end", values.when)
    if end is None:
        event.end, event.has_end = event.start, False
        return True
    if isinstance(end, datetime) != timed:
        kind = "a date and time like the start" if timed else "a date like the start (all-day)"
        out.add("end", f"does not match the start (expected {kind})")
        return True
    end = _localise(end, tz)
    if _refuse_skipped(data, "end", end, out):
        return True
    if end < event.start:
        out.add("end", f"{quote(str(data['end']))} is before the start "
                f"{quote(str(data['start']))} (expected an end on or after the start)")
        return True
    event.end = end
    return True


def _recurrence(data: dict, event: Event, out: _Collector) -> None:
    result = _field(data, out, "recurrence", values.recurrence, None, start=event.start)
    if result is not None:
        event.recurrence, rule = result
    if "exdates" not in data:
        return
    if not event.recurrence:
        if "recurrence" not in data:
            out.add("exdates", "given without a recurrence (expected a 'recurrence:' rule too)")
        return
    items = data["exdates"] if isinstance(data["exdates"], list) else [data["exdates"]]
    if len(items) > values.MAX_OCCURRENCES:
        out.add("exdates", f"{len(items)} dates (expected at most {values.MAX_OCCURRENCES})")
        return
    for item in items:
        try:
            moment = values.when(item)
        except FieldError as error:
            out.add("exdates", str(error))
            continue
        if event.all_day and isinstance(moment, datetime):
            out.add("exdates", f"{quote(str(item))} has a time but the event is all-day "
                    "(expected a date)")
            continue
        if not event.all_day:
            if not isinstance(moment, datetime):
                moment = datetime.combine(moment, event.start.timetz())
            moment = moment.replace(tzinfo=event.start.tzinfo)
        probe = moment if isinstance(moment, datetime) else datetime.combine(moment, datetime.min.time())
        if not values.is_occurrence(rule, probe):
            out.add("exdates", f"{quote(str(item))} is not an occurrence of the recurrence "
                    f"(expected one of the first {values.MAX_OCCURRENCES} dates the rule "
                    "produces)")
            continue
        event.exdates.append(moment)


def load_event(raw: bytes | str, path: str, *, default_slug: str,
               default_timezone: str | None = None,
               render_markdown: Callable[[str], str] | None = None,
               embed_hosts: tuple[str, ...] | None = ()) -> tuple[Event | None, list[Problem]]:
    """Parse and validate one event file; returns (event or None, problems). ``embed_hosts``
    is the content-security lint's allow-list, None to skip the lint."""
    out = _Collector(path)
    if len(raw) > limits.MAX_BYTES:
        out.add(None, limits.size_message(len(raw)))
        return None, out.problems
    text = _decode(raw, out)
    data = _parse_yaml(text, out) if text is not None else None
    if data is None:
        return None, out.problems
    _check_keys(data, out)
    event = Event(slug=default_slug, title="", start=date.min, end=date.min, all_day=True,
                  timezone=None, source_path=path, lines=dict(out.lines))
    if "title" not in data:
        out.add("title", MISSING["title"], 1)
    event.title = _field(data, out, "title", values.text, "", required=True, single_line=True)
    timed_ok = _times(data, event, out, default_timezone)
    for name in ("summary", "organizer"):
        setattr(event, name, _field(data, out, name, values.text, "", single_line=True))
    event.description = _field(data, out, "description", values.markdown_text, "")
    first = out.lines.get("description", 1)
    shown = functools.partial(render_markdown, event.description) if render_markdown else None
    for line, _field_name, message in security.lint(
            enumerate(event.description.splitlines(), start=first + 1), "description",
            embed_hosts, shown) if embed_hosts is not None else ():
        out.add("description", message, line)
    for name, attr in (("online_url", "online_url"), ("url", "url_more")):
        setattr(event, attr, _field(data, out, name, values.web_url, ""))
    _location(data, event, out)
    event.group = _field(data, out, "group", values.text, "", single_line=True) or None
    event.tags = _field(data, out, "tags", values.string_list, [])
    event.status = _field(data, out, "status", values.status, "confirmed")
    event.slug = _field(data, out, "slug", values.slug, default_slug)
    if "slug" not in data:
        problem = slug_problem(default_slug, made=True)
        if problem:  # the file name made the slug: say so
            out.add("slug", f"the file name {problem} (rename the file or add a 'slug:' line)", 1)
    event.uid = _field(data, out, "uid", values.text, "", single_line=True)
    event.sequence = _field(data, out, "sequence", values.integer, None)
    updated = _field(data, out, "updated", values.when, None, allow_offset=True)
    if isinstance(updated, date) and not isinstance(updated, datetime):
        updated = datetime.combine(updated, datetime.min.time())
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=event.start.tzinfo if not event.all_day else timezone.utc)
    event.updated = updated.astimezone(timezone.utc) if updated else None
    if timed_ok:
        _recurrence(data, event, out)
        if event.recurrence and not event.all_day and not any(
                problem.field in ("recurrence", "exdates") for problem in out.problems):
            _refuse_changing_clocks(event, out)
    if out.problems:
        return None, out.problems
    if render_markdown and event.description:
        event.description_html = render_markdown(event.description)
    return event, out.problems


def span(event: Event) -> timedelta:
    return event.exclusive_end - event.start
