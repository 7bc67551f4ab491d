/**
 * Durations as people read them in a card: `1 h 14 min 32 s`, `4 min 58 s`, `45 s`.
 *
 * Rule: units run from the largest non-zero unit down to the smallest non-zero unit, and every
 * unit in between is shown even when it is zero, so the reader never has to guess what a lone
 * number means: 3605 s → `1 h 0 min 5 s`, 3900 s → `1 h 5 min`, 7200 s → `2 h`, 0 → `0 s`.
 * Fractions of a second are rounded to the nearest second.
 */
/** No recording lasts a year; a larger value is malformed and shown as unknown. */
const MAX_DURATION_SECONDS = 366 * 24 * 3600;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_DURATION_SECONDS) return 'unknown';
  const total = Math.round(seconds);
  if (total === 0) return '0 s';
  const parts: Array<[number, string]> = [
    [Math.floor(total / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'min'],
    [total % 60, 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  let last = parts.length - 1;
  while (parts[last][0] === 0) last -= 1;
  return parts
    .slice(first, last + 1)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}

/**
 * A time span for relative phrases (`2 h 59 min`, `45 min`, `3 d`): whole minutes, rounded down
 * so that the time left before an expiry is never overstated.
 */
export function formatSpan(milliseconds: number): string {
  const minutes = Math.floor(Math.abs(milliseconds) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  }
  return `${Math.floor(hours / 24)} d`;
}
