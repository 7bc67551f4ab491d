import { zipfSampler } from '../../dev/bench/load';

describe('the spaces run as people speak (Zipf)', () => {
  it('draws ranks in range, a few often and most rarely, the same way every run', () => {
    const draw = zipfSampler(1000, 1);
    const counts = new Array<number>(1000).fill(0);
    for (let i = 0; i < 100_000; i++) counts[draw()]! += 1;
    expect(counts.every((c) => c >= 0)).toBe(true);
    // P(rank 0) = 1 / H(1000) ≈ 13.4%; P(rank 9) ≈ 1.3%.
    expect(counts[0]! / 100_000).toBeGreaterThan(0.12);
    expect(counts[0]! / 100_000).toBeLessThan(0.15);
    expect(counts[0]!).toBeGreaterThan(counts[1]!);
    expect(counts[1]!).toBeGreaterThan(counts[9]!);
    // The top 10 speak more than the 900 least frequent together.
    const top = counts.slice(0, 10).reduce((a, b) => a + b, 0);
    const tail = counts.slice(100).reduce((a, b) => a + b, 0);
    expect(top).toBeGreaterThan(tail);
    const again = zipfSampler(1000, 1);
    const first = zipfSampler(1000, 1);
    expect(Array.from({ length: 20 }, again)).toEqual(Array.from({ length: 20 }, first));
  });
});
