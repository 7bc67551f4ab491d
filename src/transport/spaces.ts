/**
 * The framework keeps one bot object per space it has seen, in an array that it searches from the
 * start on every event, and never forgets a space while the process runs. A bot in an
 * organisation of 20,000 people is in 20,000 direct spaces: the array would hold them all and
 * every event would walk it.
 *
 * `rememberSpaces` gives the framework a map from space to bot object for that search, and
 * forgets the spaces that have been idle longest once there are more than `maxSpaces`: as soon as
 * a new space takes the count a little past it (a batch at a time, so that trimming the array is
 * rare), and on each sweep (`evictIdle`), which also forgets any space idle for `idleMs`. A
 * forgotten space is discovered again on its next event (the bot's membership, the room and, for
 * a direct space, its members: three reads), as it would be after a restart.
 *
 * Only the few framework members used here are typed, structurally: the framework itself is
 * loaded by framework.ts alone.
 */

interface SpaceBot {
  room?: { id?: string };
  stop(): unknown;
}

export interface FrameworkSpaces {
  bots: SpaceBot[];
  findBotObjectInRoom(roomId: string): SpaceBot | undefined;
  forgetByRoomId?: ((roomId: string) => PromiseLike<unknown>) | null;
  on(event: 'spawn' | 'despawn', listener: (bot: SpaceBot) => void): unknown;
}

export interface SpaceMemory {
  /** True when the framework has a bot object for the space. */
  has(roomId: string): boolean;
  /** Marks the space as used now (an event for it arrived). */
  touch(roomId: string, nowMs: number): void;
  /** The framework is reading an event of the space: it is not forgotten until `release`. */
  hold(roomId: string): void;
  release(roomId: string): void;
  /** Forgets the idle spaces beyond the limits; returns how many were forgotten. */
  evictIdle(nowMs: number): number;
  size(): number;
}

export function rememberSpaces(framework: FrameworkSpaces, limits: { maxSpaces: number; idleMs: number }): SpaceMemory {
  const bots = new Map<string, SpaceBot>();
  /** Last use per space; a Map keeps insertion order, so re-inserting on use keeps it oldest first. */
  const lastUsed = new Map<string, number>();
  /** Spaces with an event the framework is still reading, and how many. */
  const held = new Map<string, number>();
  /** How far past `maxSpaces` a new space may take the count before the oldest are forgotten. */
  const slack = Math.max(1, Math.ceil(limits.maxSpaces / 50));

  framework.findBotObjectInRoom = (roomId: string) => bots.get(roomId);
  framework.on('spawn', (bot) => {
    const id = bot.room?.id;
    if (!id) return;
    bots.set(id, bot);
    if (!lastUsed.has(id)) lastUsed.set(id, 0);
    if (bots.size > limits.maxSpaces + slack) forget(leastRecentlyUsed(bots.size - limits.maxSpaces, null, id));
  });
  framework.on('despawn', (bot) => {
    const id = bot.room?.id;
    if (!id) return;
    bots.delete(id);
    lastUsed.delete(id);
  });

  function forget(ids: string[]): void {
    if (ids.length === 0) return;
    const gone = new Set<SpaceBot>();
    for (const id of ids) {
      const bot = bots.get(id);
      bots.delete(id);
      lastUsed.delete(id);
      if (!bot) continue;
      gone.add(bot);
      bot.stop();
      void framework.forgetByRoomId?.(id);
    }
    framework.bots = framework.bots.filter((b) => !gone.has(b));
  }

  /**
   * The `excess` spaces used longest ago and, when `nowMs` is given, every other space idle for
   * `idleMs`; never `keep` (the space just discovered) nor a held one: forgotten between the
   * transport's check and the framework's look-up, a space would be discovered by two events at
   * once, and the framework drops the second.
   */
  function leastRecentlyUsed(excess: number, nowMs: number | null, keep: string | null): string[] {
    const ids: string[] = [];
    for (const [id, at] of lastUsed) {
      const idle = nowMs !== null && nowMs - at >= limits.idleMs;
      if (!bots.has(id)) {
        // Touched but never discovered (the read failed, or it was the bot's own event).
        if (idle) lastUsed.delete(id);
        continue;
      }
      if (ids.length >= excess && !idle) break;
      if (id !== keep && !held.has(id)) ids.push(id);
    }
    return ids;
  }

  return {
    has: (roomId) => bots.has(roomId),
    touch(roomId, nowMs) {
      lastUsed.delete(roomId);
      lastUsed.set(roomId, nowMs);
    },
    hold(roomId) {
      held.set(roomId, (held.get(roomId) ?? 0) + 1);
    },
    release(roomId) {
      const count = (held.get(roomId) ?? 0) - 1;
      if (count > 0) held.set(roomId, count);
      else held.delete(roomId);
    },
    evictIdle(nowMs) {
      const ids = leastRecentlyUsed(bots.size - limits.maxSpaces, nowMs, null);
      forget(ids);
      return ids.length;
    },
    size: () => bots.size,
  };
}
