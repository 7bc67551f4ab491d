import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log';
import { KEY_BYTES } from './crypto';
import { parseDatabaseUrl, SQLITE_MEMORY } from './url';

export const KEY_VARIABLE = 'TOKEN_ENCRYPTION_KEY';

/** The encryption key is missing or unusable. The message never contains the key. */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

export interface ResolveEncryptionKeyOptions {
  /** TOKEN_ENCRYPTION_KEY: base64 (standard or URL-safe) of exactly 32 bytes. */
  configuredKey?: string;
  production: boolean;
  databaseUrl: string;
  logger: Logger;
}

/** A fresh key in the form TOKEN_ENCRYPTION_KEY expects (what `openssl rand -base64 32` prints). */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * The key that encrypts tokens at rest. Configured → that key. Production without one → throws
 * (the caller stops the process). Development: a key kept beside the SQLite file
 * (`<db file>.key`, mode 0600, reused on the next start), or for `sqlite::memory:` and Postgres
 * a random key held in memory only. Both development cases log a warning.
 */
export function resolveEncryptionKey(options: ResolveEncryptionKeyOptions): Buffer {
  const configured = options.configuredKey?.trim();
  if (configured) return decodeKey(configured, KEY_VARIABLE);
  if (options.production) {
    throw new EncryptionKeyError(
      `${KEY_VARIABLE} is required when NODE_ENV=production: 32 random bytes in base64, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  const target = parseDatabaseUrl(options.databaseUrl);
  if (target.kind === 'sqlite' && target.file !== SQLITE_MEMORY) {
    const keyFile = `${target.file}.key`;
    options.logger.warn(
      { keyFile },
      `${KEY_VARIABLE} is not set; using a development key kept beside the database. Set ${KEY_VARIABLE} in production.`,
    );
    return loadOrCreateKeyFile(keyFile, options.logger);
  }
  options.logger.warn(
    `${KEY_VARIABLE} is not set; using a random key held in memory: stored sign-ins cannot be read after a restart and people will have to connect again.`,
  );
  return randomBytes(KEY_BYTES);
}

function decodeKey(text: string, source: string): Buffer {
  const problem = `${source} must be ${KEY_BYTES} bytes encoded as base64 (e.g. the output of \`openssl rand -base64 32\`)`;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new EncryptionKeyError(`${problem}; its value is not base64.`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new EncryptionKeyError(`${problem}; its value decodes to ${key.length} bytes.`);
  }
  return key;
}

function loadOrCreateKeyFile(path: string, logger: Logger): Buffer {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (fd !== undefined) {
    const key = randomBytes(KEY_BYTES);
    try {
      writeSync(fd, `${key.toString('base64')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    logger.info({ keyFile: path }, 'created a development token encryption key');
    return key;
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    chmodSync(path, 0o600);
    logger.warn({ keyFile: path }, 'the development key file was readable by others; its mode is now 0600');
  }
  try {
    return decodeKey(readFileSync(path, 'utf8').trim(), `The key file ${path}`);
  } catch (err) {
    if (!(err instanceof EncryptionKeyError)) throw err;
    throw new EncryptionKeyError(
      `${err.message} Delete the file (stored sign-ins will be lost) or set ${KEY_VARIABLE}.`,
    );
  }
}
