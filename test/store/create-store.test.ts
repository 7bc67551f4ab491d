import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log';
import { createStore, parseDatabaseUrl } from '../../src/store';
import { tokens } from './helpers';

const T0 = new Date('2026-03-01T08:00:00.000Z');

describe('parseDatabaseUrl', () => {
  it('recognises SQLite files, in-memory SQLite and Postgres', () => {
    expect(parseDatabaseUrl('sqlite:./data/bot.sqlite')).toEqual({ kind: 'sqlite', file: './data/bot.sqlite' });
    expect(parseDatabaseUrl('sqlite:///var/lib/bot.sqlite')).toEqual({ kind: 'sqlite', file: '/var/lib/bot.sqlite' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', file: ':memory:' });
    expect(parseDatabaseUrl('postgres://u:p@h:5432/db')).toEqual({ kind: 'postgres', url: 'postgres://u:p@h:5432/db' });
    expect(parseDatabaseUrl('postgresql://h/db')).toEqual({ kind: 'postgres', url: 'postgresql://h/db' });
  });

  it('refuses an unknown scheme naming only the scheme, never a password', () => {
    expect(() => parseDatabaseUrl('mysql://root:s3cret-pw@db/bot')).toThrow(/DATABASE_URL.*"mysql:"/);
    expect(() => parseDatabaseUrl('mysql://root:s3cret-pw@db/bot')).not.toThrow(/s3cret/);
    expect(() => parseDatabaseUrl('./bot.sqlite')).toThrow(/DATABASE_URL/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/file path/);
  });
});

describe('createStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-create-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const options = (url: string) => ({ url, encryptionKey: randomBytes(32), logger: silentLogger() });

  it('throws a clear error for an unknown scheme', () => {
    expect(() => createStore(options('redis://localhost'))).toThrow(/DATABASE_URL must be sqlite:<file>.*"redis:"/);
  });

  it('picks the backend from the URL', async () => {
    const memory = createStore(options('sqlite::memory:'));
    expect(memory.kind).toBe('sqlite');
    await memory.init();
    await expect(memory.ping()).resolves.toBe(true);
    await memory.close();
    const pg = createStore(options('postgresql://postgres@127.0.0.1:5432/test'));
    expect(pg.kind).toBe('postgres');
    await pg.close();
  });

  it('creates the parent directory and an owner-only database file', async () => {
    const file = join(dir, 'a', 'b', 'bot.sqlite');
    const store = createStore(options(`sqlite:${file}`));
    await store.init();
    await store.close();
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps data across restarts of a file database', async () => {
    const file = join(dir, 'bot.sqlite');
    const key = randomBytes(32);
    const set = tokens('restart');
    const first = createStore({ url: `sqlite:${file}`, encryptionKey: key, logger: silentLogger() });
    await first.init();
    await first.saveAccount({ personId: 'p1', email: 'p1@example.com', tokens: set }, T0);
    await first.close();
    const again = createStore({ url: `sqlite:${file}`, encryptionKey: key, logger: silentLogger() });
    await again.init();
    expect((await again.getAccount('p1'))?.tokens).toEqual(set);
    await again.close();
  });

  it('never writes a token in clear text to the SQLite files', async () => {
    const file = join(dir, 'bot.sqlite');
    const store = createStore(options(`sqlite:${file}`));
    await store.init();
    const first = tokens('filebytes');
    const second = tokens('filebytes2');
    await store.saveAccount({ personId: 'person-file', email: 'file-owner@example.com', tokens: first }, T0);
    await store.updateTokens('person-file', second, T0);
    await store.putOAuthState({ state: 'st', personId: 'person-file', codeVerifier: 'VERIFIER-IN-FILE', createdAt: T0, expiresAt: T0 });
    const readAll = () =>
      [file, `${file}-wal`, `${file}-journal`]
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('\n');
    const whileOpen = readAll();
    await store.close();
    for (const bytes of [whileOpen, readAll()]) {
      expect(bytes).toContain('file-owner@example.com'); // the reader does see the rows
      for (const secret of [first.accessToken, first.refreshToken, second.accessToken, second.refreshToken, 'VERIFIER-IN-FILE']) {
        expect(bytes).not.toContain(secret);
      }
    }
  });
});
