import {
  checkSpacesTargets,
  checkTargets,
  combineRounds,
  cpuTicksFromStat,
  formatSpacesReport,
  peakRssFromStatus,
  percentile,
  rssFromStatus,
  summarise,
  type RunFigures,
  type SpacesRun,
} from '../../dev/bench/measure';

describe('benchmark measures', () => {
  it('reads utime + stime from /proc/<pid>/stat, also when the command name has spaces and parentheses', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 567 0 0 20 0 11 0 1000 100000 5000 18446744073709551615';
    expect(cpuTicksFromStat(stat)).toBe(1234 + 567);
  });

  it('adds the CPU time of exited children (cutime + cstime) when asked', () => {
    const stat = '4242 (postgres) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 567 89 10 20 0 11 0 1000 100000 5000';
    expect(cpuTicksFromStat(stat, { reapedChildren: true })).toBe(1234 + 567 + 89 + 10);
    expect(() => cpuTicksFromStat('4242 (postgres) S 1 2 3', { reapedChildren: true })).toThrow(/unreadable/);
  });

  it('reads VmHWM in bytes from /proc/<pid>/status', () => {
    expect(peakRssFromStatus('Name:\tnode\nVmPeak:\t  900000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  100 kB\n')).toBe(204800 * 1024);
    expect(() => peakRssFromStatus('Name:\tnode\n')).toThrow(/VmHWM/);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  const run = (over: Partial<RunFigures>): RunFigures => ({
    commands: 100, answered: 100, problems: 0, seconds: 1, latenciesMs: [10], cpuMs: 200, peakRssBytes: 100 * 1024 * 1024, emulatorCpuMs: 100, ...over,
  });

  it('combines rounds by median, and peak RSS by maximum', () => {
    const combined = combineRounds([run({ seconds: 1 }), run({ seconds: 2, peakRssBytes: 300 * 1024 * 1024 }), run({ seconds: 4 })]);
    expect(combined.throughput).toBe(50);
    expect(combined.peakRssMiB).toBe(300);
    expect(combined.cpuMsPerCommand).toBe(2);
  });

  it('checks the two guards against the echo bot: CPU per command at most 2x, peak RSS at most 30 MiB more', () => {
    const echo = summarise(run({}));
    // 2 ms per command and 100 MiB: the edges are 4 ms and 130 MiB.
    const within = summarise(run({ seconds: 3, latenciesMs: [40], cpuMs: 400, peakRssBytes: 130 * 1024 * 1024 }));
    expect(checkTargets(within, echo).map((t) => t.pass)).toEqual([true, true]);
    const beyond = summarise(run({ cpuMs: 401, peakRssBytes: 131 * 1024 * 1024 }));
    expect(checkTargets(beyond, echo).map((t) => t.pass)).toEqual([false, false]);
  });

  const spacesRun = (spaces: number, cpuMs: number, rssMiB: number): SpacesRun => ({
    spaces, figures: run({ cpuMs }), rssBytes: rssMiB * 1024 * 1024, rssAfterDiscoveryBytes: rssMiB * 1024 * 1024, discoveryAnswered: spaces,
  });

  it('checks the largest spaces run against the smallest: RSS at most 60 MiB more, CPU per command within 10%', () => {
    expect(checkSpacesTargets([spacesRun(100, 200, 150), spacesRun(5000, 400, 400), spacesRun(20000, 220, 210)]).map((t) => t.pass)).toEqual([true, true]);
    expect(checkSpacesTargets([spacesRun(100, 200, 150), spacesRun(20000, 179, 211)]).map((t) => t.pass)).toEqual([false, false]);
    expect(checkSpacesTargets([spacesRun(100, 200, 150)])).toEqual([]);
  });

  it('prints every spaces run with its figures and the verdicts', () => {
    const report = formatSpacesReport([spacesRun(100, 200, 150), spacesRun(20000, 260, 150)]);
    expect(report).toMatch(/^\s+100\s+2\.00\b/m);
    expect(report).toMatch(/^\s+20000\s+2\.60\b/m);
    expect(report).toMatch(/^PASS\s+RSS/m);
    expect(report).toMatch(/^FAIL\s+CPU per command/m);
  });

  it('prints the realistic (Zipf) run beside the round-robin one when there is one', () => {
    const report = formatSpacesReport([spacesRun(100, 200, 150), { ...spacesRun(20000, 220, 150), zipf: run({ cpuMs: 180 }) }]);
    expect(report).toMatch(/^\s+20000\s+2\.20\s+\d+\s+1\.80\b/m);
    expect(report).toMatch(/^\s+100\s+2\.00\s+\d+\s+n\/a\b/m);
  });

  it('reads VmRSS in bytes from /proc/<pid>/status', () => {
    expect(rssFromStatus('VmHWM:\t  204800 kB\nVmRSS:\t  1024 kB\n')).toBe(1024 * 1024);
  });
});
