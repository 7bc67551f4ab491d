/**
 * File sizes in decimal (SI) units with the unit always stated: `248 MB`, `299.9 kB`, `4.73 GB`.
 *
 * Rule: the largest unit that keeps the number at 1 or more; at most 4 significant digits and at
 * most 2 decimals; trailing zeros dropped (248.0 → 248). A value that rounds up to 1000 moves to
 * the next unit (999 960 B → `1 MB`, not `1000 kB`). Bytes below 1000 are shown exactly.
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Beyond 1,000 PB no file is real: a larger value is malformed and shown as unknown. */
const MAX_BYTES = 1e18;

export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0 || bytes >= MAX_BYTES) return 'unknown';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let unit = Math.min(Math.floor(Math.log10(bytes) / 3), UNITS.length - 1);
  let text = roundForDisplay(bytes / 1000 ** unit);
  if (Number(text) >= 1000 && unit < UNITS.length - 1) {
    unit += 1;
    text = roundForDisplay(bytes / 1000 ** unit);
  }
  return `${text} ${UNITS[unit]}`;
}

function roundForDisplay(value: number): string {
  const integerDigits = Math.max(1, Math.floor(Math.log10(value)) + 1);
  const decimals = Math.max(0, Math.min(2, 4 - integerDigits));
  return String(Number(value.toFixed(decimals)));
}
