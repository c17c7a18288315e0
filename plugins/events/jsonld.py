"""schema.org/Event JSON-LD for an event page (serialised by publishing.jsonld, safe in <script>)."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from publishing.jsonld import script_tag

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
        "startDate": _iso(event.start),
        "endDate": _iso(event.end),
        "eventStatus": f"https://schema.org/{_STATUS[event.status]}",
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "url": f"{siteurl}/{event.url}",
        "organizer": {"@type": "Organization", "name": event.organizer or sitename,
                      **({} if event.organizer else {"url": siteurl + "/"})},
    }
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
