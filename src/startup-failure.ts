/**
 * The one line a failed start prints: JSON like every other log line, at level fatal, naming the
 * setting to fix (`settings`) and what is wrong with it (`problems`). A wrong bot token, a Webex
 * address that does not answer and a database that cannot be opened are told apart here, so an
 * operator reads "WEBEX_BOT_TOKEN was refused" rather than a status code of some Webex call.
 * Values of settings are never repeated: some are secrets (DATABASE_URL may hold a password).
 */
import { isStoreUnavailable } from './store/errors';
import type { Writable } from 'node:stream';
import pino from 'pino';
import { ConfigError } from './config';
import { createLogger } from './log';
import { WebexApiError, WebexUrlRefusedError } from './webex/errors';

export interface StartupFailure {
  /** The settings to look at, e.g. `['WEBEX_BOT_TOKEN']`; empty when no setting explains it. */
  settings: string[];
  problems: string[];
}

const SETTING_NAMES = [
  'WEBEX_BOT_TOKEN', 'WEBEX_API_URL', 'PUBLIC_URL', 'SIGN_IN_URL', 'WEBHOOK_SECRET', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET',
  'OAUTH_SCOPES', 'TOKEN_ENCRYPTION_KEY', 'DATABASE_URL', 'DEFAULT_TIMEZONE', 'GROUP_LINKS', 'ALLOWED_EMAIL_DOMAINS',
  'COMMANDS_PER_MINUTE', 'PORT', 'LOG_LEVEL', 'SPACES_IN_MEMORY', 'RECORDING_POLL_MINUTES', 'NODE_ENV',
];

/** The setting each text is about: the first setting it names (its sentence may mention others). */
function settingsNamedIn(texts: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    let first: { name: string; at: number } | null = null;
    for (const name of SETTING_NAMES) {
      const at = text.search(new RegExp(`\\b${name}\\b`));
      if (at !== -1 && (first === null || at < first.at)) first = { name, at };
    }
    if (first && !found.includes(first.name)) found.push(first.name);
  }
  return found;
}

interface ErrorFields {
  code?: unknown;
  severity?: unknown;
  port?: unknown;
  syscall?: unknown;
  errors?: unknown;
}

/** The port a postgres:// DATABASE_URL connects to, or null. */
function databasePort(databaseUrl: string | undefined): number | null {
  if (!databaseUrl || !/^postgres(ql)?:\/\//i.test(databaseUrl)) return null;
  try {
    return Number(new URL(databaseUrl).port || 5432);
  } catch {
    return null;
  }
}

/** True for an error of the database driver: PostgreSQL's answer, its connection, or SQLite. */
function isDatabaseError(err: Error & ErrorFields, databaseUrl: string | undefined): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  if (code.startsWith('SQLITE_')) return true;
  // A PostgreSQL answer carries a SQLSTATE and a severity.
  if (/^[0-9A-Z]{5}$/.test(code) && typeof err.severity === 'string') return true;
  // A refused or failed connection to the database's own port (AggregateError when several addresses were tried).
  const port = databasePort(databaseUrl);
  const parts: Array<Error & ErrorFields> = [err, ...(Array.isArray(err.errors) ? (err.errors as Array<Error & ErrorFields>) : [])];
  if (port !== null && parts.some((part) => part.syscall === 'connect' && part.port === port)) return true;
  if (port !== null && parts.some((part) => part.syscall === 'getaddrinfo')) return true;
  // SQLite's file or directory could not be made or opened.
  return databaseUrl?.startsWith('sqlite:') === true && typeof err.syscall === 'string';
}

function describeDatabaseError(err: Error & ErrorFields): string {
  const parts: Array<Error & ErrorFields> = Array.isArray(err.errors) ? (err.errors as Array<Error & ErrorFields>) : [];
  const message = err.message || parts.map((part) => part.message).join('; ') || String(err.code ?? 'unknown error');
  return `the database in DATABASE_URL could not be opened: ${message}`;
}

/** What went wrong, in terms of the settings an operator controls. */
export function explainStartupFailure(err: unknown, context: { databaseUrl?: string }): StartupFailure {
  if (err instanceof ConfigError) return { settings: settingsNamedIn(err.problems), problems: [...err.problems] };
  if (err instanceof WebexApiError) {
    if (err.kind === 'http' && (err.status === 401 || err.status === 403)) {
      return {
        settings: ['WEBEX_BOT_TOKEN'],
        problems: [`WEBEX_BOT_TOKEN was refused by Webex (${err.method} ${err.path} answered ${err.status}): use the bot's access token from developer.webex.com → My Webex Apps (a new one is shown when you regenerate it)`],
      };
    }
    if (err.kind === 'network' || err.kind === 'timeout' || (err.kind === 'http' && err.status === 404)) {
      return { settings: ['WEBEX_API_URL'], problems: [`Webex did not answer at WEBEX_API_URL (${err.message}); leave it unset for https://webexapis.com/v1`] };
    }
    return { settings: [], problems: [`Webex failed during start-up: ${err.message}; try again later`] };
  }
  if (err instanceof WebexUrlRefusedError) return { settings: ['WEBEX_API_URL'], problems: [`WEBEX_API_URL: ${err.message}`] };
  // The store reports a database it cannot reach as unavailable; the driver's error is the cause.
  if (isStoreUnavailable(err)) {
    const cause = (err as { cause?: unknown }).cause;
    const fields = (typeof cause === 'object' && cause !== null ? cause : { message: err.reason }) as Error & ErrorFields;
    return { settings: ['DATABASE_URL'], problems: [describeDatabaseError(fields)] };
  }
  // Not `instanceof Error`: errors made by Node itself may come from another realm (e.g. under a test runner).
  if (typeof err === 'object' && err !== null && typeof (err as Error).message === 'string') {
    const fields = err as Error & ErrorFields;
    if (isDatabaseError(fields, context.databaseUrl)) return { settings: ['DATABASE_URL'], problems: [describeDatabaseError(fields)] };
    const named = settingsNamedIn([fields.message]);
    return { settings: named, problems: [fields.message || fields.name] };
  }
  return { settings: [], problems: [String(err)] };
}

/** Writes the fatal JSON line (to standard error unless told otherwise); the caller exits with 1. */
export function reportStartupFailure(err: unknown, context: { databaseUrl?: string }, out?: Writable): void {
  const failure = explainStartupFailure(err, context);
  const destination = out ?? pino.destination({ fd: 2, sync: true });
  const logger = createLogger({ level: 'info', destination });
  logger.fatal({ settings: failure.settings, problems: failure.problems, help: 'See .env.example and docs/deploy.md for every setting.' }, 'the bot could not start');
}
