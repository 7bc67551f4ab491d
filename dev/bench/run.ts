/**
 * `npm run bench [-- start|compare|spaces|instances …]`: what a command costs, measured on the
 * local Webex emulator with every bot as a child process (all of it on 127.0.0.1). Four parts, all
 * by default:
 *
 * - start: how long the sandbox takes to answer its page (startup.ts).
 * - compare: the raw floor (raw-bot.ts: signature, read, reply; no framework), the echo bot
 *   (echo-bot.ts: the framework floor) and the bot, 2,000 `recording` commands at concurrency 50
 *   through signed webhooks, three alternating rounds each, medians reported with the targets.
 * - spaces: the bot with 100, 5,000 and 20,000 people, each in a direct space of their own; after
 *   one command per space (every space discovered; 20,000 commands in all for every run, so that
 *   they differ by their spaces only), 2,000 more spread over all of them: CPU per command and
 *   memory for each, against the 100-space run.
 * - instances: one bot, then two, on one Postgres database behind a round-robin proxy, the same
 *   load: the throughput of two against one.
 * - latency (only when asked: `npm run bench -- latency [--rtt 100] [--samples 11]`): the time to
 *   the card with every Webex call held a round trip, case by case, and the calls in a row
 *   (latency.ts).
 *
 * The spaces part also runs its 2,000 measured commands as people speak (Zipf: a few often, most
 * rarely) beside the round-robin worst case. CPU per command and peak RSS against the echo bot
 * are guards (at most 2x, at most +30 MiB), printed with PASS/FAIL.
 *
 * Exits 0 whatever the figures; only a crash exits otherwise.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLoadBalancer } from './load-balancer';
import {
  connectEveryone,
  createBenchWorld,
  createBotDatabase,
  driveDirectLoad,
  driveLoad,
  seedAccounts,
  startChildBot,
  type ChildBot,
  type LoadResult,
} from './load';
import { cpuTicksFromStat, formatReport, formatSpacesReport, summarise, type RunFigures, type SpacesRun } from './measure';
import { createScratchDatabase } from './scratch-database';
import { measureSandboxStart } from './startup';
import { runLatency } from './latency';

const COMMANDS = 2000;
const CONCURRENCY = 50;
const WARM_UP = 200;
const PEOPLE = 10;
/** Rounds per bot, alternating, so that a noisy minute on a shared machine does not decide. */
const ROUNDS = 3;
const SPACES = [100, 5_000, 20_000];
/**
 * Commands every spaces run has answered (discovery included) before its measured run: as many
 * as the largest run's discovery, so that the runs differ by their spaces, not by how long the
 * JIT and the heap have been at it.
 */
const SPACES_WARM_UP = Math.max(...SPACES);
const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Built entry points: the floors beside this file (dist-dev/dev/bench), the bot from the production build. */
const ENTRIES = {
  raw: resolve(__dirname, 'raw-bot.js'),
  echo: resolve(__dirname, 'echo-bot.js'),
  bot: resolve(__dirname, '../../../dist/index.js'),
};

function figuresOf(result: LoadResult, commands: number, cpuMs: number, peakRssBytes: number, ownCpu: NodeJS.CpuUsage): RunFigures {
  return {
    commands,
    answered: result.answered,
    problems: result.problems,
    seconds: result.seconds,
    latenciesMs: result.latenciesMs,
    cpuMs,
    peakRssBytes,
    emulatorCpuMs: (ownCpu.user + ownCpu.system) / 1000,
  };
}

/** Runs `load` and measures the bots' CPU (summed) and the highest peak RSS among them. */
async function measured(bots: ChildBot[], commands: number, load: () => Promise<LoadResult>): Promise<RunFigures> {
  const cpuBefore = bots.map((b) => b.cpuMs());
  const ownBefore = process.cpuUsage();
  const result = await load();
  const cpuMs = bots.reduce((sum, b, i) => sum + b.cpuMs() - cpuBefore[i]!, 0);
  return figuresOf(result, commands, cpuMs, Math.max(...bots.map((b) => b.peakRssBytes())), process.cpuUsage(ownBefore));
}

function printRun(name: string, figures: RunFigures, extra = ''): void {
  const s = summarise(figures);
  process.stdout.write(
    `${name.padEnd(12)} ${s.throughput.toFixed(1).padStart(6)} commands/s  p99 ${s.p99.toFixed(0).padStart(4)} ms  ` +
      `CPU ${s.cpuMsPerCommand.toFixed(2)} ms/command  peak RSS ${s.peakRssMiB.toFixed(1)} MiB  answered ${figures.answered}/${figures.commands}${extra}\n`,
  );
}

async function compareOne(name: keyof typeof ENTRIES): Promise<RunFigures> {
  const world = await createBenchWorld(PEOPLE);
  const bot = await startChildBot(world, ENTRIES[name], {});
  try {
    if (name === 'bot') await connectEveryone(world);
    await driveLoad(world, WARM_UP, CONCURRENCY);
    const figures = await measured([bot], COMMANDS, () => driveLoad(world, COMMANDS, CONCURRENCY));
    printRun(name === 'raw' ? 'raw floor' : name === 'echo' ? 'echo bot' : 'bot', figures);
    return figures;
  } finally {
    await bot.stop();
    await world.emulator.close();
  }
}

async function compare(): Promise<void> {
  process.stdout.write(`\n== compare: ${ROUNDS} rounds of ${COMMANDS} commands per bot, concurrency ${CONCURRENCY}, ${PEOPLE} people\n`);
  const runs = { raw: [] as RunFigures[], echo: [] as RunFigures[], bot: [] as RunFigures[] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.raw.push(await compareOne('raw'));
    runs.echo.push(await compareOne('echo'));
    runs.bot.push(await compareOne('bot'));
  }
  process.stdout.write(`\n${formatReport({ commands: COMMANDS, concurrency: CONCURRENCY, ...runs })}\n`);
}

async function spacesOne(people: number): Promise<SpacesRun> {
  const world = await createBenchWorld(people, { group: false });
  const database = createBotDatabase();
  await seedAccounts(world, database);
  const bot = await startChildBot(world, ENTRIES.bot, {}, [], { database });
  try {
    // One command per space: every space has been seen once before the measured run.
    const discovery = await driveDirectLoad(world, people, CONCURRENCY);
    const rssAfterDiscovery = bot.rssBytes();
    // As warm as the larger runs (the JIT has seen as many commands) before it is measured.
    if (people < SPACES_WARM_UP) await driveDirectLoad(world, SPACES_WARM_UP - people, CONCURRENCY);
    const figures = await measured([bot], COMMANDS, () => driveDirectLoad(world, COMMANDS, CONCURRENCY));
    const rssBytes = bot.rssBytes();
    printRun(`${people} spaces`, figures, `  RSS now ${(rssBytes / 1048576).toFixed(1)} MiB`);
    // The same again as people speak: a few often, most rarely.
    const zipf = await measured([bot], COMMANDS, () => driveDirectLoad(world, COMMANDS, CONCURRENCY, { pattern: 'zipf' }));
    printRun(`  Zipf`, zipf);
    return { spaces: people, figures, zipf, rssBytes, rssAfterDiscoveryBytes: rssAfterDiscovery, discoveryAnswered: discovery.answered };
  } finally {
    await bot.stop();
    await world.emulator.close();
  }
}

async function spaces(): Promise<void> {
  process.stdout.write(
    `\n== spaces: one command per direct space, then ${COMMANDS} more over all of them (round robin, the worst case), then ${COMMANDS} more as people speak (Zipf: a few often, most rarely), concurrency ${CONCURRENCY}\n`,
  );
  const runs: SpacesRun[] = [];
  for (const people of SPACES) runs.push(await spacesOne(people));
  process.stdout.write(`\n${formatSpacesReport(runs)}\n`);
}

/**
 * CPU time (ms) of every PostgreSQL process on this machine so far, exited backends included
 * (their time is added to the postmaster's children's); 0 when none can be read.
 */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      ticks += cpuTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), { reapedChildren: true });
    } catch {
      // The process ended while it was read.
    }
  }
  return ticks * 10; // USER_HZ is 100
}

async function instancesRun(count: number): Promise<RunFigures> {
  const scratch = await createScratchDatabase(POSTGRES_URL, 'recbot_bench');
  const world = await createBenchWorld(PEOPLE);
  const proxy = await startLoadBalancer();
  const bots: ChildBot[] = [];
  try {
    const shared = createBotDatabase(scratch.url);
    for (let i = 0; i < count; i++) bots.push(await startChildBot(world, ENTRIES.bot, {}, [], { database: shared, publicUrl: proxy.url }));
    proxy.targets = bots.map((b) => b.url);
    await connectEveryone(world);
    await driveLoad(world, WARM_UP, CONCURRENCY);
    const postgresBefore = postgresCpuMs();
    const figures = await measured(bots, COMMANDS, () => driveLoad(world, COMMANDS, CONCURRENCY));
    const postgresMs = postgresCpuMs() - postgresBefore;
    printRun(
      `${count} instance${count > 1 ? 's' : ''}`,
      figures,
      `  (CPU summed over instances; per command, this process (load, emulator, proxy): ${(figures.emulatorCpuMs / COMMANDS).toFixed(2)} ms, Postgres: ${(postgresMs / COMMANDS).toFixed(2)} ms)`,
    );
    return figures;
  } finally {
    for (const bot of bots) await bot.stop();
    await proxy.close();
    await world.emulator.close();
    await scratch.drop();
  }
}

async function instances(): Promise<void> {
  process.stdout.write(`\n== instances: the bot on one Postgres behind a round-robin proxy, ${COMMANDS} commands at concurrency ${CONCURRENCY}\n`);
  const one: number[] = [];
  const two: number[] = [];
  for (let round = 0; round < 2; round++) {
    one.push(summarise(await instancesRun(1)).throughput);
    two.push(summarise(await instancesRun(2)).throughput);
  }
  const best = (values: number[]) => Math.max(...values);
  process.stdout.write(
    `\nthroughput, best of ${one.length}: one instance ${best(one).toFixed(1)}/s, two instances ${best(two).toFixed(1)}/s, ` +
      `ratio ${(best(two) / best(one)).toFixed(2)} (target >= 1.6 on 2 cores; the emulator, the proxy and the load share those cores)\n`,
  );
}

async function start(): Promise<void> {
  process.stdout.write(`\n== start\n${await measureSandboxStart(5)}\n`);
}

/** The value of `--name <value>` (or `--name=<value>`) on the command line, as a positive number. */
function numberOption(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const raw = args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1];
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} takes a number, e.g. --${name} ${fallback}`);
  return value;
}

async function latency(): Promise<void> {
  const rttMs = numberOption('rtt', 100);
  const samples = Math.max(1, Math.round(numberOption('samples', 11)));
  process.stdout.write(`\n== latency: time to answer at ${rttMs} ms per Webex call\n${await runLatency({ rttMs, samples })}\n`);
}

/** Words that are option values (`--rtt 100`), not parts. */
function partNames(): string[] {
  const args = process.argv.slice(2);
  return args.filter((a, i) => !a.startsWith('-') && !(i > 0 && /^--(rtt|samples)$/.test(args[i - 1]!)));
}

async function main(): Promise<void> {
  const parts = { start, compare, spaces, instances, latency };
  const asked = partNames();
  const unknown = asked.filter((a) => !(a in parts));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; choose from ${Object.keys(parts).join(', ')}`);
  process.stdout.write(`Benchmark: node ${process.version}\n`);
  const all = Object.keys(parts).filter((p) => p !== 'latency');
  for (const name of asked.length > 0 ? asked : all) await parts[name as keyof typeof parts]();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`The benchmark crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
