/**
 * ISO 8601 dates and times as the Webex API writes them (`2023-11-01T15:27:29+08:00`,
 * `2023-11-02T03:00:00Z`, `2023-11-01T07:27:29.123Z`): seconds and fraction optional, offset `Z`,
 * `±hh:mm`, `±hhmm` or `±hh`; without an offset, local time. A date alone is local midnight.
 * Out-of-range fields (`2023-02-30`, `25:00`) give `undefined`, never a rolled-over instant.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Minutes east of UTC for `Z`, `+08:00`, `-0230` or `+05`; `undefined` when out of range. */
function offsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

export function parseIsoTime(text: string): Date | undefined {
  const m = ISO_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = Number(`${fraction}000`.slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const midnight = hour === 24 && minute === 0 && second === 0 && ms === 0;
  if ((hour > 23 && !midnight) || minute > 59 || second > 59) return undefined;
  if (zone === undefined) return new Date(year, month - 1, day, hour, minute, second, ms);
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000);
}
