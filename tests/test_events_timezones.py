"""VTIMEZONE components (plugins/events/timezones.py) read back by dateutil's own VTIMEZONE
reader and compared with zoneinfo once a month (the 1st or the 15th) from the first time a
calendar needs to 2070."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzical

from events.timezones import vtimezone

ZONES = {
    # zone: the first time a calendar holds in it
    "America/Sao_Paulo": datetime(2017, 6, 1),  # summer time until February 2019, none after
    "Europe/Moscow": datetime(2010, 1, 1),  # UTC+3/+4 with DST, +4 from 2011, +3 from 2014
    "Australia/Sydney": datetime(2005, 1, 1),  # southern hemisphere, rules changed in 2008
    "Asia/Kolkata": datetime(2000, 1, 1),  # no DST, half-hour offset
    "Australia/Adelaide": datetime(2005, 1, 1),  # half-hour offset with DST
    "Europe/London": datetime(1990, 1, 1),  # rules of today since 1996
    "America/New_York": datetime(2000, 1, 1),  # rules of today since 2007
    "Europe/Dublin": datetime(2000, 1, 1),  # "negative" DST in the tz database
    "Asia/Jerusalem": datetime(2010, 1, 1),  # the Friday before the last Sunday of March
    "America/Nuuk": datetime(2020, 1, 1),  # changes at -01:00 local time; new offsets in 2023
    "Australia/Lord_Howe": datetime(2010, 1, 1),  # half-hour DST
    "UTC": datetime(2000, 1, 1),
}


def _instants(first: datetime):
    moment = first.replace(tzinfo=timezone.utc)
    while moment.year < 2070:
        yield moment.replace(day=1 + 14 * (moment.month % 2), hour=12)
        moment = (moment.replace(day=1) + timedelta(days=32)).replace(day=1)


@pytest.mark.parametrize("tzid", list(ZONES))
def test_vtimezone_gives_zoneinfos_offsets_for_ever(tzid):
    since = ZONES[tzid].replace(tzinfo=ZoneInfo(tzid))
    component = vtimezone(tzid, since)
    text = component.to_ical().decode()
    assert "RDATE" not in text or all("," not in line for line in text.splitlines()
                                      if line.startswith("RDATE"))
    read = tzical(io.StringIO(text)).get(tzid)
    zone = ZoneInfo(tzid)
    wrong = []
    for instant in _instants(ZONES[tzid]):
        local = instant.astimezone(zone).replace(tzinfo=None)
        if zone.utcoffset(local.replace(fold=0)) != zone.utcoffset(local.replace(fold=1)):
            continue  # an hour that happens twice or not at all: no single answer
        if read.utcoffset(local) != zone.utcoffset(local):
            wrong.append(f"{local}: VTIMEZONE says {read.utcoffset(local)}, "
                         f"zoneinfo {zone.utcoffset(local)}")
    assert not wrong, f"{tzid}: {len(wrong)} wrong, first {wrong[:3]}"


def test_the_current_rule_is_a_yearly_rrule_and_history_one_observance_each():
    london = vtimezone("Europe/London", datetime(2017, 1, 1, tzinfo=ZoneInfo("Europe/London")))
    observances = london.subcomponents
    assert [o.name for o in observances] == ["STANDARD", "DAYLIGHT"]
    assert {o["RRULE"].to_ical().decode() for o in observances} == {
        "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"}
    moscow = vtimezone("Europe/Moscow", datetime(2010, 6, 1, tzinfo=ZoneInfo("Europe/Moscow")))
    starts = [o.DTSTART for o in moscow.subcomponents]
    assert starts == sorted(starts) and starts[-1] == datetime(2014, 10, 26, 2)
    assert not any("RRULE" in o for o in moscow.subcomponents)
    # A calendar starting after the last change needs none of the history.
    later = vtimezone("Europe/Moscow", datetime(2020, 1, 1, tzinfo=ZoneInfo("Europe/Moscow")))
    assert len(later.subcomponents) == 1
