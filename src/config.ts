import dotenv from 'dotenv';
import { z } from 'zod';
import { isValidTimeZone } from './format/time';

/**
 * The bot's configuration (every variable is described in .env.example), read once from the environment and frozen.
 * This is the only module that reads `process.env`. Every problem is collected and reported
 * together, so an operator fixes a broken deployment in one round trip.
 */

export interface Config {
  readonly botToken: string;
  /** Base of every Webex call: framework, REST and OAuth. No trailing slash. */
  readonly webexApiUrl: string;
  /** Public base URL; set means webhook mode. No trailing slash. */
  readonly publicUrl: string | null;
  /** Base URL people's browsers reach for sign-in (SIGN_IN_URL, else PUBLIC_URL, else localhost). No trailing slash. */
  readonly signInUrl: string;
  readonly webhookSecret: string | null;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly oauthScopes: readonly string[];
  /** Raw base64 as configured; decoded and checked by the store's key handling. */
  readonly tokenEncryptionKey: string | null;
  readonly databaseUrl: string;
  readonly defaultTimezone: string;
  readonly groupLinks: 'private' | 'public';
  readonly allowedEmailDomains: readonly string[];
  readonly commandsPerMinute: number;
  readonly port: number;
  readonly logLevel: string;
  readonly production: boolean;
  /** Where Webex sends the browser back after sign-in. */
  readonly oauthRedirectUri: string;
  /** Webhook target in webhook mode. */
  readonly webhookUrl: string | null;
  /** Target of the people's new-recording webhooks in webhook mode; null means polling. */
  readonly recordingWebhookUrl: string | null;
  /** Polling mode: how often each opted-in person's recordings are read. */
  readonly recordingPollIntervalMs: number;
  /** Spaces whose framework bot object is kept in memory; the longest idle beyond it are forgotten. */
  readonly spacesInMemory: number;
  /** Websocket mode: minutes the socket may stay closed before the process exits 1. */
  readonly websocketGiveUpMinutes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .transform((v) => v.trim())
  .optional()
  .transform((v) => (v ? v : undefined));

const httpUrl = (name: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    }, `${name} must be an http(s) URL`)
    .transform((v) => v.replace(/\/+$/, ''));

const schema = z.object({
  WEBEX_BOT_TOKEN: z.string({ error: 'WEBEX_BOT_TOKEN is required (the bot\'s access token)' }).trim().min(1, 'WEBEX_BOT_TOKEN is required (the bot\'s access token)'),
  WEBEX_API_URL: optionalText.pipe(httpUrl('WEBEX_API_URL').optional()).transform((v) => v ?? 'https://webexapis.com/v1'),
  PUBLIC_URL: optionalText.pipe(httpUrl('PUBLIC_URL').optional()),
  SIGN_IN_URL: optionalText.pipe(httpUrl('SIGN_IN_URL').optional()),
  WEBHOOK_SECRET: optionalText,
  WEBEX_CLIENT_ID: z.string({ error: 'WEBEX_CLIENT_ID is required (the Webex Integration used for sign-in)' }).trim().min(1, 'WEBEX_CLIENT_ID is required (the Webex Integration used for sign-in)'),
  WEBEX_CLIENT_SECRET: z.string({ error: 'WEBEX_CLIENT_SECRET is required (the Webex Integration used for sign-in)' }).trim().min(1, 'WEBEX_CLIENT_SECRET is required (the Webex Integration used for sign-in)'),
  OAUTH_SCOPES: optionalText.transform((v) => (v ?? 'spark:recordings_read spark:people_read').split(/[\s,]+/).filter(Boolean)),
  TOKEN_ENCRYPTION_KEY: optionalText,
  DATABASE_URL: optionalText
    .transform((v) => v ?? 'sqlite:./data/bot.sqlite')
    .refine((v) => /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(v), 'DATABASE_URL must be sqlite:<file>, sqlite::memory: or postgres://…'),
  DEFAULT_TIMEZONE: optionalText
    .transform((v) => v ?? 'UTC')
    .refine(isValidTimeZone, 'DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Paris'),
  GROUP_LINKS: optionalText
    .transform((v) => (v ?? 'private').toLowerCase())
    .pipe(z.enum(['private', 'public'], { error: 'GROUP_LINKS must be private or public' })),
  ALLOWED_EMAIL_DOMAINS: optionalText.transform((v) =>
    (v ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
      .filter(Boolean),
  ),
  COMMANDS_PER_MINUTE: optionalText
    .transform((v) => (v === undefined ? 20 : Number(v)))
    .refine((n) => Number.isInteger(n) && n >= 0, 'COMMANDS_PER_MINUTE must be a whole number, 0 or more'),
  PORT: optionalText
    .transform((v) => (v === undefined ? 3000 : Number(v)))
    .refine((n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'PORT must be a port number (0-65535)'),
  LOG_LEVEL: optionalText
    .transform((v) => (v ?? 'info').toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })),
  SPACES_IN_MEMORY: optionalText
    .transform((v) => (v === undefined ? 5000 : Number(v)))
    .refine((n) => Number.isInteger(n) && n >= 10 && n <= 200_000, 'SPACES_IN_MEMORY must be a whole number between 10 and 200000'),
  RECORDING_POLL_MINUTES: optionalText
    .transform((v) => (v === undefined ? 5 : Number(v)))
    .refine((n) => Number.isFinite(n) && n >= 0.1 && n <= 1440, 'RECORDING_POLL_MINUTES must be a number of minutes between 0.1 and 1440'),
  WEBSOCKET_GIVE_UP_MINUTES: optionalText
    .transform((v) => (v === undefined ? 5 : Number(v)))
    .refine((n) => Number.isFinite(n) && n >= 0.05 && n <= 1440, 'WEBSOCKET_GIVE_UP_MINUTES must be a number of minutes between 0.05 and 1440'),
  NODE_ENV: optionalText,
});

/**
 * Parses an environment (default: `process.env`) into a frozen Config, or throws a ConfigError
 * listing every problem. Values are never echoed back in messages: some of them are secrets.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      const message = issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
      if (!problems.includes(message)) problems.push(message);
    }
  }
  // The checks across settings read the raw values, so they are listed with the schema's
  // problems in the same message rather than on the next try.
  for (const problem of crossChecks(env)) if (!problems.includes(problem)) problems.push(problem);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const v = parsed.data;
  const production = v.NODE_ENV === 'production';

  const publicUrl = v.PUBLIC_URL ?? null;
  const signInUrl = v.SIGN_IN_URL ?? publicUrl ?? `http://localhost:${v.PORT}`;
  return Object.freeze({
    botToken: v.WEBEX_BOT_TOKEN,
    webexApiUrl: v.WEBEX_API_URL,
    publicUrl,
    signInUrl,
    webhookSecret: v.WEBHOOK_SECRET ?? null,
    clientId: v.WEBEX_CLIENT_ID,
    clientSecret: v.WEBEX_CLIENT_SECRET,
    oauthScopes: Object.freeze([...v.OAUTH_SCOPES]),
    tokenEncryptionKey: v.TOKEN_ENCRYPTION_KEY ?? null,
    databaseUrl: v.DATABASE_URL,
    defaultTimezone: v.DEFAULT_TIMEZONE,
    groupLinks: v.GROUP_LINKS,
    allowedEmailDomains: Object.freeze([...v.ALLOWED_EMAIL_DOMAINS]),
    commandsPerMinute: v.COMMANDS_PER_MINUTE,
    port: v.PORT,
    logLevel: v.LOG_LEVEL,
    production,
    oauthRedirectUri: `${signInUrl}/oauth/callback`,
    webhookUrl: publicUrl ? `${publicUrl}/webhooks/webex` : null,
    recordingWebhookUrl: publicUrl ? `${publicUrl}/webhooks/recordings` : null,
    recordingPollIntervalMs: Math.round(v.RECORDING_POLL_MINUTES * 60_000),
    spacesInMemory: v.SPACES_IN_MEMORY,
    websocketGiveUpMinutes: v.WEBSOCKET_GIVE_UP_MINUTES,
  });
}

function rawText(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The URL's host when it is an http(s) URL, else null (the schema reports it). */
function hostOf(value: string): { protocol: string; hostname: string } | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? { protocol: url.protocol, hostname: url.hostname } : null;
  } catch {
    return null;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

/** Problems that involve more than one setting, or the mode (NODE_ENV=production). */
function crossChecks(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const production = rawText(env, 'NODE_ENV') === 'production';
  const publicUrl = rawText(env, 'PUBLIC_URL');
  const signInUrl = rawText(env, 'SIGN_IN_URL');
  const key = rawText(env, 'TOKEN_ENCRYPTION_KEY');
  if (publicUrl && !rawText(env, 'WEBHOOK_SECRET')) {
    problems.push('WEBHOOK_SECRET is required in webhook mode (PUBLIC_URL is set)');
  }
  if (production && !key) {
    problems.push('TOKEN_ENCRYPTION_KEY is required when NODE_ENV=production (32 bytes, base64, e.g. from `openssl rand -base64 32`)');
  }
  if (key && Buffer.from(key, 'base64').length !== 32) {
    problems.push('TOKEN_ENCRYPTION_KEY must be 32 bytes encoded in base64 (e.g. from `openssl rand -base64 32`)');
  }
  if (production) {
    for (const [name, value] of [['PUBLIC_URL', publicUrl], ['SIGN_IN_URL', signInUrl]] as const) {
      const host = value ? hostOf(value) : null;
      if (host && host.protocol === 'http:' && !isLoopback(host.hostname)) {
        problems.push(`${name} must be an https:// URL when NODE_ENV=production (people's sign-in codes and Webex's webhooks travel over it)`);
      }
    }
    const signInHost = signInUrl ? hostOf(signInUrl) : publicUrl ? hostOf(publicUrl) : null;
    if (!signInUrl && !publicUrl) {
      problems.push("SIGN_IN_URL (or PUBLIC_URL) is required when NODE_ENV=production: people's browsers come back to {SIGN_IN_URL}/oauth/callback after sign-in, and http://localhost reaches nobody else's computer");
    } else if (signInHost && isLoopback(signInHost.hostname)) {
      problems.push(`${signInUrl ? 'SIGN_IN_URL' : 'PUBLIC_URL'} is a localhost address, which nobody else's browser can reach for sign-in when NODE_ENV=production; set SIGN_IN_URL to an address people can open`);
    }
  }
  return problems;
}

/** Settings that say a real Webex bot is meant, even when its token is missing. */
const WEBEX_SETTINGS = ['WEBEX_BOT_TOKEN', 'WEBEX_API_URL', 'PUBLIC_URL', 'SIGN_IN_URL', 'WEBHOOK_SECRET', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'OAUTH_SCOPES'];

/**
 * True when nothing about a Webex bot is configured, outside production: the README's run command
 * (`npm start`) then opens the local sandbox. With NODE_ENV=production, or any Webex setting but
 * no token, the bot starts and stops with the config error that names the missing token.
 */
export function wantsSandbox(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'production' && WEBEX_SETTINGS.every((name) => !(env[name] ?? '').trim());
}

/** Loads `.env` into the environment when present (never overriding what is already set). */
export function loadDotEnv(path = '.env'): void {
  dotenv.config({ path, quiet: true });
}

/**
 * The bundled Webex SDK reads its REST and U2C bases from the environment when it is first
 * required. Derive both from WEBEX_API_URL so every framework call goes where ours go.
 * Must run before the framework module is loaded.
 */
export function exportFrameworkEnvironment(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  env.HYDRA_SERVICE_URL = config.webexApiUrl;
  const origin = new URL(config.webexApiUrl).origin;
  env.U2C_SERVICE_URL = origin === 'https://webexapis.com' ? 'https://u2c.wbx2.com/u2c/api/v1' : `${origin}/u2c/api/v1`;
}

/**
 * The HTTP port alone (`PORT`, default 3000), for the sandbox: it needs no other setting, so it
 * cannot go through `loadConfig`, which requires a bot token.
 */
export function loadPort(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = schema.shape.PORT.safeParse(env.PORT);
  if (!parsed.success) throw new ConfigError(['PORT must be a port number (0-65535)']);
  return parsed.data;
}

/**
 * How the sandbox connects its bot to the emulator (`SANDBOX_TRANSPORT`): `webhook` (default) or
 * `websocket`, the mode of a bot with no `PUBLIC_URL`.
 */
export function loadSandboxTransport(env: NodeJS.ProcessEnv = process.env): 'webhook' | 'websocket' {
  const value = (env.SANDBOX_TRANSPORT ?? '').trim().toLowerCase();
  if (value === '' || value === 'webhook') return 'webhook';
  if (value === 'websocket') return 'websocket';
  throw new ConfigError(['SANDBOX_TRANSPORT must be webhook or websocket']);
}
