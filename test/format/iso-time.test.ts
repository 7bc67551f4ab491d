import { parseISO } from 'date-fns';
import { parseIsoTime } from '../../src/format/iso-time';

/** date-fns's parseISO (what the bot used before) as the reference, for the forms the API writes. */
const reference = (text: string): number | undefined => {
  const date = parseISO(text);
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
};

describe('parseIsoTime', () => {
  it('reads the offsets and precisions the Webex API writes', () => {
    expect(parseIsoTime('2023-11-01T15:27:29+08:00')?.toISOString()).toBe('2023-11-01T07:27:29.000Z');
    expect(parseIsoTime('2023-11-02T03:00:00Z')?.toISOString()).toBe('2023-11-02T03:00:00.000Z');
    expect(parseIsoTime('2023-11-01T07:27:29.123456Z')?.toISOString()).toBe('2023-11-01T07:27:29.123Z');
    expect(parseIsoTime('2024-03-10T01:30:00-0545')?.toISOString()).toBe('2024-03-10T07:15:00.000Z');
    expect(parseIsoTime('2024-03-10T01:30:00+05')?.toISOString()).toBe('2024-03-09T20:30:00.000Z');
  });

  it.each([
    '2023-11-01T15:27:29+08:00',
    '2023-11-01T15:27:29.5-03:30',
    '2023-11-01T15:27Z',
    '2023-11-01T15:27:29',
    '2023-11-01',
    '2024-02-29T12:00:00Z',
    '2023-12-31T24:00:00Z',
    '2023-02-29T00:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-11-31T00:00:00Z',
    '2023-11-01T25:00:00Z',
    '2023-11-01T12:60:00Z',
    '2023-11-01T12:00:61Z',
    '2023-11-01T12:00:00+12:60',
    'yesterday',
    '',
  ])('agrees with date-fns parseISO on %p', (text) => {
    expect(parseIsoTime(text)?.getTime()).toBe(reference(text));
  });
});
