import type { Logger } from '../log';
import { TokenCipher } from './crypto';
import { postgresDialect, sqliteDialect } from './dialect';
import { SqlStore } from './sql-store';
import type { Store } from './types';
import { parseDatabaseUrl } from './url';

export type { Account, OAuthState, PendingRequest, PersonSettings, Store, TokenSet } from './types';
export { TokenCipher, TokenDecryptionError } from './crypto';
export { StoreUnavailableError, isStoreUnavailable } from './errors';
export { EncryptionKeyError, generateEncryptionKey, resolveEncryptionKey, type ResolveEncryptionKeyOptions } from './key';
export { parseDatabaseUrl, type DatabaseTarget } from './url';

export interface CreateStoreOptions {
  /** DATABASE_URL: `sqlite:<file>`, `sqlite::memory:`, `postgres://…` or `postgresql://…`. */
  url: string;
  /** 32 bytes, from resolveEncryptionKey. */
  encryptionKey: Buffer;
  logger: Logger;
  /** Postgres only: keep the tables in this schema (created by init). */
  postgresSchema?: string;
  /** Postgres only: how long to wait for another instance's refresh lock. Default 30 s. */
  lockTimeoutMs?: number;
  /** Postgres only: a query with no answer for this long fails as StoreUnavailableError. Default 10 s. */
  queryTimeoutMs?: number;
  /** Postgres only: opening a connection gives up after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** SQLite only: how long a statement waits (on timers) for another connection's lock. Default 2 s. */
  lockWaitMs?: number;
  /** A tool beside the running bot (admin.ts): init leaves the bot's inbox leases alone. */
  beside?: boolean;
}

/** The store the URL names; call init() before use. Throws on an unknown scheme. */
export function createStore(options: CreateStoreOptions): Store {
  const target = parseDatabaseUrl(options.url);
  const cipher = new TokenCipher(options.encryptionKey);
  const logger = options.logger.child({ component: 'store' });
  const dialect =
    target.kind === 'sqlite'
      ? sqliteDialect(target.file, options.lockWaitMs)
      : postgresDialect({
          url: target.url,
          logger,
          schema: options.postgresSchema,
          lockTimeoutMs: options.lockTimeoutMs,
          queryTimeoutMs: options.queryTimeoutMs,
          connectTimeoutMs: options.connectTimeoutMs,
        });
  return new SqlStore(dialect, cipher, logger, options.beside ?? false);
}
