import {
  canonicalTimeZone,
  spelledTimeZone,
  formatClock,
  formatClockOrDate,
  formatLocalTime,
  formatRelative,
  formatShortLocalTime,
  isValidTimeZone,
  UNKNOWN_TIME,
} from '../../src/format';

describe('formatLocalTime', () => {
  it('shows the seed sample in Singapore with date, time and GMT offset', () => {
    expect(formatLocalTime('2023-11-01T15:27:29+08:00', 'Asia/Singapore')).toBe('Wed 1 Nov 2023, 15:27 GMT+8');
    expect(formatLocalTime('2023-11-01T23:09:05+08:00', 'Asia/Singapore')).toBe('Wed 1 Nov 2023, 23:09 GMT+8');
  });

  it('converts into the requested zone whatever offset the API used', () => {
    expect(formatLocalTime('2023-11-01T15:27:29+08:00', 'UTC')).toBe('Wed 1 Nov 2023, 07:27 UTC');
    expect(formatLocalTime('2023-11-01T15:27:29+08:00', 'Europe/Paris')).toBe('Wed 1 Nov 2023, 08:27 GMT+1');
  });

  it('shows non-whole-hour offsets', () => {
    expect(formatLocalTime('2026-05-04T09:00:00Z', 'Asia/Kathmandu')).toBe('Mon 4 May 2026, 14:45 GMT+5:45');
    expect(formatLocalTime('2026-07-01T00:00:00Z', 'Asia/Kolkata')).toBe('Wed 1 Jul 2026, 05:30 GMT+5:30');
    expect(formatLocalTime('2026-07-01T00:00:00Z', 'America/St_Johns')).toBe('Tue 30 Jun 2026, 21:30 GMT-2:30');
  });

  it('tells the two sides of the New York spring-forward change apart', () => {
    expect(formatLocalTime('2026-03-08T01:59:10-05:00', 'America/New_York')).toBe('Sun 8 Mar 2026, 01:59 EST');
    // One minute of real time later the clocks read 03:00.
    expect(formatLocalTime('2026-03-08T07:00:10Z', 'America/New_York')).toBe('Sun 8 Mar 2026, 03:00 EDT');
  });

  it('tells the repeated 02:30 of the Berlin autumn change apart', () => {
    expect(formatLocalTime('2026-10-25T02:30:00+02:00', 'Europe/Berlin')).toBe('Sun 25 Oct 2026, 02:30 GMT+2');
    expect(formatLocalTime('2026-10-25T02:30:00+01:00', 'Europe/Berlin')).toBe('Sun 25 Oct 2026, 02:30 GMT+1');
  });

  it('says "unknown time" for an unparsable time or an unknown zone', () => {
    expect(formatLocalTime('yesterday', 'UTC')).toBe(UNKNOWN_TIME);
    expect(formatLocalTime('', 'UTC')).toBe(UNKNOWN_TIME);
    expect(formatLocalTime('2023-11-01T15:27:29+08:00', 'Mars/Olympus')).toBe(UNKNOWN_TIME);
  });
});

describe('formatClock / formatShortLocalTime / formatClockOrDate', () => {
  it('shows the time of day with the zone label', () => {
    expect(formatClock('2023-11-09T12:57:05Z', 'Asia/Singapore')).toBe('20:57 GMT+8');
    expect(formatClock('2023-11-09T04:57:05Z', 'Asia/Singapore')).toBe('12:57 GMT+8');
    expect(formatClock('2026-03-08T06:05:00-04:00', 'America/New_York')).toBe('06:05 EDT');
  });

  it('shows a compact date and time', () => {
    expect(formatShortLocalTime('2023-11-01T15:27:29+08:00', 'Asia/Singapore')).toBe('1 Nov 2023 15:27');
  });

  it('adds the date only when the time is on another local day than now', () => {
    const now = new Date('2023-11-09T09:58:00Z'); // 17:58 in Singapore
    expect(formatClockOrDate('2023-11-09T12:57:05Z', 'Asia/Singapore', now)).toBe('20:57 GMT+8');
    expect(formatClockOrDate('2023-11-09T16:30:00Z', 'Asia/Singapore', now)).toBe('Fri 10 Nov 2023, 00:30 GMT+8');
    // Same instants, but in UTC both fall on 9 Nov.
    expect(formatClockOrDate('2023-11-09T16:30:00Z', 'UTC', now)).toBe('16:30 UTC');
  });
});

describe('formatRelative', () => {
  const now = new Date('2026-04-14T08:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);

  it.each([
    [(2 * 60 + 59) * 60_000 + 30_000, 'in 2 h 59 min'],
    [3 * 3_600_000, 'in 3 h'],
    [45 * 60_000, 'in 45 min'],
    [45 * 60_000 + 59_000, 'in 45 min'],
    [30_000, 'in under 1 min'],
    [0, 'expired just now'],
    [-30_000, 'expired just now'],
    [-10 * 60_000, 'expired 10 min ago'],
    [-(3 * 3_600_000 + 5 * 60_000), 'expired 3 h 5 min ago'],
    [-5 * 86_400_000, 'expired 5 d ago'],
  ])('%p ms from now → %p', (ms, text) => {
    expect(formatRelative(at(ms), now)).toBe(text);
  });

  it('says "unknown time" for an invalid date', () => {
    expect(formatRelative(new Date('nope'), now)).toBe(UNKNOWN_TIME);
  });
});

describe('isValidTimeZone', () => {
  it.each(['Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'UTC', 'Etc/GMT+5', 'America/Port_of_Spain', 'europe/paris'])(
    'accepts %p',
    (name) => {
      expect(isValidTimeZone(name)).toBe(true);
    },
  );

  it.each(['Mars/Olympus', '+05:00', '-03:00', '', ' ', 'Europe/Paris ', 'Not a zone', '../../etc/passwd', 'Europe/'])(
    'refuses %p',
    (name) => {
      expect(isValidTimeZone(name)).toBe(false);
    },
  );

  it('refuses non-strings', () => {
    expect(isValidTimeZone(undefined)).toBe(false);
    expect(isValidTimeZone(5)).toBe(false);
  });

  it('gives the canonical spelling of a valid name', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
  });
});

describe('spelledTimeZone', () => {
  it('keeps the name the person gave when Intl knows it under an older canonical name', () => {
    expect(spelledTimeZone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
    expect(spelledTimeZone('asia/kathmandu')).toBe('Asia/Kathmandu');
    expect(spelledTimeZone('Europe/Kyiv')).toBe('Europe/Kyiv');
  });

  it("corrects only the letter case of Intl's own names", () => {
    expect(spelledTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(spelledTimeZone('america/new_york')).toBe('America/New_York');
    expect(spelledTimeZone('UTC')).toBe('UTC');
  });

  it('refuses names that are not zones', () => {
    expect(spelledTimeZone('Mars/Olympus')).toBeUndefined();
    expect(spelledTimeZone('+08:00')).toBeUndefined();
  });
});
