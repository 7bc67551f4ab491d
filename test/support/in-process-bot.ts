/**
 * The real bot (createBot, the command handlers, tokens, sign-in and the store) in the test's own
 * process: a messenger that records what the bot posts, undici's MockAgent in place of Webex, an
 * in-memory SQLite store and a clock the test moves. No child process, no port, no sleeps: each
 * `say` resolves once the bot has finished with the message (bot.handle's promise).
 *
 * Keep end-to-end suites (test/e2e/) for the wire: signatures, the real framework, several instances.
 */
import { MockAgent, type Interceptable } from 'undici';
import { createSignIn } from '../../src/auth/signin';
import { createTokenProvider } from '../../src/auth/tokens';
import { createBot, type Bot } from '../../src/dispatch/bot';
import type { Destination, Messenger, Outgoing } from '../../src/replies/messenger';
import type { Services } from '../../src/services';
import { createLogger } from '../../src/log';
import { createStore } from '../../src/store';
import type { Store } from '../../src/store/types';
import type { InboundClick, InboundMessage } from '../../src/transport/types';
import { WebexClient } from '../../src/webex/client';
import type { Message } from '../../src/webex/types';

/** Where the fake Webex lives; MockAgent answers for it and refuses every other host. */
export const WEBEX_ORIGIN = 'https://webex.test';
export const WEBEX_API_URL = `${WEBEX_ORIGIN}/v1`;

export interface Posted {
  id: string;
  to: Destination;
  message: Outgoing;
}

/** The reply port, recording every post and removal instead of calling Webex. */
export class RecordingMessenger implements Messenger {
  readonly posted: Posted[] = [];
  readonly removed: string[] = [];
  private seq = 0;

  async post(to: Destination, message: Outgoing): Promise<{ id: string }> {
    const id = `posted-${++this.seq}`;
    this.posted.push({ id, to, message });
    return { id };
  }

  async remove(messageId: string): Promise<void> {
    this.removed.push(messageId);
  }

  async get(messageId: string): Promise<Message> {
    const found = this.posted.find((p) => p.id === messageId);
    if (!found) throw new Error(`RecordingMessenger: no message ${messageId} was posted`);
    const roomId = 'roomId' in found.to ? found.to.roomId : `direct-${found.to.toPersonId}`;
    const parentId = 'parentId' in found.to ? found.to.parentId : undefined;
    return { id: found.id, roomId, roomType: 'roomId' in found.to ? 'group' : 'direct', markdown: found.message.markdown, ...(parentId ? { parentId } : {}) } as Message;
  }
}

/** A clock the test sets and moves; the bot reads nothing else for the time. */
export class TestClock {
  private ms: number;
  constructor(start: string) {
    this.ms = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Person {
  personId: string;
  personEmail: string;
}

export const ALICE: Person = { personId: 'PERSON-ALICE', personEmail: 'alice@example.com' };

export interface InProcessBot {
  readonly bot: Bot;
  readonly messenger: RecordingMessenger;
  readonly store: Store;
  readonly clock: TestClock;
  readonly agent: MockAgent;
  /** The interceptors of the fake Webex (`webex.intercept({ path, method }).reply(...)`). */
  readonly webex: Interceptable;
  readonly services: Services;
  /** Every request the bot made to Webex, in order. */
  webexCalls(): Array<{ method: string; path: string }>;
  /** Sends a message as a person (1:1 by default) and resolves with what the bot posted for it. */
  say(text: string, options?: { as?: Person; roomType?: 'direct' | 'group'; roomId?: string }): Promise<Posted[]>;
  /** Clicks a card button and resolves with what the bot posted for it. */
  click(cardMessageId: string, inputs: Record<string, unknown>, options?: { as?: Person; roomType?: 'direct' | 'group'; roomId?: string }): Promise<Posted[]>;
  /** Stores a connected account with tokens valid for an hour from the clock's now (by default `access-<personId>`). */
  connect(person: Person, scopes?: string[], tokens?: { accessToken: string; refreshToken: string }): Promise<void>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  start?: string;
  /** The clock, when the test shares it (e.g. with an emulator); else a new one at `start`. */
  clock?: TestClock;
  settings?: Partial<Services['settings']>;
  /**
   * A Webex to talk to over HTTP instead of MockAgent (the emulator in this process, see
   * test/support/in-process-world.ts); its own call log then shows what the bot asked.
   */
  webexApiUrl?: string;
}

export async function createInProcessBot(options: InProcessOptions = {}): Promise<InProcessBot> {
  const clock = options.clock ?? new TestClock(options.start ?? '2023-11-02T00:00:00Z');
  const now = clock.now;
  const logger = createLogger({ level: 'silent' });
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  const webex = agent.get(WEBEX_ORIGIN);
  const store = createStore({ url: 'sqlite::memory:', encryptionKey: Buffer.alloc(32, 7), logger });
  await store.init();
  const client = options.webexApiUrl
    ? new WebexClient({ baseUrl: options.webexApiUrl, logger, sleep: async () => undefined, now })
    : new WebexClient({ baseUrl: WEBEX_API_URL, logger, dispatcher: agent, sleep: async () => undefined, now });
  const messenger = new RecordingMessenger();
  const scopes = [...(options.settings?.scopes ?? ['spark:recordings_read', 'spark:people_read'])];
  const settings: Services['settings'] = {
    defaultTimezone: 'UTC',
    groupLinks: 'private',
    allowedEmailDomains: [],
    commandsPerMinute: 20,
    scopes,
    ...options.settings,
  };
  const tokens = createTokenProvider({ store, client, clientId: 'C-test', clientSecret: 'test-secret', scopes, logger, now });
  const signIn = createSignIn({
    store,
    client,
    apiUrl: options.webexApiUrl ?? WEBEX_API_URL,
    clientId: 'C-test',
    clientSecret: 'test-secret',
    redirectUri: 'https://bot.test/oauth/callback',
    scopes,
    logger,
    now,
    onConnected: async () => undefined,
  });
  const services: Services = {
    store,
    client,
    tokens,
    signIn,
    messenger,
    logger,
    now,
    settings,
    botName: () => 'RecBot',
    // The progress note never fires: the clock the test holds does not run timers.
    progress: { afterMs: 60_000, timers: { setTimeout: () => undefined, clearTimeout: () => undefined } },
    recordOutcome: () => undefined,
  };
  const bot = createBot(services);
  let seq = 0;

  const roomOf = (person: Person, roomType: 'direct' | 'group', roomId?: string): string => roomId ?? (roomType === 'direct' ? `direct-${person.personId}` : 'group-room');

  async function during(work: () => Promise<void>): Promise<Posted[]> {
    const from = messenger.posted.length;
    await work();
    return messenger.posted.slice(from);
  }

  return {
    bot,
    messenger,
    store,
    clock,
    agent,
    webex,
    services,
    webexCalls: () => (agent.getCallHistory()?.calls() ?? []).map((c) => ({ method: c.method, path: c.path })),
    say(text, { as = ALICE, roomType = 'direct', roomId } = {}) {
      const event: InboundMessage = { kind: 'message', messageId: `message-${++seq}`, ...as, roomId: roomOf(as, roomType, roomId), roomType, text };
      return during(() => bot.handle(event));
    },
    click(cardMessageId, inputs, { as = ALICE, roomType = 'direct', roomId } = {}) {
      const event: InboundClick = { kind: 'click', actionId: `action-${++seq}`, cardMessageId, ...as, roomId: roomOf(as, roomType, roomId), roomType, inputs };
      return during(() => bot.handle(event));
    },
    async connect(person, grantedScopes = scopes, issued) {
      const at = now();
      await store.saveAccount(
        {
          personId: person.personId,
          email: person.personEmail,
          tokens: {
            accessToken: issued?.accessToken ?? `access-${person.personId}`,
            accessTokenExpiresAt: new Date(at.getTime() + 3600_000),
            refreshToken: issued?.refreshToken ?? `refresh-${person.personId}`,
            refreshTokenExpiresAt: new Date(at.getTime() + 90 * 86400_000),
            scopes: grantedScopes,
          },
        },
        at,
      );
    },
    async close() {
      await store.close();
      await agent.close();
    },
  };
}
