import type { Command } from '../commands/parse';
import { handlerFor, HELP_ROWS, parseCommand } from '../commands/registry';
import { handleClick } from '../commands/clicks';
import { describeFailure, describeSignInFailure, isPostFailure, isSignInFailure } from '../errors/messages';
import { isStoreUnavailable } from '../store/errors';
import { mayPassLater } from '../webex/errors';
import type { InboundClick, InboundEvent, InboundMessage } from '../transport/types';
import { createContext, type Context } from '../replies/context';
import type { EventSteps } from '../inbox/steps';
import type { HandlerOutcome, Outcome } from '../outcomes';
import type { Services } from '../services';

export interface Bot {
  /**
   * Takes one event; the work is tracked for a graceful stop, and the promise settles when it
   * is done. With the event's steps (from the inbox), what an earlier attempt of the same event
   * already posted, deleted or stored is not done again.
   */
  handle(event: InboundEvent, steps?: EventSteps): Promise<void>;
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

/** The services for one event: outward steps recorded when the event came from the inbox. */
function forEvent(services: Services, steps: EventSteps | undefined): Services {
  if (!steps) return services;
  return { ...services, messenger: steps.messenger(services.messenger), store: steps.store(services.store) };
}

/** The person's place in the shared per-person command limit; counted once per event. */
function countCommand(services: Services, personId: string, steps: EventSteps | undefined): Promise<'ok' | 'warn' | 'drop'> {
  if (services.settings.commandsPerMinute <= 0) return Promise.resolve('ok');
  const count = () => services.store.countCommand(personId, services.now(), services.settings.commandsPerMinute);
  return steps ? steps.once(count) : count();
}

export function createBot(services: Services): Bot {
  const { logger } = services;
  const running = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];

  function track(work: Promise<void>): Promise<void> {
    running.add(work);
    const settled = () => {
      running.delete(work);
      if (running.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((w) => w());
      }
    };
    // The caller handles a rejection (the inbox retries the event); this bookkeeping must not add an unhandled one.
    work.then(settled, settled);
    return work;
  }

  async function runCommand(services: Services, ctx: Context, command: Command, messageId: string): Promise<HandlerOutcome> {
    return handlerFor(command)(services, ctx, command, { messageId, help: HELP_ROWS });
  }

  /**
   * What differs between a message and a click inside the one guard chain (`guarded`): the
   * metric's label, what the person is told when refused or failing, and the work itself.
   */
  interface Guarded {
    /** The label of `recbot_commands_total` (the command's name, or `click`). */
    label(): string;
    /** Log facts naming the event. */
    facts: Record<string, unknown>;
    /** Told to a person outside the allowed domains (clicks: nothing, a card is not a conversation). */
    refusedDomain?: () => Promise<unknown>;
    /** Told once a minute to a person over the command limit (clicks: nothing). */
    rateWarning?: () => Promise<unknown>;
    /** Told when the work failed for good. */
    failed(err: unknown): Promise<unknown>;
    run(): Promise<HandlerOutcome>;
  }

  /**
   * The one guard chain of every event, message or click (as bolt-js's built-in middleware and
   * grammY's `bot.catch`): allowed email domains, the per-person command limit, the outcome
   * metric, and the error handling: from the inbox, a failure that may pass (Webex or the
   * database away) is rethrown for the inbox to retry the whole event (what was posted is not
   * posted again, and the inbox tells the person only if every attempt fails with nothing
   * answered); anything else is logged and answered. A sign-in that could not be renewed is the
   * answer itself (the person is told what to do next).
   */
  async function guarded(event: InboundEvent, steps: EventSteps | undefined, g: Guarded): Promise<void> {
    const started = process.hrtime.bigint();
    let outcome: Outcome = 'error';
    const kind = event.kind === 'message' ? 'command' : 'card click';
    try {
      if (!emailAllowed(event.personEmail, services.settings.allowedEmailDomains)) {
        outcome = 'refused-domain';
        await g.refusedDomain?.();
        return;
      }
      const verdict = await countCommand(services, event.personId, steps);
      if (verdict !== 'ok') {
        outcome = 'rate-limited';
        if (verdict === 'warn') await g.rateWarning?.();
        return;
      }
      outcome = await g.run();
    } catch (err) {
      const facts = { err: String(err), trackingId: (err as { trackingId?: unknown }).trackingId, ...g.facts };
      if (steps && (mayPassLater(err) || isStoreUnavailable(err)) && !isSignInFailure(err)) {
        logger.warn(facts, `${kind} failed; the event is retried`);
        throw err;
      }
      logger.error(facts, `${kind} failed`);
      await g.failed(err).catch(() => undefined);
    } finally {
      services.recordOutcome(g.label(), outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  function onMessage(event: InboundMessage, steps: EventSteps | undefined): Promise<void> {
    const scoped = forEvent(services, steps);
    const ctx = createContext(scoped.messenger, { ...event, receivedAt: steps?.receivedAt }, { parentId: event.roomType === 'group' ? event.messageId : undefined });
    let command: Command = parseCommand(event.text);
    if (command.name === 'unknown' && event.roomType === 'group' && command.text === '') command = { name: 'help' };
    return guarded(event, steps, {
      label: () => command.name,
      facts: { command: command.name, messageId: event.messageId, personId: event.personId, roomId: event.roomId },
      refusedDomain: () => ctx.reply({ markdown: 'Sorry, this bot is only available to people of the organisations it was set up for.' }),
      rateWarning: () =>
        ctx.reply({ markdown: `You're sending commands faster than I can take them (${services.settings.commandsPerMinute} a minute). Please slow down and try again in a minute.` }),
      failed(err) {
        // A reply Webex would not post is told as that (in the 1:1 space when the space refuses), not as a bug.
        const markdown = isPostFailure(err)
          ? describeFailure('post-reply', err)
          : isSignInFailure(err)
            ? describeSignInFailure(err)
            : 'Something went wrong on my side. Please try again in a moment.';
        return ctx.reply({ markdown }).catch(() => (isPostFailure(err) ? scoped.messenger.post({ toPersonId: event.personId }, { markdown }) : undefined));
      },
      run: () => runCommand(scoped, ctx, command, event.messageId),
    });
  }

  function onClick(event: InboundClick, steps: EventSteps | undefined): Promise<void> {
    const scoped = forEvent(services, steps);
    const { messenger } = scoped;
    const ctx = createContext(messenger, { ...event, receivedAt: steps?.receivedAt }, {
      parentOf: async () => {
        if (event.roomType !== 'group') return undefined;
        const card = await messenger.get(event.cardMessageId).catch(() => null);
        return card?.parentId ?? card?.id;
      },
    });
    return guarded(event, steps, {
      label: () => 'click',
      facts: { actionId: event.actionId, personId: event.personId, roomId: event.roomId },
      failed: (err) =>
        ctx.direct({ markdown: isSignInFailure(err) ? describeSignInFailure(err) : 'Something went wrong on my side with that button. Please try again in a moment.' }),
      run: () => handleClick(scoped, ctx, event, HELP_ROWS),
    });
  }

  return {
    handle(event, steps) {
      return track(event.kind === 'message' ? onMessage(event, steps) : onClick(event, steps));
    },
    async replay(request) {
      const ctx = createContext(services.messenger, request, { parentId: request.roomType === 'group' ? request.messageId : undefined });
      const work = runCommand(services, ctx, parseCommand(request.text), request.messageId).then(
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
