// Expands calendars the way ical.js (Thunderbird, web calendars) and node-ical read them.
// stdin: JSON [{file, events: {uid: [[from, to], ...]}}]; stdout: JSON
// {file: {uid: {"ical.js": [...], "node-ical": [...]}}} with every occurrence start inside the
// windows: timed ones as UTC instants (YYYY-MM-DDTHH:MM:SSZ), all-day ones as YYYY-MM-DD.
// One process for every calendar: the gate's cost is node's start-up once, not per file.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";
import nodeIcal from "node-ical";

const requests = JSON.parse(readFileSync(0, "utf8"));
// ical.js walks a series from its start: a weekly series from 2017 to 2060 is ~2,300 steps.
const MAX_STEPS = 50000;

function instant(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function icaljsTime(time) {
  return time.isDate ? time.toString() : instant(time.toJSDate());
}

// A VEVENT sits in several calendars (all, its own, group, tags) with the same text. ical.js
// walks its series in the event's wall-clock time (a monthly rule to 2060 takes it about a
// second), so the walk is kept per VEVENT text; each file then places those wall-clock times
// in UTC with its own VTIMEZONE, as ical.js does for any time.
const walks = new Map();

function walk(component, windows) {
  const key = component.toString() + JSON.stringify(windows);
  if (walks.has(key)) return walks.get(key);
  const event = new ICAL.Event(component);
  const years = windows.map(([from, to]) => [Number(from.slice(0, 4)), Number(to.slice(0, 4))]);
  const lastYear = Math.max(...years.map((y) => y[1]));
  const local = [];
  const iterator = event.iterator();
  for (let step = 0, next; step < MAX_STEPS && (next = iterator.next()); step++) {
    if (next.year > lastYear + 1) break;
    // A day either side of a window: the UTC instant is what decides.
    if (years.some(([from, to]) => next.year >= from - 1 && next.year <= to + 1)) {
      local.push({ data: { year: next.year, month: next.month, day: next.day, hour: next.hour,
                           minute: next.minute, second: next.second, isDate: next.isDate },
                   tzid: next.zone && next.zone.tzid });
    }
  }
  walks.set(key, local);
  return local;
}

function icaljs(text, wanted) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  // As Thunderbird does: the file's own VTIMEZONEs define its TZIDs.
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const found = {};
  for (const component of calendar.getAllSubcomponents("vevent")) {
    const uid = component.getFirstPropertyValue("uid");
    const windows = wanted[uid];
    if (!windows) continue;
    const starts = [];
    for (const { data, tzid } of walk(component, windows)) {
      const zone = tzid === "UTC" ? ICAL.Timezone.utcTimezone
        : tzid && tzid !== "floating" ? ICAL.TimezoneService.get(tzid) : undefined;
      const value = icaljsTime(ICAL.Time.fromData(data, zone));
      if (windows.some(([from, to]) => value >= from && value <= to)) starts.push(value);
    }
    found[uid] = starts;
  }
  return found;
}

function nodeIcalStart(start, fullDay) {
  if (fullDay) {
    // node-ical gives an all-day date as local midnight; the gate runs node with TZ=UTC.
    return instant(start).slice(0, 10);
  }
  return instant(start);
}

function nodeical(text, wanted) {
  const parsed = nodeIcal.sync.parseICS(text);
  const found = {};
  for (const event of Object.values(parsed)) {
    if (!event || event.type !== "VEVENT" || !wanted[event.uid]) continue;
    const starts = [];
    for (const [from, to] of wanted[event.uid]) {
      const rangeFrom = new Date(from.length === 10 ? `${from}T00:00:00Z` : from);
      const rangeTo = new Date(to.length === 10 ? `${to}T23:59:59Z` : to);
      const instances = nodeIcal.expandRecurringEvent(event, { from: rangeFrom, to: rangeTo });
      for (const item of instances) {
        const value = nodeIcalStart(item.start, item.isFullDay);
        if (value >= from && value <= to && !starts.includes(value)) starts.push(value);
      }
    }
    found[event.uid] = starts.sort();
  }
  return found;
}

const result = {};
for (const { file, events } of requests) {
  const text = readFileSync(file, "utf8");
  const out = {};
  const byIcaljs = icaljs(text, events);
  const byNodeIcal = nodeical(text, events);
  for (const uid of Object.keys(events)) {
    out[uid] = { "ical.js": byIcaljs[uid] ?? null, "node-ical": byNodeIcal[uid] ?? null };
  }
  result[file] = out;
}
process.stdout.write(JSON.stringify(result));
