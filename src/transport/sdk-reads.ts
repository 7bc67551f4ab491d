import type { WebexClient } from '../webex/client';
import { parseLinkHeader } from '../webex/link-header';

/**
 * The reads webex-node-bot-framework makes through its bundled Webex SDK, answered by our
 * WebexClient instead: the same retries (429/423/502/503/504, network, `Retry-After`), timeout,
 * metrics and tracking-ID logging as every other call of the bot. The SDK's own HTTP stack (and
 * its people batcher, whose failures surfaced as unhandled rejections) is never used for them.
 *
 * The framework calls, at start: `people.get('me')` (answered from the person the app read);
 * before events stopped going through the framework (reader.ts reads them now), per event: `messages.get(id)`,
 * `attachmentActions.get(id)`, `people.get(personId)` (the author of a message or click),
 * `memberships.get(id)`, `rooms.get(id)`; on the first event of a space it has not seen yet:
 * `memberships.list({ roomId, personId })`, `rooms.get(roomId)` and, for a 1:1 space,
 * `memberships.list({ roomId })`. `memberships.list({ max })` would list every space at start;
 * `maxStartupSpaces: 0` keeps it from being called, and it goes through the client too.
 *
 * Each failure is reported to `onFailure` with the IDs it concerns, because the framework
 * swallows it: that is how `dispatch` learns which event could not be read.
 */

/** The resource a failed read was about: what `dispatch` matches against its event's IDs. */
export type ReadKey = string;

export interface SdkReadsOptions {
  client: WebexClient;
  token: string;
  /** The bot's own person, read once by the app: `people.get('me')` is answered from it. */
  me?: unknown;
  onFailure: (keys: ReadKey[], err: unknown) => void;
}

/** The part of the SDK's `Page` the framework uses. */
interface ListPage<T> {
  items: T[];
  readonly length: number;
  hasNext(): boolean;
  next(): Promise<ListPage<T>>;
}

type Query = Record<string, string | number | boolean | undefined>;

function idOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { id?: unknown; personId?: unknown } | null;
  if (typeof v?.id === 'string') return v.id;
  if (typeof v?.personId === 'string') return v.personId;
  throw new TypeError('a Webex read needs an ID');
}

function queryOf(options: unknown): Query {
  const query: Query = {};
  for (const [key, value] of Object.entries((options ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') query[key] = value;
  }
  return query;
}

export function createSdkReads({ client, token, me, onFailure }: SdkReadsOptions) {
  async function read<T>(path: string, route: string, keys: ReadKey[], query?: Query): Promise<T> {
    try {
      const { body } = await client.request<T>({ method: 'GET', path, route, token, ...(query ? { query } : {}) });
      return body;
    } catch (err) {
      onFailure(keys, err);
      throw err;
    }
  }

  async function page<T>(url: string | undefined, path: string, keys: ReadKey[], query: Query): Promise<ListPage<T>> {
    let response;
    try {
      response = url
        ? await client.requestUrl<{ items?: T[] }>({ method: 'GET', url, route: path, token })
        : await client.request<{ items?: T[] }>({ method: 'GET', path, token, query });
    } catch (err) {
      onFailure(keys, err);
      throw err;
    }
    const items = response.body.items ?? [];
    const next = parseLinkHeader(response.headers.link as string | string[] | undefined).next;
    return {
      items,
      get length() {
        return items.length;
      },
      hasNext: () => next !== undefined,
      next: () => (next ? page<T>(next, path, keys, query) : Promise.reject(new Error('no next page'))),
    };
  }

  const encode = encodeURIComponent;
  return {
    people: {
      get(person: unknown): Promise<unknown> {
        const id = idOf(person);
        if (id === 'me') return me !== undefined ? Promise.resolve(me) : read('/people/me', '/people/me', []);
        return read(`/people/${encode(id)}`, '/people/{id}', [id]);
      },
    },
    messages: {
      get(message: unknown): Promise<unknown> {
        const id = idOf(message);
        return read(`/messages/${encode(id)}`, '/messages/{id}', [id]);
      },
    },
    attachmentActions: {
      get(action: unknown): Promise<unknown> {
        const id = idOf(action);
        return read(`/attachment/actions/${encode(id)}`, '/attachment/actions/{id}', [id]);
      },
    },
    rooms: {
      get(room: unknown): Promise<unknown> {
        const id = idOf(room);
        return read(`/rooms/${encode(id)}`, '/rooms/{id}', [id]);
      },
    },
    memberships: {
      get(membership: unknown): Promise<unknown> {
        const id = idOf(membership);
        return read(`/memberships/${encode(id)}`, '/memberships/{id}', [id]);
      },
      list(options: unknown): Promise<ListPage<unknown>> {
        const query = queryOf(options);
        const keys = [query.roomId, query.personId].filter((k): k is string => typeof k === 'string');
        return page(undefined, '/memberships', keys, query);
      },
    },
  };
}

export type SdkReads = ReturnType<typeof createSdkReads>;

/** Puts our reads in place of the SDK's on one SDK instance; other methods (listen, on…) stay. */
export function installSdkReads(sdk: unknown, reads: SdkReads): void {
  const target = sdk as Record<string, Record<string, unknown> | undefined> | null;
  if (!target) return;
  for (const [namespace, methods] of Object.entries(reads)) {
    const plugin = target[namespace];
    if (!plugin) continue;
    for (const [name, method] of Object.entries(methods)) plugin[name] = method;
  }
}
