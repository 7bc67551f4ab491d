import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { silentLogger } from '../../src/log';
import { createStore, type Store } from '../../src/store';
import { advisoryKey } from '../../src/store/postgres-lock';
import { POSTGRES_URL, uid } from './helpers';

describe('Postgres refresh lock', () => {
  const schema = `store_lock_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  const stores: Store[] = [];
  const open = async (lockTimeoutMs?: number) => {
    const store = createStore({ url: POSTGRES_URL, encryptionKey: randomBytes(32), logger: silentLogger(), postgresSchema: schema, lockTimeoutMs });
    stores.push(store);
    await store.init();
    return store;
  };
  /** Granted advisory locks on the key this schema's refresh lock uses for the person. */
  const heldFor = async (personId: string) => {
    const key = advisoryKey(`webex-recording-bot:refresh:${schema}:${personId}`);
    const { rows } = await admin.query(
      `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [key],
    );
    return Number(rows[0].n);
  };

  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('holds a server-side advisory lock on a hash of the person id while fn runs, and releases it', async () => {
    const store = await open();
    const personId = uid('person');
    await expect(heldFor(personId)).resolves.toBe(0);
    await expect(store.withRefreshLock(personId, () => heldFor(personId))).resolves.toBe(1);
    await expect(heldFor(personId)).resolves.toBe(0);
  });

  it('gives up waiting for another instance after the lock timeout', async () => {
    const holder = await open();
    const waiter = await open(200);
    const personId = uid('person');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const holding = holder.withRefreshLock(personId, async () => {
      entered();
      await held;
    });
    await inside;
    await expect(waiter.withRefreshLock(personId, async () => 'never')).rejects.toThrow(/lock timeout/i);
    release();
    await holding;
    await expect(waiter.withRefreshLock(personId, async () => 'after')).resolves.toBe('after');
  });
});
