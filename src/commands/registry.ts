/**
 * The command registry: every command of the README's "Commands" table once, with the words
 * that name it, how its arguments are read, its rows on the help card and its handler. The
 * parser, the dispatcher and the help card all read it; handlers never import it (the help
 * handler is handed the rows).
 */
import type { HelpRow } from '../cards';
import { connect, disconnect, timezone, whoami } from './account';
import type { Handler } from './handler';
import { help, unknown } from './help';
import { recordings } from './list';
import { notify } from './notify';
import { bareRecording, parseIds, parseNotifyArgs, parseRecordingsArgs, type Command } from './parse';
import { recording } from './recording';

type Named<N extends Command['name']> = Extract<Command, { name: N }>;

export interface CommandEntry<N extends Command['name']> {
  readonly name: N;
  /** Other words for the command (the name itself always works). */
  readonly aliases: readonly string[];
  /** Its rows on the help card, in order. */
  readonly help: readonly HelpRow[];
  /** The command from the words after its name. */
  parse(args: string[]): Named<N>;
  readonly handler: Handler<Named<N>>;
}

type Registry = { readonly [N in Exclude<Command['name'], 'unknown'>]: CommandEntry<N> };

/** In the order of the help card. */
export const COMMANDS: Registry = {
  recording: {
    name: 'recording',
    aliases: ['rec'],
    help: [
      { usage: ['recording <id> [<id> …]', 'rec <id>'], summary: 'A details card for each recording, up to 5 IDs per message.' },
      { usage: ['<id>', '<Webex recording URL>'], summary: 'A message that is only a recording ID, or a Webex recording URL, works like the recording command.' },
    ],
    parse: (args) => ({ name: 'recording', ...parseIds(args) }),
    handler: recording,
  },
  recordings: {
    name: 'recordings',
    aliases: [],
    help: [
      { usage: ['recordings [N]', 'recordings [N] 30d'], summary: 'Your N most recent recordings (10 unless you say, at most 50) of the last 7 days, or of the days you say, with a Details button.' },
      { usage: ['recordings deleted', 'recordings topic:<words>'], summary: 'Your recordings in the recycle bin, or those whose topic has these words; works with N and Nd too.' },
      { usage: ['recordings owner:<email> [N] [Nd]'], summary: 'Admins and compliance officers: that person\'s recordings from the whole organisation, at most 30 days back.' },
    ],
    parse: parseRecordingsArgs,
    handler: recordings,
  },
  notify: {
    name: 'notify',
    aliases: ['notifications'],
    help: [
      { usage: ['notify on', 'notify off', 'notify'], summary: 'Get each new recording of yours by direct message as soon as Webex has it; stop; or see what is on.' },
      { usage: ['notify here', 'notify off here'], summary: 'In a group space: announce your new recordings there too, without links (they go by direct message to whoever asks); or stop.' },
    ],
    parse: parseNotifyArgs,
    handler: notify,
  },
  connect: {
    name: 'connect',
    aliases: ['login', 'signin'],
    help: [{ usage: ['connect'], summary: 'Sign in with Webex, so that I can fetch recordings with your own access.' }],
    parse: () => ({ name: 'connect' }),
    handler: connect,
  },
  disconnect: {
    name: 'disconnect',
    aliases: ['logout', 'signout'],
    help: [{ usage: ['disconnect'], summary: 'Forget your Webex sign-in.' }],
    parse: () => ({ name: 'disconnect' }),
    handler: disconnect,
  },
  timezone: {
    name: 'timezone',
    aliases: ['tz'],
    help: [{ usage: ['timezone', 'timezone <IANA name>', 'timezone auto'], summary: 'Show your time zone, set it (e.g. "timezone Europe/Paris"), or go back to your Webex profile\'s zone.' }],
    parse: (args) => ({ name: 'timezone', argument: args.length ? args.join(' ') : null }),
    handler: timezone,
  },
  whoami: {
    name: 'whoami',
    aliases: ['status'],
    help: [{ usage: ['whoami', 'status'], summary: 'Your linked Webex account, its recording access, and your time zone.' }],
    parse: () => ({ name: 'whoami' }),
    handler: whoami,
  },
  help: {
    name: 'help',
    aliases: ['?'],
    help: [{ usage: ['help'], summary: 'This list.' }],
    parse: () => ({ name: 'help' }),
    handler: help,
  },
};

type AnyEntry = Registry[keyof Registry];

const ENTRIES: readonly AnyEntry[] = Object.values(COMMANDS);

/** Every word that names a command (lower case) → its entry. */
const BY_WORD: ReadonlyMap<string, AnyEntry> = new Map(ENTRIES.flatMap((entry) => [entry.name, ...entry.aliases].map((word) => [word, entry] as const)));

/** The help card's rows, from the registry. */
export const HELP_ROWS: readonly HelpRow[] = ENTRIES.flatMap((entry) => entry.help);

/** Text → command. Pure: no I/O. The bot's mention is already stripped. */
export function parseCommand(input: string): Command {
  const text = input.trim().replace(/^\/+/, '').trim();
  const words = text.split(/\s+/).filter(Boolean);
  const head = (words[0] ?? '').toLowerCase();
  if (head === '') return { name: 'unknown', text };
  const entry = BY_WORD.get(head);
  if (entry) return entry.parse(words.slice(1));
  return bareRecording(words) ?? { name: 'unknown', text };
}

/** The handler of a parsed command; unrecognised text gets the `unknown` one. */
export function handlerFor<C extends Command>(command: C): Handler<C> {
  const handler = command.name === 'unknown' ? unknown : COMMANDS[command.name].handler;
  return handler as unknown as Handler<C>;
}
