import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { Logger } from '../log';
import { asStoreError } from './errors';
import { KeyedMutex } from './mutex';

/** A signed 64-bit advisory-lock key (as a decimal string for `$1::bigint`) from a name. */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest().readBigInt64BE(0).toString();
}

/**
 * Per-person locks that hold across processes: a session-level advisory lock taken and
 * released on one dedicated client from a pool reserved for locks (so lock holders never
 * starve the queries they run). Callers in this process queue in memory first, so a person
 * ties up at most one lock connection per instance.
 */
export class AdvisoryLocks {
  private readonly local = new KeyedMutex();

  private readonly namespace: string;
  private readonly lockTimeoutMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly pool: Pool,
    options: { namespace: string; lockTimeoutMs: number; logger: Logger },
  ) {
    this.namespace = options.namespace;
    this.lockTimeoutMs = Math.max(1, Math.floor(options.lockTimeoutMs));
    this.logger = options.logger;
  }

  run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(name, async () => {
      const key = advisoryKey(`${this.namespace}:${name}`);
      const client = await this.pool.connect().catch((err: unknown) => {
        throw asStoreError(err);
      });
      try {
        // Waiting for another instance fails after lockTimeoutMs instead of hanging.
        await client.query(`SET lock_timeout = ${this.lockTimeoutMs}`);
        await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      } catch (err) {
        client.release(true);
        throw asStoreError(err);
      }
      try {
        return await fn();
      } finally {
        try {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
          client.release();
        } catch (err) {
          // Dropping the connection releases the lock on the server.
          this.logger.warn({ err: (err as Error).message }, 'could not release a refresh lock; closing its connection');
          client.release(true);
        }
      }
    });
  }
}
