/**
 * The moving parts of `npm run bench`: a Webex world in the local emulator, a bot as a child
 * process wired to it, sign-in through the real consent flow, and the load itself: commands as
 * @mentions in a group space, so that each reply is threaded under its command and every
 * latency is exact.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { PROGRESS_NOTE_PREFIX } from '../../src/replies/progress';
import { createLogger } from '../../src/log';
import { createStore } from '../../src/store';
import { startEmulator, type Emulator, type EmulatorMessage } from '../sandbox/emulator';
import { deployedNodeOptions } from './procfile';
import type { Person } from '../../src/webex/types';
import { cpuTicksFromStat, peakRssFromStatus, rssFromStatus } from './measure';

const CLIENT_ID = 'C-bench';
const CLIENT_SECRET = 'bench-client-secret';
const WEBHOOK_SECRET = 'bench-webhook-secret';

export interface BenchWorld {
  emulator: Emulator;
  botToken: string;
  botId: string;
  people: Person[];
  directs: string[];
  group: string;
  /** The recording each person owns, by person index. */
  recordingIds: string[];
}

/** How `startChildBot` is told where its database is and with which key, when the caller
 * prepares the database itself (see `seedAccounts`). */
export interface BotDatabase {
  dir: string;
  url: string;
  encryptionKey: string;
}

export function createBotDatabase(url?: string): BotDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'recbot-bench-'));
  return { dir, url: url ?? `sqlite:${join(dir, 'bot.sqlite')}`, encryptionKey: randomBytes(32).toString('base64') };
}

/**
 * Links every person's account directly in the bot's database, with tokens the emulator issued:
 * what thousands of consent-page sign-ins would leave behind, in seconds.
 */
export async function seedAccounts(world: BenchWorld, database: BotDatabase): Promise<void> {
  const store = createStore({ url: database.url, encryptionKey: Buffer.from(database.encryptionKey, 'base64'), logger: createLogger({ level: 'warn' }) });
  await store.init();
  const scopes = ['spark:recordings_read', 'spark:people_read'];
  const now = new Date();
  try {
    for (const person of world.people) {
      const issued = world.emulator.issueToken(person.id, { scopes, expiresInSeconds: 14 * 24 * 3600, clientId: CLIENT_ID });
      await store.saveAccount(
        {
          personId: person.id,
          email: person.emails[0]!,
          tokens: {
            accessToken: issued.accessToken,
            accessTokenExpiresAt: new Date(now.getTime() + 14 * 24 * 3600_000),
            refreshToken: issued.refreshToken,
            refreshTokenExpiresAt: null,
            scopes,
          },
        },
        now,
      );
    }
  } finally {
    await store.close();
  }
}

/**
 * `peopleCount` people, each with a direct space with the bot and a recording of their own,
 * and (unless `group: false`) one group space with all of them.
 */
export async function createBenchWorld(peopleCount: number, options: { group?: boolean; latencyMs?: number } = {}): Promise<BenchWorld> {
  const emulator = await startEmulator({ host: '127.0.0.1', latencyMs: options.latencyMs ?? 0 });
  const { person: bot, token: botToken } = emulator.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
  const people: Person[] = [];
  const directs: string[] = [];
  const recordingIds: string[] = [];
  for (let i = 0; i < peopleCount; i++) {
    const person = emulator.addPerson({ email: `person${i}@example.com`, displayName: `Person ${i}`, timezone: 'Europe/Paris' });
    people.push(person);
    directs.push(emulator.createDirectRoom(person.id, bot.id).id);
    const id = `bench-recording-${i}`;
    recordingIds.push(id);
    emulator.addRecording({
      id,
      topic: `Bench call ${i}`,
      createTime: '2024-03-01T09:00:00Z',
      timeRecorded: '2024-03-01T08:55:00Z',
      ownerId: person.id,
      ownerType: 'user',
      ownerEmail: person.emails[0]!,
      format: 'MP3',
      durationSeconds: 298,
      sizeBytes: 299_918,
      serviceType: 'calling',
      storageRegion: 'US',
      status: 'available',
      links: ['audio', 'transcript'],
    });
  }
  const group = options.group === false ? '' : emulator.createGroupRoom('Bench space', [...people.map((p) => p.id), bot.id]).id;
  return { emulator, botToken, botId: bot.id, people, directs, group, recordingIds };
}

import { freePort } from '../free-port';

export { freePort };

export interface ChildBot {
  readonly pid: number;
  readonly url: string;
  /** CPU time (user + system) used so far, in milliseconds. */
  cpuMs(): number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** Resident set size now (VmRSS), in bytes. */
  rssBytes(): number;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node <the Procfile's options> <entry>` in webhook mode against the emulator and waits until it is ready.
 * `nodeArgs` go before the entry, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/prof']` to profile.
 */
export async function startChildBot(
  world: BenchWorld,
  entry: string,
  extraEnv: Record<string, string>,
  nodeArgs: string[] = [],
  /** `transport: 'websocket'`: no PUBLIC_URL, the bot listens on the emulator's socket. */
  options: { database?: BotDatabase; publicUrl?: string; transport?: 'webhook' | 'websocket' } = {},
): Promise<ChildBot> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = options.database ?? createBotDatabase();
  const dataDir = database.dir;
  world.emulator.registerIntegration({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${options.publicUrl ?? url}/oauth/callback`] });
  const env: Record<string, string> = {
    WEBEX_BOT_TOKEN: world.botToken,
    WEBEX_API_URL: world.emulator.apiUrl,
    ...(options.transport === 'websocket' ? { SIGN_IN_URL: url } : { PUBLIC_URL: options.publicUrl ?? url, WEBHOOK_SECRET }),
    WEBEX_CLIENT_ID: CLIENT_ID,
    WEBEX_CLIENT_SECRET: CLIENT_SECRET,
    OAUTH_SCOPES: 'spark:recordings_read spark:people_read',
    TOKEN_ENCRYPTION_KEY: database.encryptionKey,
    DATABASE_URL: database.url,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    COMMANDS_PER_MINUTE: '0',
    ...extraEnv,
  };
  loadConfig(env); // a mistake in the settings above fails here, with the reason
  // Run as deployed: the Procfile's Node options (its heap limit) first.
  const child = spawn(process.execPath, [...deployedNodeOptions(), ...nodeArgs, entry], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${output.join('\n')}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} not ready in 30 s:\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid!;
  const ticksPerSecond = 100; // USER_HZ: 100 on every Linux the bot runs on
  return {
    pid,
    url,
    cpuMs: () => (cpuTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / ticksPerSecond,
    peakRssBytes: () => peakRssFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8')),
    rssBytes: () => rssFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8')),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Signs every person in the way a person does: "connect", the consent page, the callback. */
export async function connectEveryone(world: BenchWorld): Promise<void> {
  const { emulator } = world;
  for (let i = 0; i < world.people.length; i++) {
    const person = world.people[i]!;
    const room = world.directs[i]!;
    const seen = new Set(emulator.messages(room).map((m) => m.id));
    const fromBot = (m: EmulatorMessage) => m.roomId === room && m.personId === world.botId && !seen.has(m.id);
    const card = emulator.waitForMessage((m) => fromBot(m) && Boolean(m.attachments?.length), 15_000);
    emulator.say({ as: person.id, roomId: room, text: 'connect' });
    const authorize = JSON.stringify((await card).attachments).match(/"url":"([^"]*\/authorize\?[^"]*)"/)?.[1];
    if (!authorize) throw new Error('the connect card has no sign-in button');
    const connected = emulator.waitForMessage((m) => fromBot(m) && /connected/i.test(m.markdown ?? ''), 15_000);
    const page = await fetch(emulator.authorizeAs(authorize, person.id));
    if (page.status !== 200) throw new Error(`sign-in failed with ${page.status}`);
    await connected;
  }
}

/** A slow answer's "Looking up recording …" note is not the answer (it is deleted once that is posted). */
function isProgressNote(m: EmulatorMessage): boolean {
  return (m.markdown ?? '').startsWith(PROGRESS_NOTE_PREFIX);
}

export interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  /** Commands answered exactly once. */
  answered: number;
  /** Commands with no reply within the timeout, or with more than one. */
  problems: number;
}

/**
 * Sends `commands` commands, at most `concurrency` waiting for their reply at any time; person
 * i % people asks for their own recording. Latency: from `say` (the message exists and its
 * webhook is queued) to the bot's threaded reply arriving at the emulator.
 */
export async function driveLoad(world: BenchWorld, commands: number, concurrency: number, replyTimeoutMs = 30_000): Promise<LoadResult> {
  const { emulator } = world;
  const replies = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const onMessage = (m: EmulatorMessage) => {
    if (m.personId !== world.botId || !m.parentId || isProgressNote(m)) return;
    const at = performance.now();
    replies.set(m.parentId, (replies.get(m.parentId) ?? 0) + 1);
    waiting.get(m.parentId)?.(at);
  };
  emulator.events.on('message', onMessage);
  const asked: string[] = [];
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < commands) {
      const i = next++;
      const person = i % world.people.length;
      const sentAt = performance.now();
      const message = emulator.say({ as: world.people[person]!.id, roomId: world.group, text: `recording ${world.recordingIds[person]}`, mentionBot: true });
      asked.push(message.id);
      const answeredAt = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), replyTimeoutMs);
        waiting.set(message.id, (at) => {
          clearTimeout(timer);
          waiting.delete(message.id);
          resolve(at);
        });
      });
      if (answeredAt !== null) latenciesMs.push(answeredAt - sentAt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, commands) }, worker));
  const seconds = (performance.now() - started) / 1000;
  // Late or doubled replies would come after the first: let the deliveries drain, then count.
  await emulator.idle();
  await new Promise((r) => setTimeout(r, 300));
  emulator.events.off('message', onMessage);
  const answered = asked.filter((id) => replies.get(id) === 1).length;
  return { seconds, latenciesMs, answered, problems: commands - answered };
}

/**
 * Like driveLoad, but each command is a 1:1 message in a person's own direct space (the reply
 * is the first bot message in that space after it). Command i goes to person (i * stride) % N,
 * so consecutive commands come from spaces far apart and no space has two commands in flight.
 */
export async function driveDirectLoad(
  world: BenchWorld,
  commands: number,
  concurrency: number,
  options: { pattern?: 'round-robin' | 'zipf'; replyTimeoutMs?: number } = {},
): Promise<LoadResult> {
  const { emulator } = world;
  const replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
  const people = world.people.length;
  if (people < concurrency) throw new Error('direct load needs at least as many people as the concurrency');
  const stride = strideFor(people);
  const zipf = options.pattern === 'zipf' ? zipfSampler(people, 1) : undefined;
  const busy = new Set<number>();
  /** Round robin: command i from person (i * stride) % N. Zipf: a person drawn by rank, skipping one whose command is in flight. */
  const personFor = (i: number): number => {
    if (!zipf) return (i * stride) % people;
    for (;;) {
      const person = (zipf() * stride) % people;
      if (!busy.has(person)) return person;
    }
  };
  const waiting = new Map<string, (at: number) => void>();
  const repliesByRoom = new Map<string, number>();
  const onMessage = (m: EmulatorMessage) => {
    if (m.personId !== world.botId || isProgressNote(m)) return;
    repliesByRoom.set(m.roomId, (repliesByRoom.get(m.roomId) ?? 0) + 1);
    waiting.get(m.roomId)?.(performance.now());
  };
  emulator.events.on('message', onMessage);
  const latenciesMs: number[] = [];
  const askedByRoom = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < commands) {
      const i = next++;
      const person = personFor(i);
      busy.add(person);
      const room = world.directs[person]!;
      askedByRoom.set(room, (askedByRoom.get(room) ?? 0) + 1);
      const sentAt = performance.now();
      const answeredAt = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), replyTimeoutMs);
        waiting.set(room, (at) => {
          clearTimeout(timer);
          waiting.delete(room);
          resolve(at);
        });
        emulator.say({ as: world.people[person]!.id, roomId: room, text: `recording ${world.recordingIds[person]}` });
      });
      busy.delete(person);
      if (answeredAt !== null) latenciesMs.push(answeredAt - sentAt);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await emulator.idle();
  await new Promise((r) => setTimeout(r, 300));
  emulator.events.off('message', onMessage);
  let answered = 0;
  // A space whose replies do not match its commands one for one counts all its commands as problems.
  for (const [room, asked] of askedByRoom) if ((repliesByRoom.get(room) ?? 0) === asked) answered += asked;
  return { seconds, latenciesMs, answered, problems: commands - answered };
}

/** A step through 0..n-1 that visits every index once and keeps neighbours far apart. */
function strideFor(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.max(1, Math.floor(n * 0.618));
  while (gcd(stride, n) !== 1) stride++;
  return stride;
}

/**
 * Ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1)^s (Zipf: a few people speak
 * often, most rarely), from a seeded generator so that every run asks alike.
 */
export function zipfSampler(n: number, s: number, seed = 42): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / Math.pow(k + 1, s);
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
