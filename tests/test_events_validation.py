"""Bad event files stop the build and `make check` with file:line: field messages; the loader never
raises, whatever YAML it is given."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FixtureSite, tree_digest

GOOD = """\
title: A good event
start: 2026-12-01 10:00
end: 2026-12-01 11:00
timezone: Europe/London
"""

BAD = {
    "malformed.yaml": ("title: Broken\nstart: 2026-01-01\ntags: [a, b\n",
                       ":3: field 'tags': malformed YAML"),
    "no-title.yaml": ("start: 2026-01-01 10:00\ntimezone: Europe/London\n",
                      ":1: field 'title': missing (required"),
    "mistyped.yaml": ("title: Typed\nstart: 2026-01-01\ntags: 5\n",
                      ":3: field 'tags': got a number (expected a list"),
    "tab.yaml": ("title: Tabbed\nstart: 2026-01-01 10:00\n\tend: 2026-01-01 11:00\n"
                 "timezone: Europe/London\n",
                 ":3: field 'end': malformed YAML: while scanning for the next token found "
                 "character '\\t' that cannot start any token (expected indent with spaces, never "
                 "a tab)"),
    # The same full dates as a post's header.
    "short-date.yaml": ("title: Short\nstart: 2027-5-1 18:00\ntimezone: Europe/London\n",
                        ":2: field 'start': '2027-5-1 18:00' is not a date (expected a date like "
                        "2020-06-18"),
    "typo.yaml": ("title: Typo\nstrat: 2026-01-01 10:00\ntimezone: Europe/London\n",
                  ":2: field 'strat': unknown field (did you mean 'start'?"),
    "end-before.yaml": ("title: Backwards\nstart: 2026-01-02 10:00\nend: 2026-01-01 10:00\n"
                        "timezone: Europe/London\n",
                        ":3: field 'end': '2026-01-01 10:00' is before the start"),
    "bad-zone.yaml": ("title: Zone\nstart: 2026-01-01 10:00\nend: 2026-01-01 11:00\n"
                      "timezone: Europe/Londn\n",
                      ":4: field 'timezone': unknown time zone 'Europe/Londn' (did you mean "
                      "'Europe/London'? expected an IANA"),
    # Times the clocks skip when summer time starts (an hour in London, half an hour on Lord
    # Howe Island); a time they pass twice when it ends is the first of the two, as calendars
    # read it.
    "spring-gap.yaml": ("title: Gap\nstart: 2027-03-28 01:30\ntimezone: Europe/London\n",
                        ":2: field 'start': '2027-03-28 01:30' does not exist in Europe/London: "
                        "the clocks go forward 1 hour then"),
    "end-in-gap.yaml": ("title: Late\nstart: 2027-03-27 22:00\nend: 2027-03-28 01:15\n"
                        "timezone: Europe/London\n",
                        ":3: field 'end': '2027-03-28 01:15' does not exist in Europe/London"),
    "half-hour-gap.yaml": ("title: Howe\nstart: 2027-10-03 02:10\ntimezone: Australia/Lord_Howe\n",
                           ":2: field 'start': '2027-10-03 02:10' does not exist in "
                           "Australia/Lord_Howe: the clocks go forward 30 minutes then"),
    "bad-rrule.yaml": ("title: Rule\nstart: 2026-01-01 10:00\ntimezone: Europe/London\n"
                       "recurrence: FREQ=WEEKLY;BYDAY=XX\n",
                       ":4: field 'recurrence': 'FREQ=WEEKLY;BYDAY=XX' is not a valid rule"),
    "dup-a.yaml": ("title: One\nstart: 2026-01-01\nslug: same\n",
                   ":3: field 'slug': duplicate event slug 'same' (also used by events/dup-b.yaml"),
    "dup-b.yaml": ("title: Two\nstart: 2026-01-01\nslug: same\n",
                   ":3: field 'slug': duplicate event slug 'same' (also used by events/dup-a.yaml"),
    "uid-a.yaml": ("title: Three\nstart: 2026-01-01\nuid: one@example.org\n",
                   ":3: field 'uid': duplicate event uid 'one@example.org' (also used by "
                   "events/uid-b.yaml; expected a unique uid, set 'uid:' in one of them)"),
    "uid-b.yaml": ("title: Four\nstart: 2026-01-01\nuid: one@example.org\n",
                   ":3: field 'uid': duplicate event uid 'one@example.org' (also used by "
                   "events/uid-a.yaml"),
    "latin1.yaml": ("title: Caf\xe9 night\nstart: 2026-01-01\n".encode("latin-1"),
                    ":1: field 'title': byte 0xe9 is not UTF-8 text"),
    "empty.yaml": ("", ":1: field 'title': the file is empty"),
    # The line is there with nothing after it: not a date that is wrong, nor "nothing" given.
    "blank-start.yaml": ("title: Blank\nstart: ''\ntimezone: Europe/London\n",
                         ":2: field 'start': is empty (expected a date like 2020-06-18"),
    "bare-title.yaml": ("title:\nstart: 2026-01-01\n", ":1: field 'title': is empty (expected text)"),
    "future-update.yaml": ("title: Stamp\nstart: 2026-01-01\nupdated: 2061-01-01 10:00\n",
                           ":3: field 'updated': 2061-01-01 10:00 UTC is in the future"),
    "off-map.yaml": ("title: Pole\nstart: 2026-01-01\nlocation: {name: Hall, lat: 91, lon: 0}\n",
                     ":3: field 'location': lat '91' is not a coordinate"),
    "lat-alone.yaml": ("title: Half\nstart: 2026-01-01\nlocation: {name: Hall, lat: 51}\n",
                       ":3: field 'location': lat and lon go together"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    site = FixtureSite(tmp_path_factory.mktemp("events-bad"))
    site.post("a-post")
    site.file("events/good.yaml", GOOD)
    first = site.build()
    assert first.ok, first.stderr
    before = tree_digest(site.output)
    for name, (text, _) in BAD.items():
        path = site.content / "events" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return site, before, site.build(), site.check()


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_gives_its_line_and_the_build_fails(broken, name):
    site, before, result, check = broken
    expected = f"content/events/{name}{BAD[name][1]}"
    assert result.returncode == 1
    assert any(expected in line for line in result.stderr.splitlines()), result.stderr
    assert check.returncode == 1
    assert any(expected in line for line in check.stdout.splitlines()), check.stdout


def test_one_mistake_one_problem(broken):
    """A coordinate out of range is that, not also a coordinate missing its pair."""
    _, _, _, check = broken
    off_map = [line for line in check.stdout.splitlines() if "off-map.yaml" in line]
    assert len(off_map) == 1, off_map


def test_failed_build_leaves_previous_output_untouched(broken):
    site, before, result, _ = broken
    assert result.returncode == 1
    assert tree_digest(site.output) == before
    assert "nothing was written" in result.stderr
    assert [p for p in site.root.iterdir() if p.name.startswith(".output")] == []


def test_every_problem_line_names_file_line_and_field(broken):
    _, _, result, _ = broken
    lines = [ln for ln in result.stderr.splitlines() if "content/events/" in ln]
    assert len(lines) >= len(BAD)
    pattern = re.compile(r"content/events/[\w-]+\.yaml:\d+: field '[\w.]+': .+\(.+")
    assert all(pattern.search(line) for line in lines), lines


# --- fuzzing the loader in-process --------------------------------------------------------

def _load(raw):
    from events.loader import load_event

    return load_event(raw, "content/events/fuzz.yaml", default_slug="fuzz")


def _assert_clear(event, problems):
    from publishing.problems import Problem

    assert (event is None) == bool(problems)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == "content/events/fuzz.yaml" and problem.message
        assert str(problem).startswith("content/events/fuzz.yaml")
    if event is not None:
        assert event.title and event.end >= event.start
        assert event.timezone is None if event.all_day else event.timezone


def test_a_key_yaml_reads_as_no_text_is_named_as_written_at_its_line():
    # `~:` is read as nothing and `5:` as a number: quoted as written (it said field 'None').
    _event, problems = _load(b"title: Keys\nstart: 2026-01-01\n~: x\n5: y\n")
    named = sorted((problem.field, problem.line) for problem in problems)
    assert named == [("5", 4), ("~", 3)], [str(p) for p in problems]
    assert all("unknown field" in problem.message for problem in problems)


FIELDS = ["title", "start", "end", "timezone", "location", "online_url", "url", "summary",
          "description", "organizer", "group", "tags", "status", "recurrence", "exdates", "slug",
          "uid", "updated", "sequence", "strat", "titel"]
PLAUSIBLE = st.sampled_from([
    "2026-01-01", "2026-01-01 10:00", "2026-02-30", "2026-01-01T25:00", "2026-01-01 10:00+01:00",
    "Europe/London", "Mars/Base", "../etc", "FREQ=WEEKLY;COUNT=3", "FREQ=DAILY;INTERVAL=0",
    "FREQ=MONTHLY;BYDAY=1TH", "FREQ=SECONDLY", "FREQ=WEEKLY;UNTIL=20270101", "https://x.org/a",
    "ftp://x", "cancelled", "confirmed", "maybe", "open-2020", "Not A Slug", "", " ", "\n",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), PLAUSIBLE, st.dates().map(str))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["name", "address", "lat", "lon", "x"]), inner, max_size=4)),
    max_leaves=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=10))
def test_loader_never_raises_on_random_documents(document):
    text = yaml.safe_dump(document, allow_unicode=True)
    _assert_clear(*_load(text.encode("utf-8")))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_loader_never_raises_on_random_text_or_bytes(raw):
    _assert_clear(*_load(raw))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "title: T\n", "start: 2026-01-01 10:00\n", "start: 2026-01-01\n", "end: 2026-01-03\n",
    "timezone: Asia/Kolkata\n", "recurrence: FREQ=WEEKLY;COUNT=4\n", "exdates: [2026-01-08]\n",
    "location: {name: x, lat: 91}\n", "tags: [a, a]\n", "- list\n", "key: [unclosed\n",
    "  indented: x\n", "title: !!int nope\n", "sequence: -1\n", "updated: 2026-01-01T10:00Z\n",
    "status: tentative\n", "\t tab\n", "title: &a x\nsummary: *a\n", "? [complex]\n: key\n",
]), max_size=8))
def test_loader_never_raises_on_shuffled_lines(lines):
    _assert_clear(*_load("".join(lines).encode("utf-8")))
