import type { Logger } from '../log';
import { idCore, webexIdOf, type EventEnvelope } from './envelope';
import type { SocketLink, SocketStatus } from './socket';

/**
 * Websocket mode's side of the Webex SDK the framework builds: its Mercury socket and WDM device,
 * typed structurally (the SDK itself is loaded by the framework, in framework.ts only).
 *
 * - `mercuryLink` adapts them to the supervisor's SocketLink (socket.ts): our device name, a
 *   bounded number of connection attempts, the SDK's own reconnects never left to fail unseen.
 * - `activityEnvelope` turns a `conversation.activity` into the webhook-shaped envelope every
 *   event takes (envelope.ts), so a websocket event enters the inbox like its webhook would.
 */

/** The name our devices are registered under (and recognised by at start, see devices.ts). */
export const DEVICE_NAME = 'webex-recording-bot';

interface Emitter {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface SdkMercury extends Emitter {
  connected?: boolean;
  config: { maxRetries?: number };
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  _reconnect?: (url: string) => Promise<void>;
}

export interface SdkDevice {
  url?: string;
  registered?: boolean;
  config: { body?: Record<string, unknown> };
  register(): Promise<unknown>;
  unregister(): Promise<unknown>;
  clear(): unknown;
}

export interface SdkInternals {
  internal: {
    mercury: SdkMercury;
    device: SdkDevice;
    services?: { getClusterId?(url: string): string; get?(name: string): string | undefined };
  };
}

/** Connection attempts per connect before it rejects (the supervisor then backs off itself). */
const ATTEMPTS_PER_CONNECT = 3;

export function mercuryLink(webex: SdkInternals, logger: Logger): SocketLink & { deviceUrl(): string | undefined } {
  const { mercury, device } = webex.internal;
  device.config.body = { ...(device.config.body ?? {}), name: DEVICE_NAME };
  mercury.config.maxRetries = ATTEMPTS_PER_CONNECT;
  const listeners: Array<(status: SocketStatus, close: { code?: number; reason?: string }) => void> = [];
  const tell = (status: SocketStatus, close: { code?: number; reason?: string } = {}) => listeners.forEach((l) => l(status, close));
  let closing = false;

  // The SDK's own reconnect after a transient close: never after we closed, and a failure is
  // told as a permanent close (the supervisor takes over) instead of an unhandled rejection.
  const reconnect = mercury._reconnect?.bind(mercury);
  if (reconnect) {
    mercury._reconnect = (url: string) => {
      if (closing) return Promise.resolve();
      return reconnect(url).catch((err: unknown) => {
        logger.warn({ err: String(err) }, 'websocket: the SDK could not reconnect');
        tell('permanent', { reason: 'reconnect failed' });
      });
    };
  }
  const closeOf = (event: unknown) => {
    const e = event as { code?: unknown; reason?: unknown } | null;
    return { ...(typeof e?.code === 'number' ? { code: e.code } : {}), ...(typeof e?.reason === 'string' ? { reason: e.reason } : {}) };
  };
  mercury.on('online', () => tell('online'));
  mercury.on('offline.transient', (event) => tell('transient', closeOf(event)));
  mercury.on('offline.permanent', (event) => tell('permanent', closeOf(event)));
  mercury.on('offline.replaced', (event) => tell('replaced', closeOf(event)));

  return {
    async connect() {
      closing = false;
      await mercury.connect();
    },
    async disconnect() {
      closing = true;
      await mercury.disconnect();
    },
    async renewDevice() {
      if (device.registered) {
        await device.unregister().catch((err: unknown) => logger.info({ err: String(err) }, 'old device could not be deleted (gone already?)'));
      }
      device.clear();
      await device.register();
      logger.info({ device: 'registered' }, 'websocket: new device registered');
    },
    async unregister() {
      await device.unregister();
    },
    onStatus(listener) {
      listeners.push(listener);
    },
    deviceUrl: () => device.url,
  };
}

interface Activity {
  id?: unknown;
  verb?: unknown;
  published?: unknown;
  actor?: { id?: unknown; entryUUID?: unknown };
  object?: { id?: unknown; objectType?: unknown; mentions?: { items?: Array<{ id?: unknown }> } };
  target?: { id?: unknown; url?: unknown; tags?: unknown };
  parent?: { id?: unknown };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The envelope of a `conversation.activity`: a message (`post` of a `comment`) or a card click
 * (`cardAction` with a `parent`), with Webex IDs built from the activity's UUIDs in the
 * conversation's cluster. Null for every other activity, and for a group message that does not
 * mention the bot (Webex would not deliver it to the bot's webhook either).
 */
export function activityEnvelope(activity: unknown, botPersonId: string, clusterOf: (conversationUrl: string | undefined) => string): EventEnvelope | null {
  const a = (activity ?? {}) as Activity;
  const id = str(a.id);
  const roomUuid = str(a.target?.id);
  const actor = str(a.actor?.entryUUID) ?? str(a.actor?.id);
  if (!id || !roomUuid || !actor) return null;
  const cluster = clusterOf(str(a.target?.url));
  const tags = Array.isArray(a.target?.tags) ? (a.target.tags as unknown[]) : [];
  const roomType = tags.includes('ONE_ON_ONE') ? 'direct' : 'group';
  const created = str(a.published) ?? new Date().toISOString();
  const roomId = webexIdOf('ROOM', roomUuid, cluster);
  const personId = webexIdOf('PEOPLE', actor, cluster);
  if (a.verb === 'post' && a.object?.objectType === 'comment') {
    const mentioned = (a.object.mentions?.items ?? []).map((m) => str(m.id)).filter((m): m is string => m !== undefined);
    const me = idCore(botPersonId);
    if (roomType === 'group' && !mentioned.some((m) => idCore(m) === me)) return null;
    return {
      resource: 'messages',
      event: 'created',
      data: {
        id: webexIdOf('MESSAGE', id, cluster),
        roomId,
        roomType,
        personId,
        created,
        ...(mentioned.length ? { mentionedPeople: mentioned.map((m) => webexIdOf('PEOPLE', m, cluster)) } : {}),
      },
    };
  }
  const parent = str(a.parent?.id);
  if (a.verb === 'cardAction' && parent) {
    return {
      resource: 'attachmentActions',
      event: 'created',
      data: { id: webexIdOf('ATTACHMENT_ACTION', id, cluster), messageId: webexIdOf('MESSAGE', parent, cluster), roomId, personId, created },
    };
  }
  return null;
}

/** The cluster part of Webex IDs for a conversation URL, as the SDK builds them ('us' by default). */
export function clusterFinder(webex: SdkInternals): (conversationUrl: string | undefined) => string {
  return (url) => {
    if (!url) return 'us';
    try {
      const cluster = webex.internal.services?.getClusterId?.(url);
      if (!cluster || cluster.startsWith('urn:TEAM:us-east-2_a') || cluster.startsWith('urn:TEAM:us-east-1_int13')) return 'us';
      const parts = cluster.split(':');
      return parts.length >= 3 ? parts.slice(0, 3).join(':') : 'us';
    } catch {
      return 'us';
    }
  };
}
