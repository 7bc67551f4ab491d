import { formatLocalTime, isValidTimeZone } from '../../src/format';

/**
 * Every card shows several times, each checked and labelled in the requester's zone; building an
 * Intl.DateTimeFormat for each was the largest cost of a recording command in `npm run bench`.
 */
describe('zone checks and labels reuse their Intl.DateTimeFormat', () => {
  it('builds an Intl.DateTimeFormat once per zone name, not once per check', () => {
    const spy = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      for (let i = 0; i < 5; i++) expect(isValidTimeZone('Asia/Kathmandu')).toBe(true);
      const checks = spy.mock.calls.filter(([, options]) => options?.timeZone === 'Asia/Kathmandu' && options.timeZoneName === undefined);
      expect(checks.length).toBeLessThanOrEqual(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('builds the zone label formatter once per zone, not once per time shown', () => {
    const spy = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      for (let day = 1; day <= 5; day++) expect(formatLocalTime(`2023-11-0${day}T15:27:29+08:00`, 'Asia/Kolkata')).toMatch(/ GMT\+5:30$/);
      const labels = spy.mock.calls.filter(([, options]) => options?.timeZone === 'Asia/Kolkata' && options.timeZoneName !== undefined);
      expect(labels.length).toBeLessThanOrEqual(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('still refuses unknown names every time, and formats after a remembered check', () => {
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('Asia/Kathmandu')).toBe(true);
    expect(formatLocalTime('2023-11-01T15:27:29+08:00', 'Asia/Kathmandu')).toBe('Wed 1 Nov 2023, 13:12 GMT+5:45');
  });
});
