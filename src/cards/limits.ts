/**
 * Limits every card is held to, checked by each builder before it returns.
 *
 * - Actions: Webex shows at most 5 actions (buttons) per card. Counted strictly: top-level
 *   actions, actions in ActionSets, and actions inside Action.ShowCard cards all add up.
 * - Size: the card JSON stays below 28 KB. Webex does not publish a card-size figure; 28 KB is the
 *   limit other Adaptive Card hosts (Bot Framework, Teams) enforce on the whole message, so staying
 *   under it keeps the card portable and far from any Webex request limit. Counted in UTF-8 bytes
 *   of the compact JSON, with 28 KB read as 28 000 bytes (the stricter reading).
 * - Fallback: the `markdown` field of a Webex message holds at most 7,439 bytes.
 */
import type { AdaptiveCard, CardActionElement, CardElement } from './schema';

export const MAX_ACTIONS = 5;
export const MAX_CARD_BYTES = 28_000;
export const MAX_FALLBACK_BYTES = 7_439;

/** Every action in the card, nested ones included (ShowCard contents, ActionSets). */
export function countActions(card: AdaptiveCard): number {
  return (card.actions ?? []).reduce((sum, action) => sum + actionWeight(action), 0) + countInElements(card.body);
}

function actionWeight(action: CardActionElement): number {
  return action.type === 'Action.ShowCard' ? 1 + countActions(action.card) : 1;
}

function countInElements(elements: CardElement[]): number {
  let total = 0;
  for (const element of elements) {
    switch (element.type) {
      case 'ActionSet':
        total += element.actions.reduce((sum, action) => sum + actionWeight(action), 0);
        break;
      case 'Container':
        total += countInElements(element.items);
        break;
      case 'ColumnSet':
        for (const column of element.columns) total += countInElements(column.items);
        break;
      default:
        break;
    }
  }
  return total;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function cardByteSize(card: AdaptiveCard): number {
  return byteLength(JSON.stringify(card));
}

/**
 * Throws when a built card breaks a limit: a programming error in a builder, caught by the tests,
 * never something a user's data can cause (builders shorten data to fit first).
 */
export function assertWithinLimits(card: AdaptiveCard, fallback: string): void {
  const actions = countActions(card);
  if (actions > MAX_ACTIONS) throw new Error(`card has ${actions} actions; at most ${MAX_ACTIONS} are allowed`);
  const size = cardByteSize(card);
  if (size >= MAX_CARD_BYTES) throw new Error(`card is ${size} bytes; it must stay below ${MAX_CARD_BYTES}`);
  const fallbackSize = byteLength(fallback);
  if (fallbackSize > MAX_FALLBACK_BYTES) {
    throw new Error(`fallback is ${fallbackSize} bytes; at most ${MAX_FALLBACK_BYTES} are allowed`);
  }
}
