import type { Store } from '../store/types';

export const ADMIN_USAGE = `Usage (with the bot's own settings: DATABASE_URL, TOKEN_ENCRYPTION_KEY …):
  node dist/admin.js parked [limit]   list the events given up on (parked), newest first, one JSON line each
  node dist/admin.js replay <key>     try a parked event again (the running bot takes it within a second)`;

/**
 * The operator's view of the inbox: parked events listed and replayed. A replayed event is
 * pending again with what it said; the running bot takes it on its next look at the inbox, and
 * steps already done for it (posts) are not done again. Returns the exit code.
 */
export async function runAdmin(args: readonly string[], store: Store, now: () => Date, out: (line: string) => void): Promise<number> {
  const [command, argument] = args;
  if (command === 'parked') {
    const limit = argument === undefined ? 100 : Number(argument);
    if (!Number.isInteger(limit) || limit < 1) {
      out('parked: the limit is a whole number above 0');
      return 2;
    }
    for (const event of await store.inbox.parked(limit)) {
      out(
        JSON.stringify({
          key: event.key,
          receivedAt: event.receivedAt.toISOString(),
          parkedAt: event.parkedAt?.toISOString() ?? null,
          attempts: event.attempts,
          lastError: event.lastError,
          replayable: event.replayable,
        }),
      );
    }
    return 0;
  }
  if (command === 'replay' && argument) {
    if (await store.inbox.replay(argument, now())) {
      out(`replayed ${argument}: the running bot takes it on its next look at the inbox`);
      return 0;
    }
    out(`not replayed: ${argument} is not a parked event (or what it said is gone: pruned, or its sender asked to be forgotten)`);
    return 1;
  }
  out(ADMIN_USAGE);
  return 2;
}
