"""schema.org/Event JSON-LD for an event page (serialised by publishing.jsonld, safe in <script>)."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from publishing.jsonld import script_tag

from . import timing
from .model import Event

_STATUS = {"confirmed": "EventScheduled", "tentative": "EventScheduled",
           "cancelled": "EventCancelled"}


def _iso(moment) -> str:
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment.isoformat()


def _locations(event: Event) -> list[dict]:
    found = []
    if event.is_in_person:
        place: dict = {"@type": "Place", "name": event.location_name or event.location_address}
        if event.location_address:
            place["address"] = {"@type": "PostalAddress", "streetAddress": event.location_address}
        if event.lat is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": event.lat,
                            "longitude": event.lon}
        found.append(place)
    if event.online_url:
        found.append({"@type": "VirtualLocation", "url": event.online_url})
    return found


_UNITS = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}


def _schedule(event: Event) -> dict | None:
    """schema.org's Schedule for a series, or None where it cannot say the rule (a part beyond
    timing.PLAIN_PARTS, a numbered weekday such as -1SA): no schedule rather than a wrong one."""
    parts = timing.rule_parts(event)
    days = [timing.day_name(code) for code in parts.get("BYDAY", "").split(",") if code]
    if set(parts) - timing.PLAIN_PARTS or None in days:
        return None
    schedule: dict = {"@type": "Schedule",
                      "repeatFrequency": f"P{parts.get('INTERVAL', '1')}{_UNITS[parts['FREQ']]}",
                      "startDate": _iso(event.start if event.all_day else event.start.date())}
    if days:
        schedule["byDay"] = [f"https://schema.org/{day}" for day in days]
    for part, key in (("BYMONTHDAY", "byMonthDay"), ("BYMONTH", "byMonth")):
        if part in parts:
            schedule[key] = [int(number) for number in parts[part].split(",")]
    if "COUNT" in parts:
        schedule["repeatCount"] = int(parts["COUNT"])
    elif "UNTIL" in parts:
        schedule["endDate"] = _iso(timing.until_day(event, parts["UNTIL"]))
    if not event.all_day:
        schedule["startTime"] = f"{event.start:%H:%M:%S}"
        if event.has_end:
            schedule["endTime"] = f"{event.end:%H:%M:%S}"
        schedule["scheduleTimezone"] = event.timezone
    if event.exdates:
        schedule["exceptDate"] = [_iso(moment) for moment in event.exdates]
    return schedule


def event_data(event: Event, siteurl: str, sitename: str) -> dict:
    if event.online_url and event.is_in_person:
        mode = "MixedEventAttendanceMode"
    elif event.online_url:
        mode = "OnlineEventAttendanceMode"
    else:
        mode = "OfflineEventAttendanceMode"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        # A series: its next occurrence (what search results should show), and its schedule.
        "startDate": _iso(event.next_start if event.recurrence and event.is_upcoming
                          else event.start),
        "endDate": _iso(timing.next_end(event) if event.recurrence and event.is_upcoming
                        else event.end),
        "eventStatus": f"https://schema.org/{_STATUS[event.status]}",
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "url": f"{siteurl}/{event.url}",
        "organizer": {"@type": "Organization", "name": event.organizer or sitename,
                      **({} if event.organizer else {"url": siteurl + "/"})},
    }
    schedule = _schedule(event) if event.recurrence else None
    if schedule:
        data["eventSchedule"] = schedule
    locations = _locations(event)
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    description = event.summary or event.description
    if description:
        data["description"] = description
    if event.tags:
        data["keywords"] = ", ".join(event.tags)
    return data


def event_script(event: Event, siteurl: str, sitename: str) -> Markup:
    return script_tag(event_data(event, siteurl, sitename))
