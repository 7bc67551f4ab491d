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
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config';
import { startEmulator, type Emulator, type EmulatorMessage } from '../sandbox/emulator';
import type { Person } from '../webex/types';
import { cpuTicksFromStat, peakRssFromStatus } from './measure';

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

export async function createBenchWorld(peopleCount: number): Promise<BenchWorld> {
  const emulator = await startEmulator({ host: '127.0.0.1' });
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
  const group = emulator.createGroupRoom('Bench space', [...people.map((p) => p.id), bot.id]).id;
  return { emulator, botToken, botId: bot.id, people, directs, group, recordingIds };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ChildBot {
  readonly pid: number;
  readonly url: string;
  /** CPU time (user + system) used so far, in milliseconds. */
  cpuMs(): number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node <entry>` in webhook mode against the emulator and waits until it is ready.
 * `nodeArgs` go before the entry, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/prof']` to profile.
 */
export async function startChildBot(world: BenchWorld, entry: string, extraEnv: Record<string, string>, nodeArgs: string[] = []): Promise<ChildBot> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'recbot-bench-'));
  world.emulator.registerIntegration({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${url}/oauth/callback`] });
  const env: Record<string, string> = {
    WEBEX_BOT_TOKEN: world.botToken,
    WEBEX_API_URL: world.emulator.apiUrl,
    PUBLIC_URL: url,
    WEBHOOK_SECRET,
    WEBEX_CLIENT_ID: CLIENT_ID,
    WEBEX_CLIENT_SECRET: CLIENT_SECRET,
    OAUTH_SCOPES: 'spark:recordings_read spark:people_read',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: `sqlite:${join(dataDir, 'bot.sqlite')}`,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    COMMANDS_PER_MINUTE: '0',
    ...extraEnv,
  };
  loadConfig(env); // a mistake in the settings above fails here, with the reason
  const child = spawn(process.execPath, [...nodeArgs, entry], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    if (m.personId !== world.botId || !m.parentId) return;
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
