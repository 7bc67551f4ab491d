/**
 * `npm run bench -- latency [--rtt 100] [--samples 11]`: the time from a person's message (or
 * click, or new recording) to the bot's answer when every Webex call costs a round trip over the
 * Internet (the emulator holds each call `--rtt` ms). One command at a time, so the time is set by
 * how many Webex calls happen one after another; for each case it prints the median of the
 * samples, the Webex calls made, the calls in a row (the longest chain of calls each made after
 * the previous was answered, from the emulator's call log) and that chain for the median sample.
 *
 * Three bots: the raw floor (raw-bot.ts: webhook, GET message, POST), the framework's own echo
 * bot (echo-bot.ts) and the bot, in webhook mode; then the echo bot and the bot again in websocket
 * mode (no PUBLIC_URL: the emulator's Mercury socket), the raw floor being a webhook client only.
 */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import type { CallRecord, EmulatorMessage } from '../sandbox/emulator';
import { criticalPath, describeCall, formatPath, medianIndex } from './critical-path';
import { createBenchWorld, createBotDatabase, seedAccounts, startChildBot, type BenchWorld, type ChildBot } from './load';

const ENTRIES = {
  raw: resolve(__dirname, 'raw-bot.js'),
  echo: resolve(__dirname, 'echo-bot.js'),
  bot: resolve(__dirname, '../../../dist/index.js'),
};

type Transport = 'webhook' | 'websocket';

export interface LatencyOptions {
  rttMs: number;
  samples: number;
}

interface Sample {
  ms: number;
  calls: CallRecord[];
  chain: CallRecord[];
}

interface CaseResult {
  bot: string;
  name: string;
  samples: Sample[];
  /** Samples that got no answer (each printed once, with the last calls). */
  unanswered?: string[];
}

/** A case's sample, or the reason there is none (no answer in time): the other cases still run. */
async function attempt(unanswered: string[], work: () => Promise<Sample>): Promise<Sample | undefined> {
  try {
    return await work();
  } catch (err) {
    unanswered.push(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

/** What one action waits for: the `count`-th bot message after it that matches. */
interface Expect {
  match: (m: EmulatorMessage) => boolean;
  count?: number;
}

class Runner {
  constructor(
    private readonly world: BenchWorld,
    private readonly rttMs: number,
  ) {}

  /** Runs `act`, waits for the answer, and takes the Webex calls made from `act` to the answer from the call log. */
  async measure(act: () => void, expect: Expect, label = 'a case'): Promise<Sample> {
    const { emulator } = this.world;
    const want = expect.count ?? 1;
    let seen = 0;
    let onMessage: ((m: EmulatorMessage) => void) | undefined;
    const answered = new Promise<number>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: no answer within 15 s (last calls: ${emulator.calls.slice(-6).map((c) => `${describeCall(c)} ${c.status}`).join(', ')})`)), 15_000);
      onMessage = (m: EmulatorMessage) => {
        if (m.personId !== this.world.botId || !expect.match(m)) return;
        if (++seen < want) return;
        clearTimeout(timer);
        resolvePromise(performance.now());
      };
      emulator.events.on('message', onMessage);
    });
    const before = emulator.calls.length;
    const startedAt = performance.now();
    act();
    let endedAt: number;
    try {
      endedAt = await answered;
    } finally {
      emulator.events.off('message', onMessage!);
    }
    // Every call started before the answer is answered within a round trip (and a little).
    await this.quiet();
    const calls = emulator.calls.slice(before).filter((c) => c.startedMs >= startedAt && c.startedMs <= endedAt);
    return { ms: endedAt - startedAt, calls, chain: criticalPath(calls) };
  }

  /** Waits until no call has been made or answered for two round trips (the bot has settled). */
  async quiet(): Promise<void> {
    const { emulator } = this.world;
    await emulator.idle();
    for (;;) {
      const count = emulator.calls.length;
      await new Promise((r) => setTimeout(r, 2 * this.rttMs + 50));
      if (emulator.calls.length === count) return;
    }
  }
}

function hasCard(m: EmulatorMessage): boolean {
  return Boolean(m.attachments?.length);
}

/** The data of the card's "Send me the download links" button. */
function sendLinksData(message: EmulatorMessage): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    const data = (node as { data?: unknown }).data as Record<string, unknown> | undefined;
    if (data && typeof data === 'object' && JSON.stringify(data).includes('sendLinks')) {
      found = data;
      return;
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(message.attachments);
  if (!found) throw new Error('the group card has no "Send me the download links" button');
  return found;
}

/** Cases of the floors (raw and echo): an echo in a known space and in a new one. */
async function floorCases(name: 'raw' | 'echo', options: LatencyOptions, transport: Transport = 'webhook'): Promise<CaseResult[]> {
  const world = await createBenchWorld(options.samples, { group: false, latencyMs: options.rttMs });
  const bot = await startChildBot(world, ENTRIES[name], {}, [], { transport });
  const runner = new Runner(world, options.rttMs);
  const known: Sample[] = [];
  const fresh: Sample[] = [];
  const missed = { known: [] as string[], fresh: [] as string[] };
  try {
    await runner.quiet();
    for (let i = 0; i < options.samples; i++) {
      const person = world.people[i]!;
      const room = world.directs[i]!;
      // The space is seen once before its measured message.
      await runner.measure(() => world.emulator.say({ as: person.id, roomId: room, text: 'hello' }), { match: (m) => m.roomId === room }, 'echo, first message');
      const k = await attempt(missed.known, () => runner.measure(() => world.emulator.say({ as: person.id, roomId: room, text: 'hello again' }), { match: (m) => m.roomId === room }, 'echo, known space'));
      if (k) known.push(k);
      // A 1:1 space the bot has not seen (the framework discovers a 1:1 space with three reads).
      const newcomer = world.emulator.addPerson({ email: `newcomer${i}@example.com`, displayName: `Newcomer ${i}` });
      const fresh1to1 = world.emulator.createDirectRoom(newcomer.id, world.botId).id;
      const f = await attempt(missed.fresh, () => runner.measure(() => world.emulator.say({ as: newcomer.id, roomId: fresh1to1, text: 'hello' }), { match: (m) => m.roomId === fresh1to1 }, 'echo, new space'));
      if (f) fresh.push(f);
      await runner.quiet();
    }
  } finally {
    await bot.stop();
    await world.emulator.close();
  }
  const label = `${name === 'raw' ? 'raw floor' : 'echo bot'}${transport === 'websocket' ? ' (ws)' : ''}`;
  return [
    { bot: label, name: 'echo, known space', samples: known, unanswered: missed.known },
    { bot: label, name: 'echo, new space', samples: fresh, unanswered: missed.fresh },
  ];
}

/** The bot's cases, each sample with a person of its own (signed in, their direct space unseen). */
async function botCases(options: LatencyOptions, transport: Transport = 'webhook'): Promise<CaseResult[]> {
  const { samples } = options;
  // Person i's recordings: bench-recording-i (from the world) and three more; each call was with
  // person i + samples (named: their name is looked up once).
  const world = await createBenchWorld(2 * samples, { latencyMs: options.rttMs });
  const extra = (i: number, k: number) => `bench-recording-${i}-${k}`;
  for (let i = 0; i < samples; i++) {
    const owner = world.people[i]!;
    for (const id of [world.recordingIds[i]!, extra(i, 1), extra(i, 2), extra(i, 3)]) {
      world.emulator.removeRecording(id);
      world.emulator.addRecording({
        id,
        topic: `Bench call ${id}`,
        createTime: new Date(Date.now() - 3600_000).toISOString(),
        timeRecorded: new Date(Date.now() - 3700_000).toISOString(),
        ownerId: owner.id,
        ownerType: 'user',
        ownerEmail: owner.emails[0]!,
        format: 'MP3',
        durationSeconds: 298,
        sizeBytes: 299_918,
        serviceType: 'calling',
        storageRegion: 'US',
        status: 'available',
        links: ['audio', 'transcript'],
        call: { direction: 'incoming', other: { personId: world.people[samples + i]!.id } },
      });
    }
  }
  const database = createBotDatabase();
  await seedAccounts(world, database);
  const bot: ChildBot = await startChildBot(world, ENTRIES.bot, {}, [], { database, transport });
  const runner = new Runner(world, options.rttMs);
  const results = new Map<string, Sample[]>();
  const missed = new Map<string, string[]>();
  const add = async (name: string, work: Promise<Sample>) => {
    if (!results.has(name)) results.set(name, []);
    if (!missed.has(name)) missed.set(name, []);
    const sample = await attempt(missed.get(name)!, () => work);
    if (sample) results.get(name)!.push(sample);
    else await runner.quiet();
  };
  const { emulator } = world;
  try {
    await runner.quiet();
    for (let i = 0; i < samples; i++) {
      const person = world.people[i]!;
      const room = world.directs[i]!;
      const id = world.recordingIds[i]!;
      const say = (text: string, expect: Expect, roomId = room, mentionBot = false) =>
        runner.measure(() => emulator.say({ as: person.id, roomId, text, mentionBot }), expect, text);
      const cardIn = (roomId: string, recordingId?: string) => (m: EmulatorMessage) =>
        m.roomId === roomId && hasCard(m) && (!recordingId || JSON.stringify(m.attachments).includes(recordingId));
      await add('first view, new space', say(`recording ${id}`, { match: cardIn(room, id) }));
      await add('the same again', say(`recording ${id}`, { match: cardIn(room, id) }));
      await add('recordings list', say('recordings', { match: cardIn(room) }));
      await add('three IDs, to the third card', say(`recording ${extra(i, 1)} ${extra(i, 2)} ${extra(i, 3)}`, { match: cardIn(room), count: 3 }));
      // The group card (not measured), then its "Send me the download links" click.
      const groupCard = await new Promise<EmulatorMessage>((resolvePromise, reject) => {
        emulator.waitForMessage((m) => m.personId === world.botId && cardIn(world.group, id)(m), 30_000).then(resolvePromise, reject);
        emulator.say({ as: person.id, roomId: world.group, text: `recording ${id}`, mentionBot: true });
      });
      await runner.quiet();
      await add('"Send me the download links" click', runner.measure(() => emulator.click({ as: person.id, messageId: groupCard.id, inputs: sendLinksData(groupCard) }), { match: cardIn(room, id) }, 'click'));
      // Notifications on (not measured), then a new recording of a call with a number, and one with a person.
      await say('notify on', { match: (m) => m.roomId === room });
      const byNumber = `bench-new-${i}-n`;
      await add('notification', runner.measure(() => emulator.newRecording({ owner: person.id, id: byNumber, call: { direction: 'outgoing', other: { number: '+15550100' } } }), { match: cardIn(room, byNumber) }, 'notification'));
      const named = emulator.addPerson({ email: `caller${i}@example.com`, displayName: `Caller ${i}` });
      const byPerson = `bench-new-${i}-p`;
      await add('notification, name to look up', runner.measure(() => emulator.newRecording({ owner: person.id, id: byPerson, call: { direction: 'incoming', other: { personId: named.id } } }), { match: cardIn(room, byPerson) }, 'notification with a name'));
    }
  } finally {
    await bot.stop();
    await emulator.close();
  }
  return [...results].map(([name, s]) => ({ bot: transport === 'websocket' ? 'bot (ws)' : 'bot', name, samples: s, unanswered: missed.get(name) ?? [] }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatLatencyReport(results: readonly CaseResult[], options: LatencyOptions, mode: string): string {
  const lines = [
    `${options.samples} samples per case, one at a time, every Webex call held ${options.rttMs} ms; ${mode} mode.`,
    'time: from the message (click, new recording) to the answer at the emulator, median; calls: Webex calls made',
    '(median); in a row: the longest chain of calls each made after the one before was answered (median).',
    '',
    `${'bot'.padEnd(16)}${'case'.padEnd(38)}${'time (ms)'.padStart(10)}${'calls'.padStart(7)}${'in a row'.padStart(10)}`,
  ];
  const paths: string[] = [];
  const problems: string[] = [];
  for (const r of results) {
    const missed = r.unanswered ?? [];
    if (missed.length > 0) problems.push(`${r.bot}, ${r.name}: ${missed.length} of ${missed.length + r.samples.length} samples; the first: ${missed[0]}`);
    if (r.samples.length === 0) {
      lines.push(`${r.bot.padEnd(16)}${r.name.padEnd(38)}${'no answer'.padStart(10)}`);
      continue;
    }
    const times = r.samples.map((s) => s.ms);
    const at = medianIndex(times);
    const sample = r.samples[at]!;
    lines.push(
      `${r.bot.padEnd(16)}${r.name.padEnd(38)}${median(times).toFixed(0).padStart(10)}` +
        `${String(median(r.samples.map((s) => s.calls.length))).padStart(7)}${String(median(r.samples.map((s) => s.chain.length))).padStart(10)}`,
    );
    paths.push(`${r.bot}, ${r.name} (${sample.ms.toFixed(0)} ms, ${sample.chain.length} in a row):`, `  event → ${formatPath(sample.chain, sample.calls)}`);
  }
  return [...lines, '', 'critical path of the median sample:', ...paths, ...(problems.length > 0 ? ['', 'samples with no answer:', ...problems] : [])].join('\n');
}

export async function runLatency(options: LatencyOptions): Promise<string> {
  const results = [
    ...(await floorCases('raw', options)),
    ...(await floorCases('echo', options)),
    ...(await botCases(options)),
    ...(await floorCases('echo', options, 'websocket')),
    ...(await botCases(options, 'websocket')),
  ];
  return formatLatencyReport(results, options, 'webhook, then websocket (ws)');
}
