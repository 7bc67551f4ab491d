/**
 * Times in the requester's zone. Every function takes the instant and the zone as arguments;
 * nothing here reads the clock.
 *
 * The zone is labelled with the short name Intl gives in English (`EST`, `EDT`, `PDT`, `UTC`,
 * `GMT`) or, where there is no well-known abbreviation, the GMT offset (`GMT+8`, `GMT+5:45`,
 * `GMT-2:30`). Around a DST change the label tells the two 02:30s apart (`GMT+2` / `GMT+1`).
 *
 * All fields come from one `Intl.DateTimeFormat` per zone, built once and kept: building one
 * costs far more than using it, and date-fns-tz built several per formatted time, which made
 * time formatting the largest cost of a recording card.
 */
import { formatSpan } from './duration';
import { parseIsoTime } from './iso-time';

export const UNKNOWN_TIME = 'unknown time';

/** Parses an ISO 8601 string from the API; `undefined` when it is not a valid time. */
export function parseApiTime(iso: string | undefined): Date | undefined {
  if (typeof iso !== 'string' || iso.length === 0) return undefined;
  return parseIsoTime(iso);
}

/** The calendar and clock fields of an instant in a zone, in English. */
interface ZonedFields {
  weekday: string;
  day: string;
  month: string;
  year: string;
  hour: string;
  minute: string;
  zone: string;
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

function fieldsInZone(date: Date, timeZone: string): ZonedFields {
  let format = zonedFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    if (zonedFormats.size < MAX_REMEMBERED_ZONES) zonedFormats.set(timeZone, format);
  }
  const fields: ZonedFields = { weekday: '', day: '', month: '', year: '', hour: '', minute: '', zone: timeZone };
  for (const part of format.formatToParts(date)) {
    switch (part.type) {
      case 'weekday':
      case 'day':
      case 'month':
      case 'year':
      case 'hour':
      case 'minute':
        fields[part.type] = part.value;
        break;
      case 'timeZoneName':
        fields.zone = part.value;
        break;
    }
  }
  fields.year = fields.year.padStart(4, '0');
  return fields;
}

/** The instant in the zone, `undefined` when the time or the zone is not valid. */
function zonedFields(iso: string, timeZone: string): ZonedFields | undefined {
  const date = parseApiTime(iso);
  if (!date || !isValidTimeZone(timeZone)) return undefined;
  return fieldsInZone(date, timeZone);
}

/** `Wed 1 Nov 2023, 15:27 GMT+8` */
function localTime(f: ZonedFields): string {
  return `${f.weekday} ${f.day} ${f.month} ${f.year}, ${f.hour}:${f.minute} ${f.zone}`;
}

/** `12:57 GMT+8` */
function clock(f: ZonedFields): string {
  return `${f.hour}:${f.minute} ${f.zone}`;
}

/** `Wed 1 Nov 2023, 15:27 GMT+8`: date, 24-hour time and zone label. */
export function formatLocalTime(iso: string, timeZone: string): string {
  const f = zonedFields(iso, timeZone);
  return f ? localTime(f) : UNKNOWN_TIME;
}

/** `12:57 GMT+8`: time of day and zone label only. */
export function formatClock(iso: string, timeZone: string): string {
  const f = zonedFields(iso, timeZone);
  return f ? clock(f) : UNKNOWN_TIME;
}

/** `1 Nov 2023 15:27`: date and time without weekday or zone label (the zone is stated nearby). */
export function formatShortLocalTime(iso: string, timeZone: string): string {
  const f = zonedFields(iso, timeZone);
  return f ? `${f.day} ${f.month} ${f.year} ${f.hour}:${f.minute}` : UNKNOWN_TIME;
}

/**
 * The clock time when `iso` falls on the same calendar day as `now` in the zone, the full local
 * time otherwise, so that a bare `12:57` never points at the wrong day.
 */
export function formatClockOrDate(iso: string, timeZone: string, now: Date): string {
  const f = zonedFields(iso, timeZone);
  if (!f) return UNKNOWN_TIME;
  const today = fieldsInZone(now, timeZone);
  const sameDay = f.year === today.year && f.month === today.month && f.day === today.day;
  return sameDay ? clock(f) : localTime(f);
}

/**
 * Time left before an expiry, or time since it passed: `in 2 h 59 min`, `in 45 min`,
 * `in under 1 min`, `expired 10 min ago`, `expired just now`. A target equal to `now` has expired.
 * Whole minutes, rounded down (see `formatSpan`).
 */
export function formatRelative(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  if (Number.isNaN(diff)) return UNKNOWN_TIME;
  if (diff > 0) return diff < 60_000 ? 'in under 1 min' : `in ${formatSpan(diff)}`;
  return -diff < 60_000 ? 'expired just now' : `expired ${formatSpan(diff)} ago`;
}

/**
 * True for a time-zone name Intl knows (IANA names such as `Europe/Paris`, `America/New_York`,
 * `UTC`). Offsets such as `+05:00`, blank strings and unknown names are refused.
 */
export function isValidTimeZone(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  if (validZones.has(name)) return true;
  // IANA names start with a letter; this also keeps out offset strings that newer engines accept.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return false;
  }
  if (validZones.size < MAX_REMEMBERED_ZONES) validZones.add(name);
  return true;
}

/**
 * Names already found valid. Building an Intl.DateTimeFormat is costly (about 0.1 ms) and a card
 * checks its zone once per time it shows; zone names in use are few, and the cap keeps odd
 * spellings (`eUrOpE/pArIs`) from growing the set without bound.
 */
const validZones = new Set<string>();
const MAX_REMEMBERED_ZONES = 1000;

/**
 * Intl's spelling of a valid zone name (`europe/paris` → `Europe/Paris`; ICU may also map a
 * link to its target, `US/Eastern` → `America/New_York`), or `undefined` when it is not valid.
 */
export function canonicalTimeZone(name: unknown): string | undefined {
  if (!isValidTimeZone(name)) return undefined;
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

/**
 * A valid zone name as the person spelled it, so that `Asia/Kathmandu` stays `Asia/Kathmandu`
 * although Intl answers with its older canonical name `Asia/Katmandu`. Only the letter case is
 * corrected: `asia/kathmandu` → `Asia/Kathmandu`, `europe/paris` → `Europe/Paris` (Intl's spelling
 * when it is the same name, otherwise each word capitalised). `undefined` when not valid.
 */
export function spelledTimeZone(name: unknown): string | undefined {
  const canonical = canonicalTimeZone(name);
  if (canonical === undefined || typeof name !== 'string') return undefined;
  if (canonical.toLowerCase() === name.toLowerCase()) return canonical;
  if (name !== name.toLowerCase()) return name;
  const capitalised = name.replace(/(^|[/_-])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
  return canonicalTimeZone(capitalised) === canonical ? capitalised : canonical;
}
