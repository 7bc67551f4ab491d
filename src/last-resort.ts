/**
 * What the process does with an error nobody caught, and with text libraries print to the console.
 *
 * - `unhandledRejection`: one promise failed and nobody was waiting for it. The state of the
 *   process is intact (the failure stayed inside that promise), so the bot logs it at error,
 *   counts it, and goes on serving: stopping would drop every command in flight for one stray
 *   promise, typically inside a library.
 * - `uncaughtException`: a throw unwound the stack past every handler; what it interrupted may
 *   be half-done, and Node does not promise a safe state after it. The bot logs it at fatal,
 *   counts it, and stops gracefully (finishing what is in flight, as on SIGTERM) with exit
 *   code 1, so the platform restarts it; if the stop hangs, a timer ends the process.
 *
 * Every line is JSON through the bot's logger, stack traces folded into the `stack` field.
 */
import { format } from 'node:util';
import type { Logger } from './log';

export type ProcessFault = 'unhandledRejection' | 'uncaughtException';

export interface LastResortOptions {
  logger: Logger;
  count(kind: ProcessFault): void;
  /** Graceful stop after an uncaught exception; the process exits with 1 once it settles. */
  stop(): Promise<void>;
  /** How long `stop` may take before the process is ended anyway. */
  stopTimeoutMs: number;
  exit?: (code: number) => void;
  processLike?: Pick<NodeJS.Process, 'on'>;
}

function describe(err: unknown): { err: string; stack?: string } {
  if (err instanceof Error) return { err: String(err), ...(err.stack ? { stack: err.stack } : {}) };
  return { err: format('%o', err).slice(0, 2000) };
}

export function installLastResort(options: LastResortOptions): void {
  const { logger, count } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const proc = options.processLike ?? process;
  let stopping = false;

  proc.on('unhandledRejection', (reason: unknown) => {
    count('unhandledRejection');
    logger.error({ fault: 'unhandledRejection', ...describe(reason) }, 'unhandled promise rejection; the bot keeps running');
  });

  proc.on('uncaughtException', (err: Error) => {
    count('uncaughtException');
    logger.fatal({ fault: 'uncaughtException', ...describe(err) }, stopping ? 'uncaught exception while stopping' : 'uncaught exception; stopping gracefully');
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => exit(1), options.stopTimeoutMs);
    options
      .stop()
      .catch((stopErr: unknown) => logger.error({ ...describe(stopErr) }, 'stop after an uncaught exception failed'))
      .finally(() => {
        clearTimeout(timer);
        exit(1);
      });
  });
}

/**
 * Sends `console.*` output (the Webex SDK's logger, the framework's `console.error` lines) to
 * the bot's logger as JSON at the matching level, instead of plain text on stdout/stderr.
 */
export function routeConsoleTo(logger: Logger, target: Console = console): void {
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    logger[level]({ source: 'console' }, format(...args).slice(0, 4000));
  };
  target.log = to('info');
  target.info = to('info');
  target.debug = to('debug');
  target.trace = to('debug');
  target.warn = to('warn');
  target.error = to('error');
}
