import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../dev/sandbox/emulator';
import type { Message, Person } from '../../src/webex/types';
import { DEADLINE_MS } from '../support/waiting';

/**
 * End-to-end harness: the local Webex emulator in this process, the built bot (`dist/index.js`,
 * what the Procfile runs) in a child process wired to it in webhook mode.
 */

/** The built bot; `E2E_BOT_ENTRY` points the suites at another build, e.g. a production install's (scripts/check-production-install.sh). */
export const BOT_ENTRY = process.env.E2E_BOT_ENTRY ? resolve(process.env.E2E_BOT_ENTRY) : resolve(__dirname, '../../dist/index.js');
export const CLIENT_ID = 'C-test-integration';
export const CLIENT_SECRET = 'integration-secret-for-tests';
export const WEBHOOK_SECRET = 'webhook-secret-for-tests';

import { freePort } from '../../dev/free-port';

export { freePort };

export interface BotProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** The bot's working directory; its SQLite database is `bot.sqlite` there. */
  readonly dataDir: string;
  /** Every line the bot wrote to stdout and stderr. */
  readonly lines: string[];
  logs(): Array<Record<string, unknown>>;
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The faked clock of `npm run test:clock` (libfaketime's preload and its settings), passed on so
 * that the bot keeps the same time as the emulator in this process, as it does with Webex.
 */
export function sharedClockEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && (entry[0] === 'LD_PRELOAD' || entry[0].startsWith('FAKETIME'))));
}

/** How the bot hears Webex: webhooks (PUBLIC_URL set) or the websocket (no PUBLIC_URL). */
export type TransportMode = 'webhook' | 'websocket';
/** The suites that run in both modes: `describe.each(TRANSPORTS)`. */
export const TRANSPORTS: TransportMode[] = ['webhook', 'websocket'];

export async function startBotProcess(
  emulator: Emulator,
  botToken: string,
  env: Record<string, string> = {},
  options: { transport?: TransportMode; dataDir?: string } = {},
): Promise<BotProcess> {
  const websocket = options.transport === 'websocket';
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = env.PUBLIC_URL ?? `http://127.0.0.1:${port}`;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'recbot-e2e-'));
  emulator.registerIntegration({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${url}/oauth/callback`, `http://localhost:${port}/oauth/callback`],
  });
  const child = spawn(process.execPath, [BOT_ENTRY], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      ...sharedClockEnvironment(),
      WEBEX_BOT_TOKEN: botToken,
      WEBEX_API_URL: emulator.apiUrl,
      PUBLIC_URL: url,
      WEBHOOK_SECRET,
      WEBEX_CLIENT_ID: CLIENT_ID,
      WEBEX_CLIENT_SECRET: CLIENT_SECRET,
      OAUTH_SCOPES: 'spark:recordings_read spark:people_read spark-admin:recordings_read spark-compliance:recordings_read',
      DATABASE_URL: `sqlite:${join(dataDir, 'bot.sqlite')}`,
      PORT: String(port),
      LOG_LEVEL: 'info',
      // Websocket mode: no public URL, so no webhooks; the bot opens Webex's socket itself.
      ...(websocket ? { PUBLIC_URL: '', WEBHOOK_SECRET: '' } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const parsed: Array<Record<string, unknown>> = [];
  // A line can arrive in two chunks: each stream keeps its unfinished tail until the newline, and
  // each line is parsed once (not on every look).
  const take = (line: string) => {
    if (!line.trim()) return;
    lines.push(line);
    try {
      parsed.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a JSON line (the framework's own console output): kept in `lines` only.
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let tail = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (tail + chunk).split('\n');
      tail = parts.pop() ?? '';
      parts.forEach(take);
    });
    stream.on('end', () => take(tail));
  }
  const logs = () => parsed.slice();
  const exited = once(child, 'exit').then(([code]) => code as number | null);

  const bot: BotProcess = {
    url,
    port,
    child,
    dataDir,
    lines,
    logs,
    async waitForLog(predicate, timeoutMs = DEADLINE_MS) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const hit = logs().find(predicate);
        if (hit) return hit;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`log line not seen; last lines:\n${lines.slice(-15).join('\n')}`);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  // Ready means: started, webhooks registered (or the socket open), database reachable.
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}:\n${lines.join('\n')}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) return bot;
    if (Date.now() > deadline) {
      await bot.stop('SIGKILL');
      throw new Error(`bot not ready in time:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A small Webex world: the bot, two people, their 1:1 spaces and a group space with all three. */
export interface World {
  emulator: Emulator;
  botToken: string;
  botPerson: Person;
  alice: Person;
  bob: Person;
  aliceDirect: string;
  bobDirect: string;
  group: string;
}

export async function createWorld(options: EmulatorOptions = {}): Promise<World> {
  const emulator = await startEmulator(options);
  const { person: botPerson, token: botToken } = emulator.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
  const alice = emulator.addPerson({ email: 'alice@example.com', displayName: 'Alice Owner', timezone: 'Asia/Singapore' });
  const bob = emulator.addPerson({ email: 'bob@example.com', displayName: 'Bob Colleague', timezone: 'Europe/Paris' });
  const aliceDirect = emulator.createDirectRoom(alice.id, botPerson.id).id;
  const bobDirect = emulator.createDirectRoom(bob.id, botPerson.id).id;
  const group = emulator.createGroupRoom('Team space', [alice.id, bob.id, botPerson.id]).id;
  return { emulator, botToken, botPerson, alice, bob, aliceDirect, bobDirect, group };
}

/** Carla, a compliance officer in New York, with her 1:1 space with the bot. */
export function addComplianceOfficer(world: World): { carla: Person; carlaDirect: string } {
  const carla = world.emulator.addPerson({ email: 'carla@example.com', displayName: 'Carla Compliance', role: 'compliance', timezone: 'America/New_York' });
  return { carla, carlaDirect: world.emulator.createDirectRoom(carla.id, world.botPerson.id).id };
}

/**
 * The next message the bot posts in a space (optionally matching more). Call it before the
 * action that causes the message: messages already there when it is called do not count.
 */
export function nextBotMessage(world: World, roomId: string, extra: (m: Message) => boolean = () => true, timeoutMs = DEADLINE_MS): Promise<Message> {
  const seen = new Set(world.emulator.messages(roomId).map((m) => m.id));
  return world.emulator.waitForMessage((m) => m.roomId === roomId && m.personId === world.botPerson.id && !seen.has(m.id) && extra(m), timeoutMs);
}

export function cardOf(message: Message): Record<string, unknown> {
  const content = message.attachments?.[0]?.content;
  if (!content) throw new Error(`message has no card: ${message.markdown ?? message.text}`);
  return content;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every Action.OpenUrl target in a card, nested ShowCards included. */
export function openUrlsOf(card: unknown): string[] {
  const urls: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.OpenUrl' && typeof record.url === 'string') urls.push(record.url);
      Object.values(record).forEach(visit);
    }
  };
  visit(card);
  return urls;
}

/** Every Action.Submit's data in a card, nested ShowCards included. */
export function submitDataOf(card: unknown): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Submit' && record.data && typeof record.data === 'object') found.push(record.data as Record<string, unknown>);
      Object.values(record).forEach(visit);
    }
  };
  visit(card);
  return found;
}

/**
 * Signs a person in the way a person does: the connect card's button, consent, callback. The one
 * sign-in flow of the e2e suites; `steps` lets a suite act between the card and the consent
 * (e.g. pin another instance) or see the callback URL (the OAuth code in it).
 */
export async function connectPerson(
  world: World,
  person: Person,
  directRoomId: string,
  steps: { afterCard?: () => Promise<void>; onCallback?: (url: string) => void; afterConnected?: () => Promise<void> } = {},
): Promise<void> {
  const reply = nextBotMessage(world, directRoomId, (m) => Boolean(m.attachments?.length));
  world.emulator.say({ as: person.id, roomId: directRoomId, text: 'connect' });
  const authorize = openUrlsOf(cardOf(await reply)).find((u) => u.includes('/authorize'));
  if (!authorize) throw new Error('the connect card has no sign-in button');
  await steps.afterCard?.();
  const connected = nextBotMessage(world, directRoomId, (m) => /connected/i.test(m.markdown ?? ''));
  const callback = world.emulator.authorizeAs(authorize, person.id);
  steps.onCallback?.(callback);
  const page = await fetch(callback);
  if (page.status !== 200) throw new Error(`sign-in failed: ${page.status} ${await page.text()}`);
  await connected;
  await steps.afterConnected?.();
}

/** All text of a message: markdown, text and card JSON. */
export function allTextOf(message: Message): string {
  return `${message.markdown ?? ''}\n${message.text ?? ''}\n${JSON.stringify(message.attachments ?? [])}`;
}
