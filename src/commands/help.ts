import { buildHelpCard } from '../cards';
import type { Handler } from './handler';

export const help: Handler<{ name: 'help' }> = async (services, ctx, _command, meta) => {
  const { card, fallback } = buildHelpCard({ botName: services.botName(), commands: meta.help });
  await ctx.reply({ markdown: fallback, card });
  return 'ok';
};

export const NOT_UNDERSTOOD = "Sorry, I didn't understand that. Here is what I can do:";

/** Unrecognised text: the help card in a 1:1 space, a short pointer in a group space. */
export const unknown: Handler<{ name: 'unknown'; text: string }> = async (services, ctx, _command, meta) => {
  if (ctx.roomType === 'group') {
    await ctx.reply({ markdown: "Sorry, I didn't understand that. Mention me with **help** to see what I can do." });
    return 'unknown';
  }
  const { card, fallback } = buildHelpCard({ botName: services.botName(), lead: NOT_UNDERSTOOD, commands: meta.help });
  await ctx.reply({ markdown: fallback, card });
  return 'unknown';
};
