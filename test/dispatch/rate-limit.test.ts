import { RateLimiter } from '../../src/dispatch/rate-limit';

describe('RateLimiter', () => {
  it('allows N a minute, warns once, then drops until the window moves', () => {
    const limiter = new RateLimiter(3);
    const t = 1_000_000;
    expect([0, 1, 2].map((i) => limiter.check('p', t + i))).toEqual(['ok', 'ok', 'ok']);
    expect(limiter.check('p', t + 3)).toBe('warn');
    expect(limiter.check('p', t + 4)).toBe('drop');
    expect(limiter.check('p', t + 30_000)).toBe('drop');
    expect(limiter.check('q', t + 5)).toBe('ok');
    expect(limiter.check('p', t + 60_001)).toBe('ok');
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 100; i++) expect(limiter.check('p', i)).toBe('ok');
  });
});
