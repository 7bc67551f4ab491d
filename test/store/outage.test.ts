import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { silentLogger } from '../../src/log';
import { createStore, StoreUnavailableError, type Store } from '../../src/store';
import { asStoreError } from '../../src/store/errors';
import { StoreBreaker } from '../../src/store/guard';
import { lockHolder } from '../support/sqlite-lock';
import { TcpProxy } from '../support/tcp-proxy';
import { POSTGRES_URL, tokens, uid } from './helpers';

/** Until `check` holds, looking again every 20 ms (no time limit but Jest's). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

const works = (store: Store) => () => store.getAccount('nobody').then(
  () => true,
  () => false,
);

describe('Postgres going away (a proxy of the test cut between the store and the server)', () => {
  const target = new URL(POSTGRES_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  const schema = `store_outage_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  let store: Store;

  beforeAll(async () => {
    const port = await proxy.start();
    const url = new URL(POSTGRES_URL);
    url.port = String(port);
    await admin.connect();
    // Short timeouts: the test waits for them, it does not time them.
    store = createStore({ url: url.toString(), encryptionKey: randomBytes(32), logger: silentLogger(), postgresSchema: schema, queryTimeoutMs: 300, connectTimeoutMs: 300 });
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await proxy.stop();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('connections reset while a refresh lock is held: nothing ends the process, the store fails as unavailable, then works again by itself', async () => {
    const personId = uid('person');
    await store.saveAccount({ personId, email: 'a@example.com', tokens: tokens('a') }, new Date());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holding = store.withRefreshLock(personId, async () => {
      entered();
      await gate;
    });
    await inside;
    proxy.reset();
    await expect(store.getAccount(personId)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).resolves.toBe(false);
    proxy.heal();
    release();
    // The lock's connection is gone (the server released the lock with it); unlocking fails quietly.
    await holding;
    await eventually(works(store));
    await expect(store.getAccount(personId)).resolves.toMatchObject({ personId });
    await expect(store.ping()).resolves.toBe(true);
  });

  it('a silent database (a partition): queries fail as unavailable after the query timeout, and work again when it answers', async () => {
    await store.getAccount('warm-up');
    proxy.silence();
    await expect(store.getAccount('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.inbox.steps('messages:created:x')).rejects.toBeInstanceOf(StoreUnavailableError);
    proxy.heal();
    await eventually(works(store));
  });
});

describe('SQLite locked by another process', () => {
  let dir: string;
  let file: string;
  const stores: Store[] = [];
  const open = async (lockWaitMs?: number) => {
    const store = createStore({ url: `sqlite:${file}`, encryptionKey: randomBytes(32), logger: silentLogger(), lockWaitMs });
    stores.push(store);
    await store.init();
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-outage-'));
    file = join(dir, 'bot.sqlite');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a write waiting for the lock never blocks the event loop, and goes through once the lock is released', async () => {
    const store = await open(60_000);
    const holder = lockHolder(file);
    await holder.locked;
    let settled = false;
    const write = store.saveAccount({ personId: 'p1', email: 'p1@example.com', tokens: tokens('p1') }, new Date());
    write.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Timers still run while the write waits (a blocked loop would run them only after it).
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(settled).toBe(false);
    await holder.release();
    await write;
    await expect(store.getAccount('p1')).resolves.toMatchObject({ email: 'p1@example.com' });
  });

  it('a lock held longer than the wait fails the write as StoreUnavailableError; reads go on (WAL)', async () => {
    const store = await open(20);
    const holder = lockHolder(file);
    await holder.locked;
    try {
      await expect(store.saveAccount({ personId: 'p2', email: 'p2@example.com', tokens: tokens('p2') }, new Date())).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.inbox.accept('messages:created:m1', {}, null, new Date(), null, new Date(0))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.getAccount('p2')).resolves.toBeNull();
      await expect(store.ping()).resolves.toBe(false);
    } finally {
      await holder.release();
    }
    await expect(store.ping()).resolves.toBe(true);
    await expect(store.inbox.accept('messages:created:m1', {}, null, new Date(), null, new Date(0))).resolves.toBe(true);
  });

  it('a full disk (SQLITE_FULL) is a StoreUnavailableError', () => {
    const db = new Database(join(dir, 'full.sqlite'));
    db.pragma('max_page_count = 2');
    let caught: unknown;
    try {
      db.exec('CREATE TABLE a (x TEXT); CREATE TABLE b (x TEXT); CREATE TABLE c (x TEXT)');
      db.prepare('INSERT INTO a VALUES (?)').run('x'.repeat(100_000));
    } catch (err) {
      caught = err;
    }
    db.close();
    expect((caught as { code?: string }).code).toBe('SQLITE_FULL');
    expect(asStoreError(caught)).toBeInstanceOf(StoreUnavailableError);
  });
});

describe('StoreBreaker (the database known away)', () => {
  it('after a timeout, fails statements at once, lets one trial through per interval, and closes on an answer', () => {
    let now = 0;
    const breaker = new StoreBreaker(1000, () => now);
    expect(breaker.enter()).toBe(false);
    // A reset fails fast by itself: nothing to hold back.
    breaker.failed(false, 'ECONNRESET');
    expect(breaker.enter()).toBe(false);
    breaker.failed(false, 'query read timeout');
    expect(() => breaker.enter()).toThrow(StoreUnavailableError);
    now = 1000;
    expect(breaker.enter()).toBe(true);
    // While the trial runs, the others still fail at once.
    expect(() => breaker.enter()).toThrow('query read timeout');
    breaker.failed(true, 'ECONNREFUSED');
    now = 1500;
    expect(() => breaker.enter()).toThrow('ECONNREFUSED');
    now = 2000;
    expect(breaker.enter()).toBe(true);
    breaker.answered(true);
    expect(breaker.enter()).toBe(false);
  });
});
