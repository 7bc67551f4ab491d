import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log line. Tokens, Authorization headers,
 * OAuth codes and download links must never reach the logs; callers should
 * not log them in the first place, and this list is the safety net.
 */
export const REDACTED_PATHS = [
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'token',
  'code',
  'code_verifier',
  'codeVerifier',
  'client_secret',
  'clientSecret',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.authorization',
  '*.Authorization',
  '*.code',
  'temporaryDirectDownloadLinks',
  '*.temporaryDirectDownloadLinks',
  'url',
  '*.url',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; standard output when absent. Tests pass a stream to read the lines back. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      // "time":"2026-12-05T23:59:00.000Z" rather than milliseconds since 1970 (docs/deploy.md, "Logs").
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}

/** A logger that writes nothing, for unit tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
