import type { Context } from '../replies/context';
import type { Services } from '../services';
import { NotConnectedError } from '../auth/tokens';
import { WebexApiError } from '../webex/errors';
import { sendConnectCard } from './sign-in-prompt';
import { describeNotifications } from './notify-state';
import { replyPrivately } from './private';
import type { HandlerOutcome } from '../outcomes';
import type { NotifyAction } from './parse';
import type { Handler } from './handler';

async function answerState(services: Services, ctx: Context): Promise<HandlerOutcome> {
  // What the person has switched on is theirs: from a group space it goes by direct message.
  await replyPrivately(ctx, { markdown: describeNotifications(await services.store.getSubscription(ctx.personId), ctx) });
  return 'ok';
}

const ON_TEXT =
  'Done: I will send you each new recording of yours by direct message as soon as Webex has it, with its download links. `notify off` stops it.';
const HERE_TEXT =
  'Done: your new recordings will be announced in this space too, without download links; whoever clicks "Send me the download links" gets them by direct message, with their own access. `notify off here` stops it.';

async function change(services: Services, ctx: Context, action: NotifyAction): Promise<HandlerOutcome> {
  const notifications = services.notifications;
  if (!notifications) {
    await ctx.reply({ markdown: 'New-recording notifications are not available on this bot.' });
    return 'unavailable';
  }
  if ((action === 'here' || action === 'off-here') && ctx.roomType !== 'group') {
    await ctx.reply({ markdown: '`notify here` is for group spaces: say it there (mentioning me) to have your new recordings announced in that space. Here, `notify on` sends them to you.' });
    return 'invalid';
  }
  switch (action) {
    case 'on':
      await notifications.enable(ctx.personId, { direct: true });
      await ctx.reply({ markdown: ON_TEXT });
      return 'ok';
    case 'here':
      await notifications.enable(ctx.personId, { roomId: ctx.roomId });
      await ctx.reply({ markdown: HERE_TEXT });
      return 'ok';
    case 'off': {
      const had = await services.store.getSubscription(ctx.personId);
      await notifications.disable(ctx.personId, {});
      await ctx.reply({ markdown: had ? 'Done: no more new-recording notifications, here or in any space.' : 'New-recording notifications were already off.' });
      return 'ok';
    }
    case 'off-here': {
      const left = await notifications.disable(ctx.personId, { roomId: ctx.roomId });
      // The space hears that it is no longer told; what stays on elsewhere goes to the person alone.
      await ctx.direct({ markdown: describeNotifications(left, ctx) });
      await ctx.reply({ markdown: 'Done: your new recordings are no longer announced in this space.' });
      return 'ok';
    }
  }
}

/** `notify`, `notify on|off|here`, `notify off here` (see the README's command table). */
export const notify: Handler<{ name: 'notify'; action: NotifyAction | null; problem?: string }> = async (services, ctx, command) => {
  if (command.problem) {
    await ctx.reply({ markdown: command.problem });
    return 'invalid';
  }
  if (command.action === null) return answerState(services, ctx);
  try {
    return await change(services, ctx, command.action);
  } catch (err) {
    if (err instanceof NotConnectedError) {
      await sendConnectCard(services, ctx, 'I watch for your new recordings with your own Webex access. Sign in, then send `notify on` again.');
      return 'not-connected';
    }
    if (err instanceof WebexApiError && err.status === 403) {
      await ctx.reply({ markdown: 'Webex refused to tell me about your new recordings: your sign-in needs the `spark:recordings_read` scope.' });
      return 'refused';
    }
    throw err;
  }
};
