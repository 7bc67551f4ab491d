import type { Logger } from '../log';
import { TokenCipher } from './crypto';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { Store } from './types';
import { parseDatabaseUrl } from './url';

export type { Account, OAuthState, PendingRequest, PersonSettings, Store, TokenSet } from './types';
export { TokenCipher, TokenDecryptionError } from './crypto';
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
}

/** The store the URL names; call init() before use. Throws on an unknown scheme. */
export function createStore(options: CreateStoreOptions): Store {
  const target = parseDatabaseUrl(options.url);
  const cipher = new TokenCipher(options.encryptionKey);
  const logger = options.logger.child({ component: 'store' });
  if (target.kind === 'sqlite') return new SqliteStore({ file: target.file, cipher, logger });
  return new PostgresStore({ url: target.url, cipher, logger, schema: options.postgresSchema });
}
