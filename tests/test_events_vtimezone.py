"""events.vtimezone makes the VTIMEZONE icalendar's Timezone.from_tzid makes, byte for byte, for
any zone and span, also when one build asks for many overlapping spans of the same zone."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Timezone

import events_support  # noqa: F401 - puts plugins/ on sys.path
from events.vtimezone import ZoneDefinitions

ZONES = ["Europe/London", "America/New_York", "America/Sao_Paulo", "Asia/Kolkata",
         "Australia/Sydney", "Australia/Lord_Howe", "Africa/Casablanca", "Pacific/Chatham",
         "Europe/Berlin", "Asia/Tehran", "UTC"]
# Shuffled on purpose: later spans start inside chains already walked, earlier and later, and
# some extend a walk an earlier, shorter span stopped (2025-2027, then 2025-2040).
SPANS = [(2023, 2027), (2016, 2040), (2024, 2026), (2019, 2022), (2026, 2040), (1990, 2001),
         (2030, 2032), (2025, 2027), (2025, 2040), (2031, 2100)]


@pytest.mark.parametrize("tzid", ZONES)
def test_components_match_icalendars_for_every_span(tzid):
    definitions = ZoneDefinitions()
    for first_year, last_year in SPANS:
        first, last = date(first_year, 1, 1), date(last_year, 1, 1)
        expected = Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical()
        assert definitions.get(tzid, first, last).to_ical() == expected, (first, last)


def test_one_component_per_zone_and_span():
    definitions = ZoneDefinitions()
    first, last = date(2024, 1, 1), date(2027, 1, 1)
    assert definitions.get("Europe/London", first, last) is definitions.get("Europe/London",
                                                                             first, last)
