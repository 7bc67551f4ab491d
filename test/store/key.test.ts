import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log';
import { EncryptionKeyError, generateEncryptionKey, resolveEncryptionKey } from '../../src/store/key';
import { capturingLogger } from './helpers';

describe('resolveEncryptionKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses a configured base64 key of 32 bytes (standard or URL-safe), in production too', () => {
    const raw = randomBytes(32);
    const logger = silentLogger();
    for (const configuredKey of [raw.toString('base64'), raw.toString('base64url'), ` ${raw.toString('base64')}\n`]) {
      expect(resolveEncryptionKey({ configuredKey, production: true, databaseUrl: 'postgres://db/x', logger })).toEqual(raw);
    }
    expect(Buffer.from(generateEncryptionKey(), 'base64')).toHaveLength(32);
  });

  it('refuses a bad key naming TOKEN_ENCRYPTION_KEY and never printing the value', () => {
    const values = [
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('base64'),
      'this is definitely not base64!',
      'hunter2-hunter2',
    ];
    for (const configuredKey of values) {
      let error: unknown;
      try {
        resolveEncryptionKey({ configuredKey, production: false, databaseUrl: 'sqlite::memory:', logger: silentLogger() });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(EncryptionKeyError);
      const message = (error as Error).message;
      expect(message).toContain('TOKEN_ENCRYPTION_KEY');
      expect(message).toMatch(/32 bytes/);
      expect(message).not.toContain(configuredKey);
    }
  });

  it('throws in production when no key is configured', () => {
    for (const configuredKey of [undefined, '', '   ']) {
      expect(() =>
        resolveEncryptionKey({ configuredKey, production: true, databaseUrl: `sqlite:${join(dir, 'bot.sqlite')}`, logger: silentLogger() }),
      ).toThrow(/TOKEN_ENCRYPTION_KEY is required/);
    }
    expect(existsSync(join(dir, 'bot.sqlite.key'))).toBe(false);
  });

  it('creates a key file beside the SQLite database with mode 0600, warns, and reuses it', () => {
    const file = join(dir, 'nested', 'data', 'bot.sqlite');
    const capture = capturingLogger();
    const first = resolveEncryptionKey({ production: false, databaseUrl: `sqlite:${file}`, logger: capture.logger });
    const keyFile = `${file}.key`;
    expect(first).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toEqual(first);
    const warnings = capture.lines().map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(warnings.filter((w) => w.level === 40)).toHaveLength(1);
    expect(capture.lines().join('\n')).not.toContain(first.toString('base64'));

    const second = resolveEncryptionKey({ production: false, databaseUrl: `sqlite:${file}`, logger: silentLogger() });
    expect(second).toEqual(first);
  });

  it('tightens a key file readable by others', () => {
    const file = join(dir, 'bot.sqlite');
    const key = resolveEncryptionKey({ production: false, databaseUrl: `sqlite:${file}`, logger: silentLogger() });
    chmodSync(`${file}.key`, 0o644);
    expect(resolveEncryptionKey({ production: false, databaseUrl: `sqlite:${file}`, logger: silentLogger() })).toEqual(key);
    expect(statSync(`${file}.key`).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt key file with a clear message', () => {
    const file = join(dir, 'bot.sqlite');
    writeFileSync(`${file}.key`, 'garbage', { mode: 0o600 });
    expect(() => resolveEncryptionKey({ production: false, databaseUrl: `sqlite:${file}`, logger: silentLogger() })).toThrow(
      /bot\.sqlite\.key.*Delete the file/s,
    );
  });

  it('uses a random in-memory key, with a warning, for sqlite::memory: and Postgres in development', () => {
    for (const databaseUrl of ['sqlite::memory:', 'postgres://postgres@127.0.0.1/test']) {
      const capture = capturingLogger();
      const a = resolveEncryptionKey({ production: false, databaseUrl, logger: capture.logger });
      const b = resolveEncryptionKey({ production: false, databaseUrl, logger: silentLogger() });
      expect(a).toHaveLength(32);
      expect(a).not.toEqual(b);
      expect(capture.lines().join('\n')).toMatch(/TOKEN_ENCRYPTION_KEY is not set/);
    }
  });
});
