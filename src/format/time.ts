/**
 * Times in the requester's zone, with date-fns-tz. Every function takes the instant and the zone
 * as arguments; nothing here reads the clock.
 *
 * The zone is labelled with the short name Intl gives in English (`EST`, `EDT`, `PDT`, `UTC`,
 * `GMT`) or, where there is no well-known abbreviation, the GMT offset (`GMT+8`, `GMT+5:45`,
 * `GMT-2:30`). Around a DST change the label tells the two 02:30s apart (`GMT+2` / `GMT+1`).
 */
import { parseISO } from 'date-fns';
import { formatInTimeZone } from 'date-fns-tz';
import { formatSpan } from './duration';

/** `Wed 1 Nov 2023, 15:27 GMT+8` */
const LOCAL_TIME_PATTERN = 'EEE d MMM yyyy, HH:mm zzz';
/** `12:57 GMT+8` */
const CLOCK_PATTERN = 'HH:mm zzz';
/** `1 Nov 2023 15:27`: compact, for choice lists where the zone is stated once elsewhere. */
const SHORT_PATTERN = 'd MMM yyyy HH:mm';
/** `2023-11-01`, to compare calendar days in a zone. */
const DAY_PATTERN = 'yyyy-MM-dd';

export const UNKNOWN_TIME = 'unknown time';

/** Parses an ISO 8601 string from the API; `undefined` when it is not a valid time. */
export function parseApiTime(iso: string | undefined): Date | undefined {
  if (typeof iso !== 'string' || iso.length === 0) return undefined;
  const date = parseISO(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `Wed 1 Nov 2023, 15:27 GMT+8`: date, 24-hour time and zone label. */
export function formatLocalTime(iso: string, timeZone: string): string {
  return formatInZone(iso, timeZone, LOCAL_TIME_PATTERN);
}

/** `12:57 GMT+8`: time of day and zone label only. */
export function formatClock(iso: string, timeZone: string): string {
  return formatInZone(iso, timeZone, CLOCK_PATTERN);
}

/** `1 Nov 2023 15:27`: date and time without weekday or zone label (the zone is stated nearby). */
export function formatShortLocalTime(iso: string, timeZone: string): string {
  return formatInZone(iso, timeZone, SHORT_PATTERN);
}

/**
 * The clock time when `iso` falls on the same calendar day as `now` in the zone, the full local
 * time otherwise, so that a bare `12:57` never points at the wrong day.
 */
export function formatClockOrDate(iso: string, timeZone: string, now: Date): string {
  const date = parseApiTime(iso);
  if (!date || !isValidTimeZone(timeZone)) return UNKNOWN_TIME;
  const sameDay =
    formatInTimeZone(date, timeZone, DAY_PATTERN) === formatInTimeZone(now, timeZone, DAY_PATTERN);
  return sameDay ? formatClock(iso, timeZone) : formatLocalTime(iso, timeZone);
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
  // IANA names start with a letter; this also keeps out offset strings that newer engines accept.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Intl's spelling of a valid zone name (`europe/paris` → `Europe/Paris`; ICU may also map a
 * link to its target, `US/Eastern` → `America/New_York`), or `undefined` when it is not valid.
 */
export function canonicalTimeZone(name: unknown): string | undefined {
  if (!isValidTimeZone(name)) return undefined;
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

function formatInZone(iso: string, timeZone: string, pattern: string): string {
  const date = parseApiTime(iso);
  if (!date || !isValidTimeZone(timeZone)) return UNKNOWN_TIME;
  return formatInTimeZone(date, timeZone, pattern);
}
