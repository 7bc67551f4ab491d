import { buildHelpCard, buildHintCard } from '../cards';
import type { Handler } from './handler';

export const help: Handler<{ name: 'help' }> = async (services, ctx, _command, meta) => {
  const { card, fallback } = buildHelpCard({ botName: services.botName(), commands: meta.help });
  await ctx.reply({ markdown: fallback, card });
  return 'ok';
};

export const NOT_UNDERSTOOD = "Sorry, I didn't understand that. Here is what I can do:";

/** The one line for text the bot did not understand; the card adds a Help button. */
export const HINT_DIRECT = "Sorry, I didn't understand that. Send **help** or click Help to see what I can do.";
export const HINT_GROUP = "Sorry, I didn't understand that. Mention me with **help** or click Help to see what I can do.";

/** Unrecognised text: one line and a Help button, in a 1:1 space and in a group space alike. */
export const unknown: Handler<{ name: 'unknown'; text: string }> = async (_services, ctx) => {
  const { card, fallback } = buildHintCard(ctx.roomType === 'group' ? HINT_GROUP : HINT_DIRECT);
  await ctx.reply({ markdown: fallback, card });
  return 'unknown';
};
