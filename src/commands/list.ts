import { buildRecordingListCard } from '../cards';
import { describeRecordingError } from '../bot/errors';
import { resolveZone } from '../bot/zone';
import { NotConnectedError } from '../auth/tokens';
import { listRecordings } from '../webex/recordings';
import { replyPrivately } from './private';
import { askToConnect } from './recording';
import type { Handler } from './handler';

/** The API's default window when no `from` is given. */
export const DEFAULT_WINDOW_DAYS = 7;

export const LIST_SENT_NOTE = "Your recordings are yours to see: I've sent the list to you in a direct message.";

/** `recordings [N] [Nd]`: the person's most recent recordings, one list card. */
export const recordings: Handler<{ name: 'recordings'; count: number; days: number | null; problem?: string }> = async (
  services,
  ctx,
  command,
  meta,
) => {
  if (command.problem) {
    await ctx.reply({ markdown: command.problem });
    return 'invalid';
  }
  const days = command.days ?? DEFAULT_WINDOW_DAYS;
  const now = services.now();
  const from = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  try {
    const token = await services.tokens.accessToken(ctx.personId);
    const { zone, source } = await resolveZone(
      services,
      ctx.personId,
      token,
    );
    let items;
    try {
      const page = await services.tokens.withToken(ctx.personId, (t) =>
        listRecordings(services.client, t, { max: command.count, from: from.toISOString(), to: now.toISOString(), timeZone: zone }),
      );
      items = page.items.slice(0, command.count);
    } catch (err) {
      if (err instanceof NotConnectedError) throw err;
      await ctx.reply({ markdown: describeRecordingError(err, 'list').replace('Recording `list`: ', 'Listing your recordings: ') });
      return 'webex-error';
    }
    services.logger.info({ audit: 'recording-list', personId: ctx.personId, roomId: ctx.roomId, count: items.length, days }, 'recording list');
    const windowDescription = days === 1 ? 'the last 24 hours' : `the last ${days} days`;
    if (items.length === 0) {
      await replyPrivately(ctx, {
        markdown: `You have no recordings in ${windowDescription}. ${days < 30 ? 'Try a wider window, e.g. `recordings 30d`.' : ''}`.trim(),
      }, LIST_SENT_NOTE);
      return 'empty';
    }
    const { card, fallback } = buildRecordingListCard({
      items,
      timeZone: zone,
      zoneSource: source,
      now,
      windowDescription,
      // The list is the person's own: from a group space it goes by direct message.
      audience: 'direct',
    });
    await replyPrivately(ctx, { markdown: fallback, card }, LIST_SENT_NOTE);
    return 'ok';
  } catch (err) {
    if (!(err instanceof NotConnectedError)) throw err;
    return askToConnect(services, ctx, err, { messageId: meta.messageId, text: `recordings ${command.count}${command.days ? ` ${command.days}d` : ''}` });
  }
};
