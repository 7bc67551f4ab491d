import { parseLinkHeader } from '../../src/webex/client';
import { WebexApiError } from '../../src/webex/errors';
import { defaultBackoffMs, parseRetryAfter } from '../../src/webex/retry';

describe('parseLinkHeader', () => {
  it('finds rel="next" among several links', () => {
    const header =
      '<https://webexapis.com/v1/convergedRecordings?max=10&cursor=a,b>; rel="next", <https://webexapis.com/v1/convergedRecordings?max=10>; rel="first"';
    expect(parseLinkHeader(header)).toEqual({
      next: 'https://webexapis.com/v1/convergedRecordings?max=10&cursor=a,b',
      first: 'https://webexapis.com/v1/convergedRecordings?max=10',
    });
  });

  it('accepts unquoted and multi-valued rel, and arrays', () => {
    expect(parseLinkHeader(['<https://x/a>; rel=next', '<https://x/b>; title="p"; rel="prev last"'])).toEqual({
      next: 'https://x/a',
      prev: 'https://x/b',
      last: 'https://x/b',
    });
  });

  it('returns nothing for absent or junk values', () => {
    expect(parseLinkHeader(undefined)).toEqual({});
    expect(parseLinkHeader('')).toEqual({});
    expect(parseLinkHeader('garbage')).toEqual({});
    expect(parseLinkHeader('<https://x/a>; title="next"')).toEqual({});
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-03-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.2', now)).toBe(2);
    expect(parseRetryAfter('Fri, 01 Mar 2024 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Fri, 01 Mar 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['5', '9'], now)).toBe(5);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('defaultBackoffMs', () => {
  it('doubles from 0.5 s with at most 10 % jitter', () => {
    expect([0, 1, 2].map((i) => defaultBackoffMs(i, () => 0))).toEqual([500, 1000, 2000]);
    expect([0, 1, 2].map((i) => defaultBackoffMs(i, () => 0.999))).toEqual([550, 1100, 2200]);
  });
});

describe('WebexApiError', () => {
  it('strips the query from the path and scrubs secrets from the message', () => {
    const err = new WebexApiError({
      kind: 'http',
      status: 404,
      method: 'GET',
      path: '/convergedRecordings/x?token=abcd1234#frag',
      detail: 'echo abcd1234',
      secrets: ['abcd1234'],
    });
    expect(err.path).toBe('/convergedRecordings/x');
    expect(err.message).toBe('Webex GET /convergedRecordings/x answered 404: echo [redacted]');
    expect(err.name).toBe('WebexApiError');
    expect(err).toBeInstanceOf(Error);
  });
});
