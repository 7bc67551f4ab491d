/**
 * `npm run bench`: the bot against the echo bot (the floor of any bot on this framework, see
 * echo-bot.ts), each as a child process on the local Webex emulator, measured the same way:
 * 2,000 `recording` commands at concurrency 50 through signed webhooks, in three alternating
 * rounds per bot. Prints throughput,
 * latency percentiles, CPU time per command and peak RSS of each bot's process, the ratios, and
 * PASS/FAIL for each target. Exits 0 whatever the figures; only a crash exits otherwise.
 *
 * Local only: the emulator and both bots listen on 127.0.0.1. Each bot gets a fresh emulator,
 * warms up (sign-ins, first space discovery, JIT) before the measured run, and is stopped after.
 */
import { resolve } from 'node:path';
import { connectEveryone, createBenchWorld, driveLoad, startChildBot } from './load';
import { formatReport, summarise, type RunFigures } from './measure';

const COMMANDS = 2000;
const CONCURRENCY = 50;
const WARM_UP = 200;
const PEOPLE = 10;
/** Rounds per bot, alternating echo and bot, so that a noisy minute on a shared machine does
 * not decide the comparison. */
const ROUNDS = 3;

async function measure(name: string, entry: string, needsSignIn: boolean): Promise<RunFigures> {
  const world = await createBenchWorld(PEOPLE);
  const bot = await startChildBot(world, entry, {});
  try {
    if (needsSignIn) await connectEveryone(world);
    await driveLoad(world, WARM_UP, CONCURRENCY);
    const cpuBefore = bot.cpuMs();
    const ownBefore = process.cpuUsage();
    const result = await driveLoad(world, COMMANDS, CONCURRENCY);
    const cpuMs = bot.cpuMs() - cpuBefore;
    const own = process.cpuUsage(ownBefore);
    const peakRssBytes = bot.peakRssBytes();
    const figures: RunFigures = {
      commands: COMMANDS,
      answered: result.answered,
      problems: result.problems,
      seconds: result.seconds,
      latenciesMs: result.latenciesMs,
      cpuMs,
      peakRssBytes,
      emulatorCpuMs: (own.user + own.system) / 1000,
    };
    const s = summarise(figures);
    process.stdout.write(
      `${name.padEnd(9)} ${s.throughput.toFixed(1).padStart(6)} commands/s  p99 ${s.p99.toFixed(0).padStart(4)} ms  ` +
        `CPU ${s.cpuMsPerCommand.toFixed(2)} ms/command  peak RSS ${s.peakRssMiB.toFixed(1)} MiB  answered ${result.answered}/${COMMANDS}\n`,
    );
    return figures;
  } finally {
    await bot.stop();
    await world.emulator.close();
  }
}

async function main(): Promise<void> {
  const dist = resolve(__dirname, '..');
  process.stdout.write(`Benchmark: node ${process.version}, ${ROUNDS} rounds of ${COMMANDS} commands per bot, concurrency ${CONCURRENCY}, ${PEOPLE} people\n`);
  const echo: RunFigures[] = [];
  const bot: RunFigures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    echo.push(await measure('echo bot', resolve(dist, 'bench/echo-bot.js'), false));
    bot.push(await measure('bot', resolve(dist, 'index.js'), true));
  }
  process.stdout.write(`\n${formatReport({ commands: COMMANDS, concurrency: CONCURRENCY, echo, bot })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`The benchmark crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
