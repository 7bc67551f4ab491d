/** The help card: the commands of the README's "Commands" table, with what each does. */
import { finishCard, fixedText, oneLine, richText, run, truncate } from './elements';
import type { BuiltCard, CardElement, ColumnSet } from './schema';

interface CommandHelp {
  /** What to type; shown in a monospace TextRun, so `<id>` stays literal. */
  usage: string[];
  does: string;
}

export const COMMANDS: CommandHelp[] = [
  { usage: ['recording <id> [<id> …]', 'rec <id>'], does: 'A details card for each recording, up to 5 IDs per message.' },
  { usage: ['<id>', '<Webex recording URL>'], does: 'A message that is only a recording ID, or a Webex recording URL, works like the recording command.' },
  { usage: ['recordings [N]', 'recordings [N] 30d'], does: 'Your N most recent recordings (10 unless you say, at most 50) of the last 7 days, or of the days you say, with a Details button.' },
  { usage: ['recordings deleted', 'recordings topic:<words>'], does: 'Your recordings in the recycle bin, or those whose topic has these words; works with N and Nd too.' },
  { usage: ['recordings owner:<email> [N] [Nd]'], does: 'Admins and compliance officers: that person\'s recordings from the whole organisation, at most 30 days back.' },
  { usage: ['notify on', 'notify off', 'notify'], does: 'Get each new recording of yours by direct message as soon as Webex has it; stop; or see what is on.' },
  { usage: ['notify here', 'notify off here'], does: 'In a group space: announce your new recordings there too, without links (they go by direct message to whoever asks); or stop.' },
  { usage: ['connect'], does: 'Sign in with Webex, so that I can fetch recordings with your own access.' },
  { usage: ['disconnect'], does: 'Forget your Webex sign-in.' },
  { usage: ['timezone', 'timezone <IANA name>', 'timezone auto'], does: 'Show your time zone, set it (e.g. "timezone Europe/Paris"), or go back to your Webex profile\'s zone.' },
  { usage: ['whoami', 'status'], does: 'Your linked Webex account, its recording access, and your time zone.' },
  { usage: ['help'], does: 'This list.' },
];

export interface HelpCardInput {
  /** The bot's display name, for the group-space example ("@RecBot recording <id>"). */
  botName?: string;
  /** A sentence shown first, e.g. "Sorry, I didn't understand that." for unrecognised text. */
  lead?: string;
}

export function buildHelpCard(input: HelpCardInput = {}): BuiltCard {
  const mention = `@${truncate(oneLine(input.botName ?? '').replace(/`/g, '') || 'bot name', 60)}`;
  const lead = input.lead ? truncate(oneLine(input.lead), 200) : '';
  const body: CardElement[] = [
    ...(lead ? [fixedText(lead, { weight: 'Bolder' })] : []),
    fixedText('Webex Recording Bot', { size: 'Medium', weight: 'Bolder' }),
    fixedText(
      'I show a Webex Calling recording as a card: topic, times in your time zone, duration, size and download links, fetched with your own Webex access.',
      { spacing: 'Small' },
    ),
    ...COMMANDS.map(commandRow),
    richText(
      [run('In a group space, mention me first: ', { isSubtle: true }), run(`${mention} recording <id>`, { fontType: 'Monospace', isSubtle: true })],
      'Medium',
    ),
  ];
  const fallback = helpFallback(mention);
  return finishCard(body, [], lead ? `${lead}\n\n${fallback}` : fallback);
}

function commandRow(command: CommandHelp): ColumnSet {
  return {
    type: 'ColumnSet',
    spacing: 'Medium',
    columns: [
      { type: 'Column', width: 40, items: command.usage.map((usage) => richText([run(usage, { fontType: 'Monospace', weight: 'Bolder' })], 'None')) },
      { type: 'Column', width: 60, items: [richText([run(command.does)])] },
    ],
  };
}

function helpFallback(mention: string): string {
  const lines = ['**Webex Recording Bot** — commands:'];
  for (const command of COMMANDS) {
    const usage = command.usage.map((u) => `\`${u}\``).join(' or ');
    // The descriptions are the bot's own wording, written without markdown characters.
    lines.push(`- ${usage}: ${command.does}`);
  }
  lines.push(`In a group space, mention me first: \`${mention} recording <id>\``);
  return lines.join('\n');
}
