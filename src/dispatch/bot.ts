import type { Command } from '../commands/parse';
import { handlerFor, HELP_ROWS, parseCommand } from '../commands/registry';
import { handleClick } from '../commands/clicks';
import { describeFailure, isPostFailure } from '../errors/messages';
import type { InboundClick, InboundEvent, InboundMessage } from '../transport/types';
import { createContext, type Context } from '../replies/context';
import { RateLimiter } from './rate-limit';
import type { HandlerOutcome, Outcome } from '../outcomes';
import type { Services } from './services';

export interface Bot {
  /** Takes one event; the work is tracked for a graceful stop, and the promise settles when it is done. */
  handle(event: InboundEvent): Promise<void>;
  /** Replays a stored request once its author has connected (the request kept by the connect card). */
  replay(request: { personId: string; personEmail: string; roomId: string; roomType: 'direct' | 'group'; messageId: string; text: string }): Promise<void>;
  /** Resolves when nothing is in flight, or after `timeoutMs`; true when everything finished. */
  drain(timeoutMs: number): Promise<boolean>;
  inFlight(): number;
}

function emailAllowed(email: string, domains: readonly string[]): boolean {
  if (domains.length === 0) return true;
  const domain = email.split('@')[1]?.toLowerCase() ?? '';
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

export function createBot(services: Services): Bot {
  const { logger, messenger, now } = services;
  const limiter = new RateLimiter(services.settings.commandsPerMinute);
  const running = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];

  function track(work: Promise<void>): Promise<void> {
    running.add(work);
    void work.finally(() => {
      running.delete(work);
      if (running.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
      }
    });
    return work;
  }

  async function runCommand(ctx: Context, command: Command, messageId: string): Promise<HandlerOutcome> {
    return handlerFor(command)(services, ctx, command, { messageId, help: HELP_ROWS });
  }

  async function onMessage(event: InboundMessage): Promise<void> {
    const started = process.hrtime.bigint();
    const ctx = createContext(messenger, event, { parentId: event.roomType === 'group' ? event.messageId : undefined });
    let command: Command = parseCommand(event.text);
    let outcome: Outcome = 'error';
    try {
      if (!emailAllowed(event.personEmail, services.settings.allowedEmailDomains)) {
        outcome = 'refused-domain';
        await ctx.reply({ markdown: 'Sorry, this bot is only available to people of the organisations it was set up for.' });
        return;
      }
      const verdict = limiter.check(event.personId, now().getTime());
      if (verdict !== 'ok') {
        outcome = 'rate-limited';
        if (verdict === 'warn') {
          await ctx.reply({ markdown: `You're sending commands faster than I can take them (${services.settings.commandsPerMinute} a minute). Please slow down and try again in a minute.` });
        }
        return;
      }
      if (command.name === 'unknown' && event.roomType === 'group' && command.text === '') command = { name: 'help' };
      outcome = await runCommand(ctx, command, event.messageId);
    } catch (err) {
      logger.error({ err: String(err), trackingId: (err as { trackingId?: unknown }).trackingId, command: command.name, personId: event.personId, roomId: event.roomId }, 'command failed');
      // A reply Webex would not post is told as that (in the 1:1 space when the space refuses), not as a bug.
      const markdown = isPostFailure(err) ? describeFailure('post-reply', err) : 'Something went wrong on my side. Please try again in a moment.';
      await ctx.reply({ markdown }).catch(() => (isPostFailure(err) ? messenger.post({ toPersonId: event.personId }, { markdown }) : undefined)).catch(() => undefined);
    } finally {
      services.recordOutcome(command.name, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  async function onClick(event: InboundClick): Promise<void> {
    const started = process.hrtime.bigint();
    let outcome: Outcome = 'error';
    const ctx = createContext(messenger, event, {
      parentOf: async () => {
        if (event.roomType !== 'group') return undefined;
        const card = await messenger.get(event.cardMessageId).catch(() => null);
        return card?.parentId ?? card?.id;
      },
    });
    try {
      if (!emailAllowed(event.personEmail, services.settings.allowedEmailDomains)) {
        outcome = 'refused-domain';
        return;
      }
      if (limiter.check(event.personId, now().getTime()) !== 'ok') {
        outcome = 'rate-limited';
        return;
      }
      outcome = await handleClick(services, ctx, event);
    } catch (err) {
      logger.error({ err: String(err), personId: event.personId, roomId: event.roomId }, 'card click failed');
      await ctx.direct({ markdown: 'Something went wrong on my side with that button. Please try again in a moment.' }).catch(() => undefined);
    } finally {
      services.recordOutcome('click', outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  setInterval(() => limiter.prune(now().getTime()), 60_000).unref();

  return {
    handle(event) {
      return track(event.kind === 'message' ? onMessage(event) : onClick(event));
    },
    async replay(request) {
      const ctx = createContext(messenger, request, { parentId: request.roomType === 'group' ? request.messageId : undefined });
      const work = runCommand(ctx, parseCommand(request.text), request.messageId).then(
        () => undefined,
        (err: unknown) => logger.error({ err: String(err), personId: request.personId }, 'pending request failed'),
      );
      track(work);
      await work;
    },
    drain(timeoutMs) {
      if (running.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    inFlight: () => running.size,
  };
}
