""""Add to calendar" and "subscribe" links for Google Calendar, Outlook and webcal clients."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote, urlencode

from .model import Event

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"


def _encode(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v}, quote_via=quote)


def _details(event: Event, siteurl: str) -> str:
    return "\n\n".join(filter(None, (event.summary, f"{siteurl}/{event.url}")))


def google_recurrence(event: Event) -> str:
    """The template link's ``recur``: the RRULE, then one EXDATE line per skipped occurrence in
    the event's own zone (Google's recurrence lines, as its API takes them), so the link adds
    no occurrence the calendar skips."""
    if not event.recurrence:
        return ""
    lines = [f"RRULE:{event.recurrence}"]
    for skipped in event.exdates:
        if isinstance(skipped, datetime):
            local = skipped.astimezone(event.start.tzinfo)
            lines.append(f"EXDATE;TZID={event.timezone}:{local:%Y%m%dT%H%M%S}")
        else:
            lines.append(f"EXDATE;VALUE=DATE:{skipped:%Y%m%d}")
    return "\n".join(lines)


def google_event(event: Event, siteurl: str) -> str:
    """Google's event template link; local times plus ctz keep the wall-clock time right."""
    if event.all_day:
        dates = f"{event.start:%Y%m%d}/{event.exclusive_end:%Y%m%d}"
        ctz = ""
    else:
        dates = f"{event.start:%Y%m%dT%H%M%S}/{event.end:%Y%m%dT%H%M%S}"
        ctz = event.timezone
    return GOOGLE + "?" + _encode({
        "action": "TEMPLATE", "text": event.title, "dates": dates, "ctz": ctz,
        "details": _details(event, siteurl), "location": event.location_text or event.online_url,
        "recur": google_recurrence(event),
    })


def outlook_repeats(event: Event) -> bool:
    """Whether the Outlook.com link can add the whole event: its compose link has no way to
    repeat, so for a series it adds the first occurrence only."""
    return not event.recurrence


def outlook_event(event: Event, siteurl: str) -> str:
    if event.all_day:
        start, end = event.start.isoformat(), event.exclusive_end.isoformat()
    else:
        # Outlook reads an offset reliably; zone names it ignores.
        start = event.start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = event.end.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return OUTLOOK + "?" + _encode({
        "subject": event.title, "startdt": start, "enddt": end,
        "allday": "true" if event.all_day else "",
        "body": _details(event, siteurl), "location": event.location_text or event.online_url,
    })


def subscribe(siteurl: str, ics_url: str) -> dict[str, str]:
    """https, webcal:// and Google "add by URL" links for a calendar file."""
    https = f"{siteurl}/{ics_url}"
    webcal = "webcal://" + https.split("://", 1)[-1]
    # Google only accepts the webcal:// form in cid; an https cid fails to subscribe.
    return {"https": https, "webcal": webcal, "google": f"{GOOGLE}?cid={quote(webcal, safe='')}"}


