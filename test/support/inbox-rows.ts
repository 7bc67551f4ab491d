import Database from 'better-sqlite3';
import { idCore } from '../../src/transport/envelope';

/**
 * The inbox status of each asked message, read from a bot's SQLite file (read-only): message ID →
 * status, for the messages the inbox holds. The inbox keys an event by the UUID inside its Webex ID.
 */
export function sqliteInboxStatuses(file: string, asked: readonly string[]): Map<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT event_key, status FROM inbox_events').all() as Array<{ event_key: string; status: string }>;
    const byCore = new Map(asked.map((id) => [idCore(id), id]));
    const found = new Map<string, string>();
    for (const row of rows) {
      const asker = byCore.get(row.event_key.split(':')[2] ?? '');
      if (asker) found.set(asker, row.status);
    }
    return found;
  } finally {
    db.close();
  }
}
