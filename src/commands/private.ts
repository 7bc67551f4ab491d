import type { Context } from '../replies/context';
import type { Outgoing } from '../replies/messenger';

/**
 * Answers about the person themselves (their recordings, account, time zone, sign-in) are theirs
 * alone: in a group space they go by direct message, with a one-line note in the thread that
 * carries nothing personal. In a 1:1 space they are a plain reply.
 */
export async function replyPrivately(ctx: Context, message: Outgoing, note: string = PRIVATE_ANSWER_NOTE): Promise<void> {
  if (ctx.roomType !== 'group') {
    await ctx.reply(message);
    return;
  }
  await ctx.direct(message);
  await ctx.reply({ markdown: note });
}

export const PRIVATE_ANSWER_NOTE = "That's about you, so I've answered in a direct message.";
