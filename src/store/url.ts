/** Which database a DATABASE_URL names. */
export type DatabaseTarget =
  | { kind: 'sqlite'; file: string } // file is ':memory:' for an in-memory database
  | { kind: 'postgres'; url: string };

export const SQLITE_MEMORY = ':memory:';

/**
 * `sqlite:<file>` (also `sqlite:///absolute/path`), `sqlite::memory:`, `postgres://…` or
 * `postgresql://…`. Anything else throws; the message names only the scheme, never the rest
 * of the URL (it may hold a password).
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  const lower = trimmed.toLowerCase();
  if (lower.startsWith('postgres://') || lower.startsWith('postgresql://')) {
    return { kind: 'postgres', url: trimmed };
  }
  if (lower.startsWith('sqlite:')) {
    let file = trimmed.slice('sqlite:'.length);
    if (file.startsWith('//')) file = file.slice(2);
    if (!file) throw new Error('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/bot.sqlite or sqlite::memory:');
    return { kind: 'sqlite', file };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed)?.[1];
  const named = scheme ? `scheme "${scheme}:"` : 'a value without a scheme';
  throw new Error(
    `DATABASE_URL must be sqlite:<file>, sqlite::memory:, postgres://… or postgresql://…; got ${named}`,
  );
}
