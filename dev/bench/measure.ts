/**
 * Pure parts of the benchmark: reading a process's CPU time and peak memory from /proc,
 * percentiles, the targets and the printed reports.
 */

/**
 * user + system CPU time in clock ticks, from the text of /proc/<pid>/stat; with
 * `reapedChildren`, also that of its children that have exited (cutime + cstime).
 */
export function cpuTicksFromStat(stat: string, options: { reapedChildren?: boolean } = {}): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime, stime, cutime and cstime are fields 14 to 17.
  const count = options.reapedChildren ? 4 : 2;
  const fields = rest.slice(11, 11 + count).map(Number);
  if (fields.length < count || fields.some((n) => !Number.isFinite(n))) throw new Error('unreadable /proc/<pid>/stat');
  return fields.reduce((sum, n) => sum + n, 0);
}

function kilobytesField(status: string, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/<pid>/status`);
  return Number(match[1]) * 1024;
}

/** Peak resident set size in bytes (VmHWM), from the text of /proc/<pid>/status. */
export function peakRssFromStatus(status: string): number {
  return kilobytesField(status, 'VmHWM');
}

/** Resident set size now in bytes (VmRSS), from the text of /proc/<pid>/status. */
export function rssFromStatus(status: string): number {
  return kilobytesField(status, 'VmRSS');
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

/**
 * The bot against the echo bot (the framework floor): regression guards, not goals. What people
 * feel is the time to the card (`npm run bench -- latency`); CPU and memory must only not grow.
 */
export function checkTargets(bot: Summary, echo: Summary): TargetResult[] {
  return [
    { name: 'CPU per command', target: '<= 2x echo (guard)', pass: bot.cpuMsPerCommand <= 2 * echo.cpuMsPerCommand },
    { name: 'peak RSS', target: '<= echo + 30 MiB (guard)', pass: bot.peakRssMiB <= echo.peakRssMiB + 30 },
  ];
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The report of the compare part of `npm run bench`. */
export function formatReport(options: { commands: number; concurrency: number; raw: RunFigures[]; echo: RunFigures[]; bot: RunFigures[] }): string {
  const raw = combineRounds(options.raw);
  const echo = combineRounds(options.echo);
  const bot = combineRounds(options.bot);
  const rows: Array<[string, keyof Summary, number]> = [
    ['throughput (commands/s)', 'throughput', 1],
    ['latency p50 (ms)', 'p50', 1],
    ['latency p95 (ms)', 'p95', 1],
    ['latency p99 (ms)', 'p99', 1],
    ['CPU per command (ms)', 'cpuMsPerCommand', 2],
    ['peak RSS (MiB)', 'peakRssMiB', 1],
    ['emulator CPU/command (ms)', 'emulatorCpuMsPerCommand', 2],
  ];
  const answered = (runs: RunFigures[]) => `${runs.reduce((n, r) => n + r.answered, 0)}/${runs.reduce((n, r) => n + r.commands, 0)}`;
  const lines = [
    `${options.commands} commands per round at concurrency ${options.concurrency}, through signed webhooks from the local`,
    'emulator; latency from the message (emulator say) to the reply arriving at the emulator (POST /messages).',
    `Median of ${options.bot.length} rounds per bot (peak RSS: highest). CPU and RSS are the bot process's own;`,
    'the emulator runs in this process and shares the machine.',
    '',
    `${'measure'.padEnd(28)}${'raw floor'.padStart(11)}${'echo bot'.padStart(11)}${'bot'.padStart(11)}${'bot/echo'.padStart(10)}${'bot/raw'.padStart(9)}`,
    ...rows.map(([name, key, digits]) =>
      `${name.padEnd(28)}${fixed(raw[key], digits).padStart(11)}${fixed(echo[key], digits).padStart(11)}${fixed(bot[key], digits).padStart(11)}` +
        `${fixed(bot[key] / echo[key], 2).padStart(10)}${fixed(bot[key] / raw[key], 2).padStart(9)}`,
    ),
    '',
    `answered exactly once: raw floor ${answered(options.raw)}, echo bot ${answered(options.echo)}, bot ${answered(options.bot)}`,
    '',
    ...checkTargets(bot, echo).map((t) => `${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(16)} ${t.target}`),
  ];
  return lines.join('\n');
}

/** One run of the spaces part: the bot after every one of `spaces` direct spaces sent a command. */
export interface SpacesRun {
  spaces: number;
  figures: RunFigures;
  /** VmRSS after the measured commands. */
  rssBytes: number;
  /** VmRSS after the first command of every space. */
  rssAfterDiscoveryBytes: number;
  discoveryAnswered: number;
  /**
   * The same number of commands again with a realistic access pattern (a few people speak often,
   * most rarely: Zipf), beside the round-robin worst case (every command from a space far from
   * the last).
   */
  zipf?: RunFigures;
}

/** The targets of the spaces part: the largest run against the smallest. */
export function checkSpacesTargets(runs: readonly SpacesRun[]): TargetResult[] {
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (!first || !last || first === last) return [];
  const cpu = (r: SpacesRun) => summarise(r.figures).cpuMsPerCommand;
  const label = `${last.spaces} vs ${first.spaces} spaces`;
  return [
    { name: 'RSS', target: `${label}: <= +60 MiB`, pass: last.rssBytes - first.rssBytes <= 60 * 1024 * 1024 },
    { name: 'CPU per command', target: `${label}: within 10%`, pass: cpu(last) <= cpu(first) * 1.1 && cpu(last) >= cpu(first) * 0.9 },
  ];
}

/** The report of the spaces part of `npm run bench`. */
export function formatSpacesReport(runs: readonly SpacesRun[]): string {
  const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  const lines = [
    `${'spaces'.padStart(8)}${'CPU/command (ms)'.padStart(18)}${'p99 (ms)'.padStart(10)}${'Zipf CPU/command'.padStart(18)}${'Zipf p99'.padStart(10)}` +
      `${'RSS after discovery'.padStart(21)}${'RSS after run'.padStart(15)}${'peak RSS'.padStart(10)}${'answered'.padStart(12)}`,
    ...runs.map((r) => {
      const s = summarise(r.figures);
      const z = r.zipf ? summarise(r.zipf) : undefined;
      return `${String(r.spaces).padStart(8)}${s.cpuMsPerCommand.toFixed(2).padStart(18)}${s.p99.toFixed(0).padStart(10)}` +
        `${(z ? z.cpuMsPerCommand.toFixed(2) : 'n/a').padStart(18)}${(z ? z.p99.toFixed(0) : 'n/a').padStart(10)}` +
        `${`${mib(r.rssAfterDiscoveryBytes)} MiB`.padStart(21)}` +
        `${`${mib(r.rssBytes)} MiB`.padStart(15)}${`${s.peakRssMiB.toFixed(1)}`.padStart(10)}${`${r.figures.answered}/${r.figures.commands}`.padStart(12)}`;
    }),
    '',
    ...checkSpacesTargets(runs).map((t) => `${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(16)} ${t.target}`),
  ];
  return lines.join('\n');
}
