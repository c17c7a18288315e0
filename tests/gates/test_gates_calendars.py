"""Calendars gate: every .ics in the output parses with three independent libraries (vobject in
its strictest mode) and defines a VTIMEZONE for every TZID it uses."""

from __future__ import annotations

from pathlib import Path

import ics
import icalendar
import pytest
import vobject

from .calendars_check import tzid_problems
from .gates_support import missing


def _icalendar(text: str) -> list[str]:
    calendar = icalendar.Calendar.from_ical(text)
    problems = [] if calendar.name == "VCALENDAR" else [f"top component is {calendar.name}"]
    return problems + [f"icalendar: {error}" for error in getattr(calendar, "errors", [])]


def _vobject(text: str) -> list[str]:
    calendar = vobject.readOne(text, validate=True)
    calendar.validate(raiseException=True)
    return []


def _ics(text: str) -> list[str]:
    ics.Calendar(text)
    return []


VALIDATORS = {"icalendar": _icalendar, "vobject": _vobject, "ics": _ics, "tzid-has-vtimezone": tzid_problems}


def _calendars(output: Path) -> list[Path]:
    return sorted(output.rglob("*.ics"))


@pytest.mark.parametrize("validator", list(VALIDATORS))
def test_every_calendar_passes(validator, real_site):
    calendars = _calendars(real_site)
    if not calendars:
        missing(".ics calendars (the site must publish /events/calendar.ics)")
    assert (real_site / "events" / "calendar.ics") in calendars, "no /events/calendar.ics"
    problems = []
    for path in calendars:
        name = path.relative_to(real_site).as_posix()
        text = path.read_text(encoding="utf-8")
        try:
            problems += [f"{name}: {p}" for p in VALIDATORS[validator](text)]
        except Exception as error:  # any parser's rejection is the finding, whatever its class
            problems.append(f"{name}: {validator}: {type(error).__name__}: {error}")
    assert not problems, f"{len(problems)} problems in {len(calendars)} calendars:\n" + "\n".join(problems)


MISSING_ZONE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
    "DTSTAMP:20261123T120000Z\r\nDTSTART;TZID=Europe/Lon\r\n don:20261201T180000\r\nSUMMARY:x\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_tzid_check_catches_a_missing_vtimezone():
    assert tzid_problems(MISSING_ZONE) == ["TZID=Europe/London (content line 7) has no VTIMEZONE"]
    calendar = icalendar.Calendar.from_ical(MISSING_ZONE)
    calendar.add_missing_timezones()
    assert tzid_problems(calendar.to_ical().decode()) == []


def test_vobject_strict_mode_rejects_an_event_without_uid():
    broken = MISSING_ZONE.replace("UID:a@x\r\n", "")
    with pytest.raises(Exception):
        _vobject(broken)


def test_a_well_made_calendar_passes_every_validator():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Open Co-op//gates test//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "event-1@open.coop,2016")
    event.add("dtstamp", datetime(2026, 11, 23, 12, tzinfo=timezone.utc))
    event.add("dtstart", datetime(2026, 12, 1, 18, tzinfo=ZoneInfo("Europe/London")))
    event.add("dtend", datetime(2026, 12, 1, 20, tzinfo=ZoneInfo("Europe/London")))
    event.add("summary", "Meet-up; with, escapes")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    text = calendar.to_ical().decode()
    assert "TZID=Europe/London" in text
    for name, validator in VALIDATORS.items():
        assert validator(text) == [], name
