/** The shape every command handler has; handlers import it from here, never from the registry that lists them. */
import type { HelpRow } from '../cards';
import type { Context } from '../replies/context';
import type { Services } from '../services';
import type { HandlerOutcome } from '../outcomes';
import type { Command } from './parse';

/** What a handler knows besides the command: the message that carried it. */
export interface CommandMeta {
  readonly messageId: string;
  /** The help card's rows (the registry's), for the handlers that show them. */
  readonly help: readonly HelpRow[];
}

/** A command handler answers through the context and returns its outcome (counted in metrics). */
export type Handler<C extends Command> = (services: Services, ctx: Context, command: C, meta: CommandMeta) => Promise<HandlerOutcome>;
