/** The help card: the rows it is given (the command registry's), with what each command does. */
import { actionData } from './actions';
import { finishCard, fixedText, oneLine, richText, run, truncate } from './elements';
import type { BuiltCard, CardElement, ColumnSet } from './schema';

/** One row of the card: a command's forms and what it does (the command registry's rows). */
export interface HelpRow {
  /** What to type; shown in a monospace TextRun, so `<id>` stays literal. */
  readonly usage: readonly string[];
  /** What it does, in the bot's own words, without markdown characters. */
  readonly summary: string;
}

export interface HelpCardInput {
  /** The commands, in the order shown. */
  commands: readonly HelpRow[];
  /** The bot's display name, for the group-space example ("@RecBot recording <id>"). */
  botName?: string;
  /** A sentence shown first, e.g. "Sorry, I didn't understand that." for unrecognised text. */
  lead?: string;
}

/**
 * The answer to text the bot did not understand: one line and a Help button (`{action:'help'}`),
 * not the whole help card every time.
 */
export function buildHintCard(sentence: string): BuiltCard {
  const line = truncate(oneLine(sentence), 200);
  return finishCard([fixedText(line.replace(/\*\*/g, ''))], [{ type: 'Action.Submit', title: 'Help', data: actionData({ action: 'help' }) }], line);
}

export function buildHelpCard(input: HelpCardInput): BuiltCard {
  const mention = `@${truncate(oneLine(input.botName ?? '').replace(/`/g, '') || 'bot name', 60)}`;
  const lead = input.lead ? truncate(oneLine(input.lead), 200) : '';
  const body: CardElement[] = [
    ...(lead ? [fixedText(lead, { weight: 'Bolder' })] : []),
    fixedText('Webex Recording Bot', { size: 'Medium', weight: 'Bolder' }),
    fixedText(
      'I show a Webex Calling recording as a card: topic, times in your time zone, duration, size and download links, fetched with your own Webex access.',
      { spacing: 'Small' },
    ),
    ...input.commands.map(commandRow),
    richText(
      [run('In a group space, mention me first: ', { isSubtle: true }), run(`${mention} recording <id>`, { fontType: 'Monospace', isSubtle: true })],
      'Medium',
    ),
  ];
  const fallback = helpFallback(input.commands, mention);
  return finishCard(body, [], lead ? `${lead}\n\n${fallback}` : fallback);
}

function commandRow(command: HelpRow): ColumnSet {
  return {
    type: 'ColumnSet',
    spacing: 'Medium',
    columns: [
      { type: 'Column', width: 40, items: command.usage.map((usage) => richText([run(usage, { fontType: 'Monospace', weight: 'Bolder' })], 'None')) },
      { type: 'Column', width: 60, items: [richText([run(command.summary)])] },
    ],
  };
}

function helpFallback(commands: readonly HelpRow[], mention: string): string {
  const lines = ['**Webex Recording Bot** — commands:'];
  for (const command of commands) {
    const usage = command.usage.map((u) => `\`${u}\``).join(' or ');
    // The descriptions are the bot's own wording, written without markdown characters.
    lines.push(`- ${usage}: ${command.summary}`);
  }
  lines.push(`In a group space, mention me first: \`${mention} recording <id>\``);
  return lines.join('\n');
}
