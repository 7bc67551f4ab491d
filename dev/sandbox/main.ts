/**
 * `npm run sandbox`: the real bot, wired in webhook mode (or websocket mode with
 * `SANDBOX_TRANSPORT=websocket`) to a local Webex emulator, and a chat
 * page to talk to it — no account, no network, no configuration. Fixture people and recordings
 * cover every state of the card and every error the bot explains (README, "Try it, run it, test it").
 */
import { freePort } from '../free-port';
import { randomBytes } from 'node:crypto';
import { startBot, type RunningBot } from '../../src/app';
import { loadConfig, loadPort, loadSandboxTransport } from '../../src/config';
import { decodeWebexId, startEmulator, type Emulator } from './emulator';
import { BOT, CAST, GROUP_SPACE_TITLE, sandboxRecordings, type CastKey, type CastMember, type RecordingOwner, type SandboxRecording } from './fixtures';
import { startPageServer, type PageServer, type PageServerOptions, type SpaceFile } from './server';

export interface SandboxOptions {
  /** Port of the chat page; default `PORT` (3000). 0 picks a free one. */
  port?: number;
  /**
   * `undefined` (default): print the page's URL only. `true`: also the bot's JSON logs.
   * `false`: print nothing (tests).
   */
  log?: boolean;
  /**
   * How the bot hears the emulator: `webhook` (default; the bot gets a public URL) or `websocket`
   * (no public URL: the bot's framework registers a device and keeps a Mercury socket open).
   */
  transport?: 'webhook' | 'websocket';
}

/** What the page needs to know about the sandbox's world (`GET /api/sandbox`). */
export interface SandboxInfo {
  bot: { id: string; displayName: string; email: string };
  people: Array<CastMember & { id: string; directRoomId: string }>;
  group: { id: string; title: string };
  recordings: Array<{ id: string; group: SandboxRecording['group']; label: string; description: string; topic: string; tryAs: readonly CastKey[] }>;
  emulatorUrl: string;
  transport: 'webhook' | 'websocket';
}

export interface Sandbox {
  /** The chat page. */
  readonly url: string;
  readonly emulator: Emulator;
  readonly bot: RunningBot;
  readonly page: PageServer;
  readonly info: SandboxInfo;
  close(): Promise<void>;
}

const CLIENT_ID = 'C-recbot-sandbox';


/** The recordings API names owners by UUID; emulator people carry Webex (base64) IDs. */
function ownerOf(member: CastMember & { id: string }): RecordingOwner {
  return { id: decodeWebexId(member.id)?.suffix ?? member.id, email: member.email, timezone: member.timezone };
}

/**
 * Files posted in spaces need a token to download, as in Webex. The page downloads them as the
 * person it acts for, with a token the emulator issues for that person's Webex client.
 */
function fileOpener(emulator: Emulator, people: SandboxInfo['people']): (as: string, url: string) => Promise<SpaceFile | null> {
  const clientTokens = new Map<string, string>();
  // Files never change: one download per person and file, however often the page shows it.
  const downloaded = new Map<string, Promise<SpaceFile | null>>();
  const download = async (as: string, url: string): Promise<SpaceFile | null> => {
    let token = clientTokens.get(as);
    if (!token) {
      token = emulator.issueToken(as, { scopes: ['spark:all'] }).accessToken;
      clientTokens.set(as, token);
    }
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return null;
    const disposition = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
    return {
      filename: disposition ? decodeURIComponent(disposition[1]!) : 'file',
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      body: Buffer.from(await res.arrayBuffer()),
    };
  };
  return (as, url) => {
    if (!people.some((p) => p.id === as) || !url.startsWith(`${emulator.apiUrl}/contents/`)) return Promise.resolve(null);
    const key = `${as} ${url}`;
    let file = downloaded.get(key);
    if (!file) {
      file = download(as, url);
      downloaded.set(key, file);
      // A failed download may succeed later (e.g. once the person joins the space).
      void file.then((f) => f ?? downloaded.delete(key), () => downloaded.delete(key));
    }
    return file;
  };
}

/** The bot's zone for a person of the cast (the header shows it, and follows `timezone`). */
function zoneReader(bot: RunningBot, people: SandboxInfo['people']): PageServerOptions['zoneOf'] {
  return async (personId) => (people.some((p) => p.id === personId) ? bot.timeZoneOf(personId) : null);
}

/**
 * The Webex SDK inside the framework writes its own lines to the console (its device, socket and
 * metrics chatter). The sandbox's terminal
 * keeps to its one line unless logs were asked for. Returns the function that restores the console.
 */
function quietWebexSdk(): () => void {
  const methods = ['debug', 'info', 'log', 'warn', 'error'] as const;
  const originals = methods.map((method) => console[method]);
  for (const method of methods) {
    const original = console[method];
    console[method] = (first?: unknown, ...rest: unknown[]) => {
      if (typeof first === 'string' && first.startsWith('wx-js-sdk')) return;
      original.call(console, first, ...rest);
    };
  }
  return () => methods.forEach((method, i) => (console[method] = originals[i]!));
}

export async function runSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const pagePort = options.port ?? loadPort();
  const transport = options.transport ?? 'webhook';
  const restoreConsole = options.log === true ? () => undefined : quietWebexSdk();
  // The inspector shows each call's bodies.
  const emulator = await startEmulator({ keepCallBodies: true });
  let bot: RunningBot | undefined;
  let page: PageServer | undefined;
  try {
    const cast = CAST.map((member) => ({
      member,
      person: emulator.addPerson({ email: member.email, displayName: member.displayName, role: member.role, timezone: member.timezone }),
    }));
    const botAccount = emulator.createBot({ displayName: BOT.displayName, email: BOT.email });
    const botPort = await freePort();
    const botUrl = `http://127.0.0.1:${botPort}`;
    const clientSecret = randomBytes(24).toString('base64url');
    // Without a public URL the bot's sign-in redirect names localhost.
    const redirectUris = [`${botUrl}/oauth/callback`, `http://localhost:${botPort}/oauth/callback`];
    emulator.registerIntegration({ clientId: CLIENT_ID, clientSecret, redirectUris });

    const people: SandboxInfo['people'] = cast.map(({ member, person }) => {
      const directRoomId = emulator.createDirectRoom(person.id, botAccount.person.id).id;
      return { ...member, id: person.id, directRoomId };
    });
    const group = emulator.createGroupRoom(GROUP_SPACE_TITLE, [...people.map((p) => p.id), botAccount.person.id]);

    const byKey = (key: CastKey) => people.find((p) => p.key === key)!;
    const owner = byKey('owner');
    const colleague = byKey('colleague');
    const recordings = sandboxRecordings(new Date(), ownerOf(owner), ownerOf(colleague));
    for (const { fixture } of recordings) emulator.addRecording(fixture);

    const config = loadConfig({
      WEBEX_BOT_TOKEN: botAccount.token,
      WEBEX_API_URL: emulator.apiUrl,
      ...(transport === 'webhook' ? { PUBLIC_URL: botUrl, WEBHOOK_SECRET: randomBytes(24).toString('base64url') } : {}),
      WEBEX_CLIENT_ID: CLIENT_ID,
      WEBEX_CLIENT_SECRET: clientSecret,
      OAUTH_SCOPES: 'spark:recordings_read spark:people_read spark-admin:recordings_read spark-compliance:recordings_read',
      DATABASE_URL: 'sqlite::memory:',
      PORT: String(botPort),
      // Clicking quickly through the fixtures is the point of the sandbox: no command limit.
      COMMANDS_PER_MINUTE: '0',
      LOG_LEVEL: options.log === true ? 'info' : 'silent',
    });
    // Like the page and the emulator, the bot listens on the loopback interface only.
    bot = await startBot(config, { host: '127.0.0.1' });

    const info: SandboxInfo = {
      bot: { id: botAccount.person.id, displayName: BOT.displayName, email: BOT.email },
      people,
      group: { id: group.id, title: GROUP_SPACE_TITLE },
      recordings: recordings.map(({ fixture, group: kind, label, tryAs }) => ({
        id: fixture.id,
        group: kind,
        label,
        description: fixture.description ?? '',
        topic: fixture.topic,
        tryAs,
      })),
      emulatorUrl: emulator.url,
      transport,
    };
    page = await startPageServer({ port: pagePort, emulatorUrl: emulator.url, describe: () => info, openFile: fileOpener(emulator, people), zoneOf: zoneReader(bot, people) });

    const running = { bot, page };
    let closing: Promise<void> | undefined;
    const sandbox: Sandbox = {
      url: page.url,
      emulator,
      bot,
      page,
      info,
      close() {
        closing ??= (async () => {
          await running.page.close();
          await running.bot.stop();
          await emulator.close();
          restoreConsole();
        })();
        return closing;
      },
    };
    if (options.log !== false) {
      const mode = transport === 'websocket' ? ' (websocket mode)' : '';
      process.stdout.write(`RecBot sandbox: open ${page.url} to chat with the bot on a local Webex emulator${mode} (Ctrl+C stops it).\n`);
    }
    return sandbox;
  } catch (err) {
    await page?.close().catch(() => undefined);
    await bot?.stop().catch(() => undefined);
    await emulator.close().catch(() => undefined);
    restoreConsole();
    throw err;
  }
}

/** Runs the sandbox until SIGINT/SIGTERM: `npm run sandbox`, and `npm start` with no bot token. */
export async function main(): Promise<void> {
  const sandbox = await runSandbox({ transport: loadSandboxTransport() });
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`The sandbox could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
