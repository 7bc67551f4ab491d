/**
 * Small constructors for card elements. The rule they encode: anything that came from the API
 * or from a person (topic, emails, ids, region, zone names) goes into a `TextRun`, which hosts
 * never run markdown on; `TextBlock` is kept for the bot's own fixed wording.
 */
import { assertWithinLimits } from './limits';
import {
  CARD_SCHEMA,
  CARD_VERSION,
  type AdaptiveCard,
  type BuiltCard,
  type CardActionElement,
  type CardElement,
  type ColumnSet,
  type RichTextBlock,
  type Spacing,
  type TextBlock,
  type TextRun,
} from './schema';

export function run(text: string, style: Omit<TextRun, 'type' | 'text'> = {}): TextRun {
  return { type: 'TextRun', text, ...style };
}

export function richText(inlines: TextRun[], spacing?: Spacing): RichTextBlock {
  return spacing ? { type: 'RichTextBlock', inlines, spacing } : { type: 'RichTextBlock', inlines };
}

/** The bot's own fixed wording only (hosts may run markdown on it). */
export function fixedText(text: string, style: Omit<TextBlock, 'type' | 'text' | 'wrap'> = {}): TextBlock {
  return { type: 'TextBlock', text, wrap: true, ...style };
}

/** A subtle, small line of data, e.g. "Times in Asia/Singapore (your Webex profile)". */
export function noteLine(text: string, spacing?: Spacing): RichTextBlock {
  return richText([run(text, { isSubtle: true, size: 'Small' })], spacing);
}

/**
 * One "label: value" row laid out like a FactSet, but with the value in a TextRun (a FactSet's
 * values are markdown to the host).
 */
export function factRow(label: string, value: TextRun[] | string): ColumnSet {
  const inlines = typeof value === 'string' ? [run(value)] : value;
  return {
    type: 'ColumnSet',
    spacing: 'Small',
    columns: [
      { type: 'Column', width: 30, items: [richText([run(label, { weight: 'Bolder' })])] },
      { type: 'Column', width: 70, items: [richText(inlines)] },
    ],
  };
}

/** Wraps body and actions into a 1.3 card, checks the limits, and pairs it with its fallback. */
export function finishCard(body: CardElement[], actions: CardActionElement[], fallback: string): BuiltCard {
  const card: AdaptiveCard = { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: CARD_VERSION, body };
  if (actions.length > 0) card.actions = actions;
  assertWithinLimits(card, fallback);
  return { card, fallback };
}

/** Cuts text to at most `max` characters (code points, so no emoji is split), marking the cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/**
 * Collapses line breaks and runs of whitespace: API values are shown as one line. Anything but a
 * string (missing, null, a number, an object, a list: Webex sent it wrong) gives '', so a card
 * never shows `undefined`, `null` or `[object Object]`.
 */
export function oneLine(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The shown form of a missing or malformed value. */
export const UNKNOWN = 'unknown';

/** A number Webex sent as one (finite), else NaN, which the formatters show as unknown. */
export function numberOrNaN(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
}

/** An object Webex sent as one (not null, not a list), else undefined. */
export function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
