import type { Logger } from '../log';
import type { EventEnvelope } from './envelope';

/** Tries the store this many times, this far apart, before leaving an event to the catch-up. */
export const INTAKE_TRIES = 6;
export const INTAKE_PAUSE_MS = 500;

/**
 * Websocket mode: an event from the socket goes into the inbox before any work. The socket has
 * already acknowledged it, so when the store cannot take it the intake keeps trying for a few
 * seconds, then tells the catch-up (`missed`), which reads it back from Webex once the store is
 * back. Never rejects.
 */
export function createSocketIntake(options: {
  accept(envelope: EventEnvelope): Promise<unknown>;
  missed(at: Date): void;
  logger: Logger;
  now: () => Date;
  /** True once stopping: no more waiting. */
  stopping(): boolean;
  sleep?: (ms: number) => Promise<void>;
}): (envelope: EventEnvelope) => Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (envelope) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await options.accept(envelope);
        return;
      } catch (err) {
        if (attempt >= INTAKE_TRIES || options.stopping()) {
          options.logger.error({ err: String(err), resource: envelope.resource }, 'websocket event could not be stored; the catch-up reads it again');
          const created = Date.parse(envelope.data.created ?? '');
          options.missed(Number.isNaN(created) ? options.now() : new Date(created));
          return;
        }
        await sleep(INTAKE_PAUSE_MS);
      }
    }
  };
}
