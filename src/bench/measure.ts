/**
 * Pure parts of the benchmark: reading a process's CPU time and peak memory from /proc,
 * percentiles, the targets of issue 6 and the printed report.
 */

/** user + system CPU time in clock ticks, from the text of /proc/<pid>/stat. */
export function cpuTicksFromStat(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unreadable /proc/<pid>/stat');
  return utime + stime;
}

/** Peak resident set size in bytes (VmHWM), from the text of /proc/<pid>/status. */
export function peakRssFromStatus(status: string): number {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(match[1]) * 1024;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** What one measured run of one bot gives. */
export interface RunFigures {
  commands: number;
  /** Commands with exactly one reply. */
  answered: number;
  /** Commands with no reply, or more than one. */
  problems: number;
  seconds: number;
  latenciesMs: number[];
  cpuMs: number;
  peakRssBytes: number;
  /** CPU time of the benchmark's own process (the emulator and the load) during the run. */
  emulatorCpuMs: number;
}

export interface Summary {
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  cpuMsPerCommand: number;
  peakRssMiB: number;
  emulatorCpuMsPerCommand: number;
}

export function summarise(run: RunFigures): Summary {
  return {
    throughput: run.commands / run.seconds,
    p50: percentile(run.latenciesMs, 50),
    p95: percentile(run.latenciesMs, 95),
    p99: percentile(run.latenciesMs, 99),
    cpuMsPerCommand: run.cpuMs / run.commands,
    peakRssMiB: run.peakRssBytes / (1024 * 1024),
    emulatorCpuMsPerCommand: run.emulatorCpuMs / run.commands,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Several rounds of one bot as one summary: the median of each figure (a shared machine makes
 * single rounds noisy), except peak RSS, which is the highest seen.
 */
export function combineRounds(rounds: readonly RunFigures[]): Summary {
  const each = rounds.map(summarise);
  const pick = (key: keyof Summary) => median(each.map((s) => s[key]));
  return {
    throughput: pick('throughput'),
    p50: pick('p50'),
    p95: pick('p95'),
    p99: pick('p99'),
    cpuMsPerCommand: pick('cpuMsPerCommand'),
    peakRssMiB: Math.max(...each.map((s) => s.peakRssMiB)),
    emulatorCpuMsPerCommand: pick('emulatorCpuMsPerCommand'),
  };
}

export interface TargetResult {
  name: string;
  target: string;
  pass: boolean;
}

/** The targets of issue 6, the bot compared with the echo bot. */
export function checkTargets(bot: Summary, echo: Summary): TargetResult[] {
  return [
    { name: 'throughput', target: '>= 0.8x echo', pass: bot.throughput >= 0.8 * echo.throughput },
    { name: 'p99 latency', target: '<= 1.5x echo', pass: bot.p99 <= 1.5 * echo.p99 },
    { name: 'CPU per command', target: '<= 1.5x echo', pass: bot.cpuMsPerCommand <= 1.5 * echo.cpuMsPerCommand },
    { name: 'peak RSS', target: '<= echo + 40 MiB', pass: bot.peakRssMiB <= echo.peakRssMiB + 40 },
  ];
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The report `npm run bench` prints. */
export function formatReport(options: { commands: number; concurrency: number; echo: RunFigures[]; bot: RunFigures[] }): string {
  const echo = combineRounds(options.echo);
  const bot = combineRounds(options.bot);
  const rows: Array<[string, number, number, number]> = [
    ['throughput (commands/s)', echo.throughput, bot.throughput, 1],
    ['latency p50 (ms)', echo.p50, bot.p50, 1],
    ['latency p95 (ms)', echo.p95, bot.p95, 1],
    ['latency p99 (ms)', echo.p99, bot.p99, 1],
    ['CPU per command (ms)', echo.cpuMsPerCommand, bot.cpuMsPerCommand, 2],
    ['peak RSS (MiB)', echo.peakRssMiB, bot.peakRssMiB, 1],
    ['emulator CPU/command (ms)', echo.emulatorCpuMsPerCommand, bot.emulatorCpuMsPerCommand, 2],
  ];
  const answered = (runs: RunFigures[]) => `${runs.reduce((n, r) => n + r.answered, 0)}/${runs.reduce((n, r) => n + r.commands, 0)}`;
  const lines = [
    `${options.commands} commands per round at concurrency ${options.concurrency}, through signed webhooks from the local`,
    'emulator; latency from the message (emulator say) to the reply arriving at the emulator (POST /messages).',
    `Median of ${options.bot.length} rounds per bot (peak RSS: highest). CPU and RSS are the bot process's own;`,
    'the emulator runs in this process and shares the machine.',
    '',
    `${'measure'.padEnd(28)}${'echo bot'.padStart(12)}${'bot'.padStart(12)}${'bot/echo'.padStart(10)}`,
    ...rows.map(([name, e, b, digits]) =>
      `${name.padEnd(28)}${fixed(e, digits).padStart(12)}${fixed(b, digits).padStart(12)}${fixed(b / e, 2).padStart(10)}`,
    ),
    '',
    `answered exactly once: echo bot ${answered(options.echo)}, bot ${answered(options.bot)}`,
    '',
    ...checkTargets(bot, echo).map((t) => `${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(16)} ${t.target}`),
  ];
  return lines.join('\n');
}
