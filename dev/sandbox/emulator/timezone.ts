/** Times as the recordings API writes them: ISO 8601 with the offset of the requested zone at that instant. */
import { formatInTimeZone } from 'date-fns-tz';

/** Answers by zone name (building a DateTimeFormat costs more than the rest of a request). */
const knownZones = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  const known = knownZones.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (knownZones.size < 1000) knownZones.set(zone, valid);
  return valid;
}

/** e.g. `2023-11-01T15:27:29+08:00`; a zero offset is written `Z`. */
export function formatInZone(epochMs: number, zone: string): string {
  return formatInTimeZone(new Date(epochMs), zone, "yyyy-MM-dd'T'HH:mm:ssXXX");
}

/** UTC without milliseconds, e.g. `2023-11-09T12:57:05Z`. */
export function formatUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch ms of an ISO 8601 string with any offset; throws on garbage. */
export function parseInstant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`Emulator: ${field} is not an ISO 8601 time: ${value}`);
  return ms;
}
