import type { Context } from '../bot/context';
import type { Services } from '../bot/services';
import { connect, disconnect, timezone, whoami } from './account';
import { help, unknown } from './help';
import { recording } from './recording';
import { recordings } from './list';
import type { Command } from './parse';

/** What a handler knows besides the command: the message that carried it. */
export interface CommandMeta {
  readonly messageId: string;
}

/** A command handler answers through the context and returns its outcome (for metrics). */
export type Handler<C extends Command> = (services: Services, ctx: Context, command: C, meta: CommandMeta) => Promise<string>;

/** The command table: one handler per command name (README, "Commands"). */
export const COMMANDS: { [K in Command['name']]: Handler<Extract<Command, { name: K }>> } = {
  recording,
  recordings,
  connect,
  disconnect,
  timezone,
  whoami,
  help,
  unknown,
};
