import { formatSize } from '../../src/format';

it('shows a size of 1,000 PB or more (malformed) as unknown', () => {
  expect(formatSize(1e18)).toBe('unknown');
  expect(formatSize(1e308)).toBe('unknown');
  expect(formatSize(999e15)).toBe('999 PB');
});

describe('formatSize: decimal units, 4 significant digits at most, 2 decimals at most', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1234, '1.23 kB'],
    [12_345, '12.35 kB'],
    [299_918, '299.9 kB'],
    [999_960, '1 MB'],
    [5_280_000, '5.28 MB'],
    [40_880_000, '40.88 MB'],
    [248_023_188, '248 MB'],
    [248_500_000, '248.5 MB'],
    [4_730_219_911, '4.73 GB'],
    [12_000_000_000, '12 GB'],
    [1_500_000_000_000, '1.5 TB'],
  ])('%p bytes → %p', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it('says "unknown" for values that are not a size', () => {
    expect(formatSize(-5)).toBe('unknown');
    expect(formatSize(Number.NaN)).toBe('unknown');
  });
});
