import { formatDuration, formatSpan } from '../../src/format';

it('shows a duration of more than a year (malformed) as unknown', () => {
  expect(formatDuration(366 * 24 * 3600 + 1)).toBe('unknown');
  expect(formatDuration(1e308)).toBe('unknown');
  expect(formatDuration(366 * 24 * 3600)).toBe('8784 h');
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [298, '4 min 58 s'],
    [4472, '1 h 14 min 32 s'],
    [3600, '1 h'],
    [3900, '1 h 5 min'],
    [10805, '3 h 0 min 5 s'],
    [11405, '3 h 10 min 5 s'],
    [7200, '2 h'],
    [90061, '25 h 1 min 1 s'],
    [44.6, '45 s'],
    [0.4, '0 s'],
  ])('%p s → %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('says "unknown" for values that are not a duration', () => {
    expect(formatDuration(-1)).toBe('unknown');
    expect(formatDuration(Number.NaN)).toBe('unknown');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('unknown');
  });
});

describe('formatSpan', () => {
  it.each([
    [0, '0 min'],
    [59_999, '0 min'],
    [45 * 60_000, '45 min'],
    [(2 * 60 + 59) * 60_000 + 59_000, '2 h 59 min'],
    [3 * 3_600_000, '3 h'],
    [47 * 3_600_000 + 60_000, '47 h 1 min'],
    [48 * 3_600_000, '2 d'],
    [-10 * 60_000, '10 min'],
  ])('%p ms → %p', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});
