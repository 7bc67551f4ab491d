/** Limits Webex enforces on messages, and the card problems Webex clients would show badly. */

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** text / markdown limit of POST /messages. */
export const MAX_TEXT_BYTES = 7439;
/** Largest card (JSON of the attachment content) Webex accepts. */
export const MAX_CARD_BYTES = 28 * 1024;
/** Highest Adaptive Card schema Webex renders. */
export const MAX_CARD_VERSION: readonly [number, number] = [1, 3];
export const MAX_CARD_ACTIONS = 5;

function parseVersion(version: unknown): [number, number] | undefined {
  if (typeof version !== 'string' && typeof version !== 'number') return undefined;
  const match = /^(\d+)\.(\d+)/.exec(String(version));
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Warnings recorded on a stored message whose card Webex would accept but not show as intended. */
export function cardWarnings(content: unknown, hasFallbackText: boolean): string[] {
  const warnings: string[] = [];
  if (!hasFallbackText) warnings.push('message with a card has no text or markdown fallback');
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    warnings.push('card content is not a JSON object');
    return warnings;
  }
  const card = content as Record<string, unknown>;
  if (card.type !== 'AdaptiveCard') warnings.push(`card type is ${JSON.stringify(card.type)}, expected "AdaptiveCard"`);
  const version = parseVersion(card.version);
  if (!version) {
    warnings.push('card has no valid version');
  } else if (version[0] > MAX_CARD_VERSION[0] || (version[0] === MAX_CARD_VERSION[0] && version[1] > MAX_CARD_VERSION[1])) {
    warnings.push(`card version ${String(card.version)} is above ${MAX_CARD_VERSION.join('.')}, the highest Webex renders`);
  }
  const actions = Array.isArray(card.actions) ? card.actions.length : 0;
  if (actions > MAX_CARD_ACTIONS) warnings.push(`card has ${actions} actions; Webex shows at most ${MAX_CARD_ACTIONS}`);
  return warnings;
}
