import type { Logger } from '../log';
import type { WebexClient } from '../webex/client';
import { parseLinkHeader } from '../webex/link-header';
import type { Message, Room } from '../webex/types';
import { sameId, type EventEnvelope } from './envelope';
import type { Timers } from './socket';
import { realTimers } from './socket';

/**
 * What was sent to the bot while it could not take it is read back from Webex's REST API and put
 * into the inbox like any event, under the same key (so what did arrive is not done twice). Both
 * modes: in websocket mode, a closed socket or a process that was down; in webhook mode, a
 * process that was down (Webex does not deliver a failed webhook again) and deliveries answered
 * 503 because the store was unavailable.
 *
 * Spaces are listed by last activity since the checkpoint (less a margin, at most a day back),
 * then their messages since then; in group spaces only those that mention the bot
 * (`mentionedPeople=me`, the only ones a bot may list there). Card clicks cannot be listed by
 * the public API: a missed click does nothing, and the card still works when clicked again.
 *
 * The checkpoint is the store mark `websocket:seen` (named when only websocket mode had it):
 * saved on start, every minute while events can arrive, after each catch-up and at stop; never
 * moved past an event that could not be stored (`missed`) or while the socket is closed. After a
 * miss, the next event that is stored (`stored`) or the minute's save, whichever comes first,
 * catches up.
 */
export const SEEN_MARK = 'websocket:seen';
/**
 * When this database first started catching up: nothing from before it is read back (it was
 * said to an earlier deployment, or before the bot existed here), even with the margin, so a
 * second instance starting just after the first does not answer the last minutes again.
 */
export const FIRST_MARK = 'catch-up:first';
/** Read back from this long before the checkpoint (clocks, events in flight at the close). */
export const CATCH_UP_MARGIN_MS = 2 * 60_000;
/** Never further back than this (the inbox's replay window). */
export const CATCH_UP_MAX_MS = 24 * 60 * 60_000;
export const MARK_EVERY_MS = 60_000;

export interface CatchUp {
  /** Starts: catches up from the stored checkpoint (a start after a crash), then keeps it. */
  start(): Promise<void>;
  /** Catches up now (after a reconnect, a webhook reactivated); one run at a time, a request during a run runs once more after it. */
  run(reason: string): Promise<void>;
  /** An event (created at `at`) could not be stored: the checkpoint stays before it until a catch-up. */
  missed(at: Date): void;
  /** An event was stored: if one could not be before, the store is back, so catch up now. */
  stored(): void;
  /** Saves the checkpoint (when the socket is open) and stops the minute's save. */
  stop(): Promise<void>;
}

export function createCatchUp(options: {
  client: WebexClient;
  token: string;
  botPersonId: string;
  store: { getMark(name: string): Promise<Date | null>; setMark(name: string, at: Date): Promise<void> };
  /** Puts an envelope into the inbox; true when new. */
  accept(envelope: EventEnvelope): Promise<boolean>;
  connected(): boolean;
  logger: Logger;
  now: () => Date;
  timers?: Timers;
}): CatchUp {
  const { client, token, logger, now, store } = options;
  const timers = options.timers ?? realTimers;
  let lowWater: number | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: unknown = null;
  let stopped = false;

  async function saveMark(): Promise<void> {
    // An event that could not be stored is read back first (the store may be back by now).
    if (lowWater !== null && !running && options.connected()) await run('event not stored');
    if (!options.connected() || running || lowWater !== null) return;
    await store.setMark(SEEN_MARK, now()).catch((err: unknown) => logger.warn({ err: String(err) }, 'catch-up checkpoint could not be saved'));
  }

  function schedule(): void {
    if (stopped) return;
    timer = timers.setTimeout(() => {
      void saveMark().then(schedule);
    }, MARK_EVERY_MS);
  }

  async function pages<T>(path: string, query: Record<string, string | number>, keepGoing: (item: T) => boolean): Promise<T[]> {
    const items: T[] = [];
    let response = await client.request<{ items?: T[] }>({ method: 'GET', path, token, query });
    for (;;) {
      for (const item of response.body.items ?? []) {
        if (!keepGoing(item)) return items;
        items.push(item);
      }
      const next = parseLinkHeader(response.headers.link as string | string[] | undefined).next;
      if (!next) return items;
      response = await client.requestUrl<{ items?: T[] }>({ method: 'GET', url: next, route: path, token });
    }
  }

  async function once(reason: string): Promise<void> {
    const startedAt = now();
    const mark = await store.getMark(SEEN_MARK);
    if (!mark && lowWater === null) {
      // Never connected before: nothing was missed.
      await store.setMark(FIRST_MARK, startedAt);
      await store.setMark(SEEN_MARK, startedAt);
      return;
    }
    // Only what was sent after this database's first start (not at the same instant).
    const firstMs = (await store.getMark(FIRST_MARK))?.getTime() ?? -Infinity;
    const from = Math.min(mark?.getTime() ?? Infinity, lowWater ?? Infinity) - CATCH_UP_MARGIN_MS;
    const since = Math.max(from, startedAt.getTime() - CATCH_UP_MAX_MS, firstMs);
    const sinceIso = new Date(since).toISOString();
    const clearedLowWater = lowWater;
    const after = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= since && Date.parse(iso) > firstMs;
    const rooms = await pages<Room>('/rooms', { sortBy: 'lastactivity', max: 100 }, (r) => after(r.lastActivity ?? r.created));
    let found = 0;
    let fresh = 0;
    for (const room of rooms) {
      const query: Record<string, string | number> = { roomId: room.id, max: 100 };
      if (room.type === 'group') query.mentionedPeople = 'me';
      const messages = await pages<Message>('/messages', query, (m) => after(m.created));
      // Oldest first, as they were sent.
      for (const message of messages.reverse()) {
        if (sameId(message.personId, options.botPersonId)) continue;
        found += 1;
        const envelope: EventEnvelope = {
          resource: 'messages',
          event: 'created',
          data: {
            id: message.id,
            roomId: message.roomId,
            roomType: room.type === 'group' ? 'group' : 'direct',
            personId: message.personId,
            ...(message.personEmail ? { personEmail: message.personEmail } : {}),
            created: message.created,
            ...(message.mentionedPeople ? { mentionedPeople: message.mentionedPeople } : {}),
          },
        };
        if (await options.accept(envelope)) fresh += 1;
      }
    }
    if (lowWater === clearedLowWater) lowWater = null;
    if (options.connected()) await store.setMark(SEEN_MARK, startedAt);
    logger.info({ catchUp: reason, since: sinceIso, startedAt: startedAt.toISOString(), spaces: rooms.length, messages: found, missed: fresh }, 'catch-up done');
  }

  async function run(reason: string): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await once(reason);
        } catch (err) {
          // The checkpoint stays where it was: the next reconnect or start reads from it again.
          logger.warn({ catchUp: reason, err: String(err), trackingId: (err as { trackingId?: unknown }).trackingId }, 'catch-up failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    async start() {
      await run('start');
      schedule();
    },
    run,
    missed(at) {
      const ms = Number.isNaN(at.getTime()) ? now().getTime() : at.getTime();
      const first = lowWater === null;
      lowWater = Math.min(lowWater ?? ms, ms);
      // The first miss tries at once (the store may be back already); later ones wait for an
      // event stored or the minute's save, instead of one failing catch-up per refused event.
      if (first) void run('event not stored');
    },
    stored() {
      if (lowWater !== null && !running && !stopped) void run('store back');
    },
    async stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      await running?.catch(() => undefined);
      await saveMark();
    },
  };
}
