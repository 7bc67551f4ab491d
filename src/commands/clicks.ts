import { buildHelpCard, parseCardAction, type CardAction, type HelpRow, type RecordingAction } from '../cards';
import { oneLine, truncate } from '../cards/elements';
import { escapeMarkdown } from '../format';
import type { Context } from '../replies/context';
import { describeFailure, describeRecordingError, isAccessRefusal } from '../errors/messages';
import type { Services } from '../services';
import { NotConnectedError } from '../auth/tokens';
import type { HandlerOutcome } from '../outcomes';
import type { InboundClick } from '../transport/types';
import { downloadWithToken } from '../webex/recordings';
import type { Recording } from '../webex/types';
import { answerRecording, audienceFor, audit, fetchRecording, lazyViewer, openViewer, recordingCard } from '../recordings/service';
import { sendConnectCard, SIGN_IN_CLICK_REASON } from './sign-in-prompt';

/**
 * Card clicks. A click is always served with the clicker's own token, never the token of the
 * person who asked for the card (README, opening section).
 */
export async function handleClick(services: Services, ctx: Context, click: InboundClick, helpRows: readonly HelpRow[] = []): Promise<HandlerOutcome> {
  const action = parseCardAction(click.inputs);
  if (!action) {
    services.logger.warn({ personId: click.personId }, 'card click with unknown inputs ignored');
    return 'invalid';
  }
  if (action.action === 'help') return showHelp(services, ctx, helpRows);
  try {
    return await CLICKS[action.action](services, ctx, action as never, click);
  } catch (err) {
    if (!(err instanceof NotConnectedError)) throw err;
    await services.store.addPendingRequest({
      personId: ctx.personId,
      roomId: '',
      roomType: 'direct',
      messageId: click.actionId,
      text: `recording ${action.recordingId}`,
      createdAt: services.now(),
    });
    await sendConnectCard(services, { ...ctx, roomType: 'direct', reply: ctx.direct }, SIGN_IN_CLICK_REASON);
    return 'not-connected';
  }
}

/** "Help" on the hint for text the bot did not understand: the help card, where the hint was. */
async function showHelp(services: Services, ctx: Context, rows: readonly HelpRow[]): Promise<HandlerOutcome> {
  const { card, fallback } = buildHelpCard({ botName: services.botName(), commands: rows });
  await ctx.reply({ markdown: fallback, card });
  return 'ok';
}

type ClickHandler<A extends CardAction> = (services: Services, ctx: Context, action: A, click: InboundClick) => Promise<HandlerOutcome>;

/** "Send me the download links" on a group card: the links go to the clicker only, by DM. */
const sendLinks: ClickHandler<Extract<CardAction, { action: 'sendLinks' }>> = async (services, ctx, action) => {
  const result = await fetchRecording(services, await openViewer(services, ctx.personId), action.recordingId);
  if (!result.ok) {
    audit(services, ctx, action.recordingId, 'links-refused');
    const text = isAccessRefusal(result.error)
      ? `You can't access recording \`${action.recordingId}\` with your Webex account, so I can't send you its download links.`
      : describeRecordingError(result.error, action.recordingId);
    await ctx.direct({ markdown: text });
    return 'refused';
  }
  audit(services, ctx, action.recordingId, 'links-sent');
  const { card, fallback } = recordingCard(services, result, 'direct', ctx.personId);
  await ctx.direct({ markdown: fallback, card });
  return 'ok';
};

/** What "Refresh links" says before the new card. */
export const REFRESHED = 'Fresh links: here is the card again with new ones.';
export const REFRESHED_REPLACING = 'Fresh links: here is the card again with new ones, in place of the old card.';

/** "Refresh links": a new card (cards cannot be edited); the old one goes when its requester clicks. */
const refresh: ClickHandler<Extract<CardAction, { action: 'refresh' }>> = async (services, ctx, action, click) => {
  // Whether the old card goes is decided before answering, so the lead line can say so.
  const replacing = await askedForCard(services, click);
  const lead = replacing ? REFRESHED_REPLACING : REFRESHED;
  const outcome = await answerRecording(services, ctx, lazyViewer(services, ctx.personId), action.recordingId, audienceFor(services, ctx.roomType), lead);
  if (outcome === 'ok' && replacing) {
    await services.messenger.remove(click.cardMessageId).catch((err: unknown) => {
      services.logger.warn({ err: String(err) }, 'could not delete the replaced card');
    });
  }
  return outcome;
};

/**
 * Whether the clicker is the person the clicked card answered, from what Webex says about the
 * card, never from the click's inputs (anyone in the space can send any inputs): in a 1:1
 * space the card was for the one person in it; in a group space it is threaded under the
 * request, whose author asked for it. When in doubt (no thread, a read failed), false.
 */
async function askedForCard(services: Services, click: InboundClick): Promise<boolean> {
  try {
    const card = await services.messenger.get(click.cardMessageId);
    if (card.roomId !== click.roomId) return false;
    if (click.roomType === 'direct') return true;
    if (!card.parentId) return false;
    const request = await services.messenger.get(card.parentId);
    return request.personId === click.personId;
  } catch (err) {
    services.logger.warn({ err: String(err), cardMessageId: click.cardMessageId }, 'could not tell who asked for the card; it is kept');
    return false;
  }
}

/** "Details" on the list card: that recording's card, fetched with the clicker's token. */
const details: ClickHandler<Extract<CardAction, { action: 'details' }>> = async (services, ctx, action) => {
  return answerRecording(services, ctx, lazyViewer(services, ctx.personId), action.recordingId, audienceFor(services, ctx.roomType));
};

const NOTE_LINKS: Array<{ key: keyof NonNullable<Recording['temporaryDirectDownloadLinks']>; title: string; file: string }> = [
  { key: 'suggestedNotesDownloadLink', title: 'Suggested notes', file: 'suggested-notes' },
  { key: 'shortNotesDownloadLink', title: 'Short notes', file: 'short-notes' },
  { key: 'actionItemsDownloadLink', title: 'Action items', file: 'action-items' },
];

/**
 * "Notes & action items": those links need a user token, so the bot downloads them with the
 * clicker's token and posts the files. In a group space they go to the clicker by DM.
 */
const notes: ClickHandler<Extract<CardAction, { action: 'notes' }>> = async (services, ctx, action) => {
  const viewer = await openViewer(services, ctx.personId);
  const result = await fetchRecording(services, viewer, action.recordingId);
  const send = ctx.roomType === 'group' ? ctx.direct : ctx.reply;
  if (!result.ok) {
    audit(services, ctx, action.recordingId, 'notes-refused');
    await send({ markdown: describeRecordingError(result.error, action.recordingId) });
    return 'refused';
  }
  const links = result.recording.temporaryDirectDownloadLinks ?? {};
  const present = NOTE_LINKS.filter((n) => typeof links[n.key] === 'string');
  if (present.length === 0) {
    await send({ markdown: `Recording \`${action.recordingId}\` has no notes or action items available to your account.` });
    return 'none';
  }
  audit(services, ctx, action.recordingId, 'notes-sent');
  const name = recordingName(result.recording.topic, action.recordingId);
  for (const note of present) {
    const what = `the ${note.title.toLowerCase()} of ${name}`;
    let file;
    try {
      // The person's token, refreshed once on a 401 like every other call made with it.
      file = await viewer.session.withToken((token) => downloadWithToken(services.client, token, links[note.key] as string));
    } catch (err) {
      if (err instanceof NotConnectedError) throw err;
      await send({ markdown: describeFailure('download-file', err, what) });
      continue;
    }
    const extension = file.contentType.includes('json') ? 'json' : file.contentType.includes('html') ? 'html' : 'txt';
    try {
      await send({
        markdown: `${note.title} of ${name}`,
        file: { name: file.fileName ?? `${note.file}-${action.recordingId}.${extension}`, contentType: file.contentType, body: file.body },
      });
    } catch (err) {
      await tellPostFailed(services, ctx, send, err, what);
    }
  }
  return 'ok';
};

/** A recording as replies name it: by its topic (Webex's text, escaped, one line), else by its ID. */
function recordingName(topic: string | undefined, recordingId: string): string {
  const words = oneLine(topic ?? '').trim();
  return words ? `“${escapeMarkdown(truncate(words, 100))}”` : `recording \`${recordingId}\``;
}

/**
 * A reply could not be posted: say so (naming the post, not the recording) where the reply was
 * going, or else in the person's 1:1 space; log when neither can be posted.
 */
export async function tellPostFailed(services: Services, ctx: Context, send: Context['reply'], err: unknown, what: string): Promise<void> {
  const text = describeFailure('post-reply', err, what);
  services.logger.warn({ err: String(err), trackingId: (err as { trackingId?: unknown }).trackingId, personId: ctx.personId, roomId: ctx.roomId }, 'reply could not be posted');
  try {
    await send({ markdown: text });
  } catch {
    await services.messenger.post({ toPersonId: ctx.personId }, { markdown: text }).catch((again: unknown) => {
      services.logger.error({ err: String(again), personId: ctx.personId }, 'could not tell the person that a reply failed');
    });
  }
}

const CLICKS: { [K in RecordingAction['action']]: ClickHandler<Extract<RecordingAction, { action: K }>> } = {
  sendLinks,
  refresh,
  details,
  notes,
};
