/**
 * The list card of `recordings [N]`: one row per recording (topic, local recorded time, duration,
 * status), newest first, and a way to open each row's details card within the 5-action limit:
 * - up to 5 rows: each row has its own "Details" button (`{action:'details', recordingId}`);
 * - more rows: one recording chooser (`Input.ChoiceSet`, id `recordingId`) and one "Details"
 *   button whose data is `{action:'details'}`; Webex merges the chosen value into the click's
 *   inputs, which `parseCardAction` reads as `{action:'details', recordingId}`.
 * Long lists are kept under the size budget by shortening topics first, then dropping the oldest
 * rows (saying so), so 50 rows with long topics still fit.
 */
import type { RecordingListItem } from '../webex/types';
import { escapeMarkdown, formatDuration, formatLocalTime } from '../format';
import { actionData, isValidRecordingId, RECORDING_CHOICE_INPUT_ID } from './actions';
import { finishCard, fixedText, noteLine, numberOrNaN, objectOrUndefined, oneLine, richText, run, truncate } from './elements';
import { statusWords, zoneLine, zoneLineMarkdown, type ZoneSource } from './labels';
import { byteLength, cardByteSize, MAX_ACTIONS } from './limits';
import type { Audience } from './recordingView';
import { CARD_SCHEMA, CARD_VERSION, type AdaptiveCard, type BuiltCard, type CardActionElement, type CardElement } from './schema';

export interface RecordingListCardInput {
  items: RecordingListItem[];
  timeZone: string;
  zoneSource: ZoneSource;
  /** Accepted for symmetry with the details card; rows show absolute times. */
  now: Date;
  /** The bot's own words for the listed window, e.g. "Your 10 most recent, last 7 days". */
  windowDescription: string;
  /** Rows carry no links, so every audience gets the same card. */
  audience: Audience;
  /** `org`: a search of the organisation's list (admins, compliance officers), titled so. */
  scope?: 'own' | 'org';
}

const TITLES = { own: 'Your recordings', org: 'Recordings in your organisation' } as const;

/** At most this many rows (the `recordings` command's maximum). */
export const MAX_LIST_ROWS = 50;
/** Card JSON budget for the list: 3 000 bytes of room below the 28 000-byte limit. */
const LIST_CARD_BUDGET = 25_000;
/** Fallback budget, leaving room below Webex's 7,439-byte markdown limit. */
const LIST_FALLBACK_BUDGET = 7_000;
/** Topic lengths tried in turn until the card fits its budget. */
const TOPIC_LIMITS = [120, 80, 60, 40, 25, 15];
/**
 * Topic lengths tried for the recording picker's choices (numbered like the rows), longest first:
 * about what a dropdown shows on one line, down to enough to tell them apart. The rows' topics
 * come first: choices are shortened before rows are.
 */
const CHOICE_TOPIC_LIMITS = [60, 40, 24];

interface Row {
  id: string;
  selectable: boolean;
  topic: string;
  recorded: string;
  duration: string;
  status: ReturnType<typeof statusWords>;
}

export function buildRecordingListCard(input: RecordingListCardInput): BuiltCard {
  // The zone comes resolved (and known to Intl) from the one zone resolver, src/timezones/zone.ts.
  const { timeZone, zoneSource } = input;
  const rows = toRows(input.items, timeZone);
  const window = truncate(oneLine(input.windowDescription), 200);
  const title = TITLES[input.scope ?? 'own'];
  const card = fitCard(rows, window, zoneLine(timeZone, zoneSource), input.items.length, title);
  const fallback = fitFallback(rows, window, zoneLineMarkdown(timeZone, zoneSource), input.items.length, title);
  return finishCard(card.body, card.actions ?? [], fallback);
}

function toRows(items: RecordingListItem[], timeZone: string): Row[] {
  // Webex's items are read as data: one that is not an object has no fields, a field of the
  // wrong type is missing (the row shows it as unknown).
  return items
    .map((raw, index) => {
      const item = (objectOrUndefined(raw) ?? {}) as Partial<Record<keyof RecordingListItem, unknown>>;
      const timeRecorded = typeof item.timeRecorded === 'string' ? item.timeRecorded : '';
      return { item, timeRecorded, index, time: Date.parse(timeRecorded) };
    })
    .sort((a, b) => (Number.isNaN(b.time) ? -Infinity : b.time) - (Number.isNaN(a.time) ? -Infinity : a.time) || a.index - b.index)
    .slice(0, MAX_LIST_ROWS)
    .map(({ item, timeRecorded }) => ({
      id: oneLine(item.id),
      selectable: isValidRecordingId(item.id),
      topic: oneLine(item.topic),
      recorded: formatLocalTime(timeRecorded, timeZone),
      duration: formatDuration(numberOrNaN(item.durationSeconds)),
      status: statusWords(oneLine(item.status)),
    }));
}

function fitCard(rows: Row[], window: string, zone: string, total: number, title: string): AdaptiveCard {
  let shown = rows;
  for (;;) {
    for (const limit of TOPIC_LIMITS) {
      for (const choiceLimit of CHOICE_TOPIC_LIMITS) {
        const card = listCard(shown, window, zone, limit, Math.min(limit, choiceLimit), total, title);
        if (cardByteSize(card) <= LIST_CARD_BUDGET) return card;
      }
    }
    shown = shown.slice(0, Math.max(0, shown.length - 5));
  }
}

function listCard(rows: Row[], window: string, zone: string, topicLimit: number, choiceLimit: number, total: number, title: string): AdaptiveCard {
  const body: CardElement[] = [fixedText(title, { size: 'Medium', weight: 'Bolder' })];
  if (window) body.push(richText([run(window, { isSubtle: true })], 'None'));
  if (rows.length === 0) {
    body.push(fixedText('No recordings found.', { spacing: 'Medium' }), noteLine(zone, 'Small'));
    return { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: CARD_VERSION, body };
  }
  body.push(richText([run(countLine(rows.length, total), { isSubtle: true, size: 'Small' })], 'Small'), noteLine(zone, 'None'));
  const selectable = rows.filter((row) => row.selectable);
  const perRowButtons = selectable.length <= MAX_ACTIONS;
  rows.forEach((row, index) => body.push(...rowElements(row, index, topicLimit, perRowButtons)));
  const actions: CardActionElement[] = [];
  if (!perRowButtons) {
    body.push({
      type: 'Input.ChoiceSet',
      id: RECORDING_CHOICE_INPUT_ID,
      style: 'compact',
      label: 'Recording',
      value: selectable[0].id,
      spacing: 'Medium',
      choices: selectable.map((row) => ({
        title: `${rows.indexOf(row) + 1}. ${truncate(row.topic || '(no topic)', choiceLimit)}`,
        value: row.id,
      })),
    });
    actions.push({ type: 'Action.Submit', title: 'Details', data: { action: 'details' } });
  }
  const card: AdaptiveCard = { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: CARD_VERSION, body };
  if (actions.length > 0) card.actions = actions;
  return card;
}

/**
 * A row: the numbered topic on one line, time, duration and status below it; kept lean (two
 * RichTextBlocks, no wrapper) because 50 of them must fit the budget.
 */
function rowElements(row: Row, index: number, topicLimit: number, perRowButton: boolean): CardElement[] {
  const topic = row.topic ? truncate(row.topic, topicLimit) : '(no topic)';
  const titleRun = run(`${index + 1}. ${topic}`, { weight: 'Bolder' });
  const meta = `${row.recorded} · ${row.duration} · `;
  const details = richText(
    row.status.color === 'Good'
      ? [run(meta + row.status.phrase, { isSubtle: true })]
      : [run(meta, { isSubtle: true }), run(row.status.phrase, { color: row.status.color })],
    'None',
  );
  if (!perRowButton || !row.selectable) return [richText([titleRun], 'Small'), details];
  return [
    {
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        { type: 'Column', width: 'stretch', items: [richText([titleRun]), details] },
        {
          type: 'Column',
          width: 'auto',
          verticalContentAlignment: 'Center',
          items: [{ type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Details', data: actionData({ action: 'details', recordingId: row.id }) }] }],
        },
      ],
    },
  ];
}

function countLine(shown: number, total: number): string {
  const noun = shown === 1 ? 'recording' : 'recordings';
  return shown < total ? `${shown} of ${total} ${noun} shown, newest first` : `${shown} ${noun}, newest first`;
}

function fitFallback(rows: Row[], window: string, zone: string, total: number, title: string): string {
  let shown = rows;
  for (;;) {
    for (const limit of [120, 60, 30]) {
      const text = listFallback(shown, window, zone, limit, total, title);
      if (byteLength(text) <= LIST_FALLBACK_BUDGET) return text;
    }
    shown = shown.slice(0, Math.max(0, shown.length - 5));
  }
}

/** `zone` is already markdown (see `zoneLineMarkdown`). */
function listFallback(rows: Row[], window: string, zone: string, topicLimit: number, total: number, title: string): string {
  const md = escapeMarkdown;
  const lines = [`**${title}**${window ? ` · ${md(window)}` : ''}`];
  if (rows.length === 0) {
    lines.push('No recordings found.');
    return lines.join('\n');
  }
  lines.push(`${countLine(rows.length, total)}. ${zone}.`, '');
  rows.forEach((row, index) => {
    const topic = row.topic ? md(truncate(row.topic, topicLimit)) : '_(no topic)_';
    const id = row.selectable ? ` · \`${row.id}\`` : '';
    lines.push(`${index + 1}. ${topic} — ${row.recorded} · ${row.duration} · ${md(row.status.phrase)}${id}`);
  });
  lines.push('', 'For details, pick a recording on the card, or send "recording" followed by its ID.');
  return lines.join('\n');
}
