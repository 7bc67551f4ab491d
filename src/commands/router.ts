import { connect, disconnect, timezone, whoami } from './account';
import { help, unknown } from './help';
import { recording } from './recording';
import { recordings } from './list';
import type { Handler } from './handler';
import { notify } from './notify';
import type { Command } from './parse';

/** The command table: one handler per command name (README, "Commands"). */
export const COMMANDS: { [K in Command['name']]: Handler<Extract<Command, { name: K }>> } = {
  recording,
  recordings,
  connect,
  disconnect,
  timezone,
  whoami,
  notify,
  help,
  unknown,
};
