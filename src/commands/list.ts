import { buildRecordingListCard } from '../cards';
import { describeFailure } from '../errors/messages';
import { zoneNowAndLater } from '../timezones/zone';
import { NotConnectedError } from '../auth/tokens';
import { escapeMarkdown } from '../format';
import { WebexApiError } from '../webex/errors';
import { listRecordings, type ListRecordingsOptions } from '../webex/recordings';
import type { ListFilters } from './parse';
import { replyPrivately } from './private';
import { askToConnect } from './sign-in-prompt';
import type { Handler } from './handler';

/** The API's default window when no `from` is given. */
export const DEFAULT_WINDOW_DAYS = 7;

export const LIST_SENT_NOTE = "Your recordings are yours to see: I've sent the list to you in a direct message.";

/** The scopes that let a token read the organisation's list. */
export const ORG_LIST_SCOPES = ['spark-admin:recordings_read', 'spark-compliance:recordings_read'] as const;

export const NEEDS_ORG_ACCESS =
  "Searching someone else's recordings needs admin or compliance access: a Webex admin or compliance officer " +
  'who signed in with the `spark-admin:recordings_read` or `spark-compliance:recordings_read` scope.';

type RecordingsCommand = { name: 'recordings'; count: number; days: number | null; problem?: string; filters?: ListFilters; asked?: number };

/** "recordings in the recycle bin with "budget" in the topic in the last 7 days" (raw text). */
function describeList(filters: ListFilters, windowDescription: string): string {
  const parts = [filters.deleted ? 'recordings in the recycle bin' : 'recordings'];
  if (filters.topic) parts.push(`with "${filters.topic}" in the topic`);
  parts.push(`in ${windowDescription}`);
  return parts.join(' ');
}

/** The bot's request text for a list, to replay it once the person has connected. */
function requestText(command: RecordingsCommand): string {
  const words = ['recordings', String(command.count)];
  if (command.days) words.push(`${command.days}d`);
  if (command.filters?.owner) words.push(`owner:${command.filters.owner}`);
  if (command.filters?.deleted) words.push('deleted');
  if (command.filters?.topic) words.push(`topic:${command.filters.topic}`);
  return words.join(' ');
}

/** The same list over a wider window, filters kept: `recordings 30d topic:budget`. */
function widerRequest(filters: ListFilters, days: number): string {
  const words = ['recordings', `${days}d`];
  if (filters.owner) words.push(`owner:${filters.owner}`);
  if (filters.deleted) words.push('deleted');
  if (filters.topic) words.push(`topic:${filters.topic}`);
  return words.join(' ');
}

/** A topic of plain words can be shown inside a command to copy (inline code). */
const PLAIN_TOPIC = /^[\p{L}\p{N}][\p{L}\p{N} ]{0,99}$/u;

/** A command to suggest: inline code when what the person typed into it is plain words, else
 * escaped text (inside code an address could still be linked by a client, and markup would show
 * as the person wrote it). */
function suggestion(filters: ListFilters, command: string): string {
  const plain = (!filters.topic || PLAIN_TOPIC.test(filters.topic)) && !filters.owner;
  return plain ? `\`${command}\`` : escapeMarkdown(command);
}

/** What an empty list says: whose list, what was searched, and a wider search with the same filters. */
function emptyListText(filters: ListFilters, what: string, days: number): string {
  const wider = days < 30 ? ` Try a wider window: ${suggestion(filters, widerRequest(filters, 30))}.` : '';
  if (filters.owner) {
    // Webex answers an unknown address with an empty list too, so the bot cannot tell them apart.
    const whose = what.replace(/^recordings( in the recycle bin)?/, (words) => `${words} of ${filters.owner}`);
    return `I found no ${escapeMarkdown(whose)}. Check the address is right: Webex lists nothing for someone who is not a Webex user either.${wider}`;
  }
  return `You have no ${escapeMarkdown(what)}.${wider}`;
}

/**
 * `recordings [N] [Nd] [deleted] [topic:<words>] [owner:<email>]`: the person's most recent
 * recordings (or, with `owner:`, someone's from the organisation's list, for admins and
 * compliance officers), one list card.
 */
export const recordings: Handler<RecordingsCommand> = async (services, ctx, command, meta) => {
  if (command.problem) {
    await ctx.reply({ markdown: command.problem });
    return 'invalid';
  }
  const filters = command.filters ?? {};
  const days = command.days ?? DEFAULT_WINDOW_DAYS;
  const now = services.now();
  const from = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  try {
    const session = await services.tokens.open(ctx.personId);
    if (filters.owner && !session.scopes().some((s) => (ORG_LIST_SCOPES as readonly string[]).includes(s))) {
      await ctx.reply({ markdown: NEEDS_ORG_ACCESS });
      return 'refused';
    }
    // The list goes out with the zone known now; the card shows its times in the person's zone,
    // read from their profile (when stale) beside the list.
    const { known, resolved } = await zoneNowAndLater(services, ctx.personId, await session.accessToken());
    const options: ListRecordingsOptions = {
      max: command.count,
      from: from.toISOString(),
      to: now.toISOString(),
      timeZone: known.zone,
      ...(filters.deleted ? { status: 'deleted' as const } : {}),
      ...(filters.topic ? { topic: filters.topic } : {}),
      ...(filters.owner ? { admin: { ownerEmail: filters.owner } } : {}),
    };
    const listed = session.withToken((t) => listRecordings(services.client, t, options));
    listed.catch(() => undefined); // awaited below, once the zone is in
    const { zone, source } = await resolved;
    let items;
    try {
      const page = await listed;
      items = page.items.slice(0, command.count);
    } catch (err) {
      if (err instanceof NotConnectedError) throw err;
      if (filters.owner && err instanceof WebexApiError && err.status === 403) {
        await ctx.reply({ markdown: NEEDS_ORG_ACCESS });
        return 'refused';
      }
      await ctx.reply({ markdown: describeFailure('list-recordings', err, filters.owner ? escapeMarkdown(filters.owner) : '') });
      return 'webex-error';
    }
    services.logger.info(
      { audit: 'recording-list', personId: ctx.personId, roomId: ctx.roomId, count: items.length, days, ...(filters.owner ? { ownerEmail: filters.owner } : {}), deleted: Boolean(filters.deleted), topic: Boolean(filters.topic) },
      'recording list',
    );
    const windowDescription = days === 1 ? 'the last 24 hours' : `the last ${days} days`;
    const what = describeList(filters, windowDescription);
    if (items.length === 0) {
      await replyPrivately(ctx, { markdown: emptyListText(filters, what, days) }, LIST_SENT_NOTE);
      return 'empty';
    }
    // A limit applied is said, not done silently.
    const capped = command.asked ? ` (at most ${command.count} at once: you asked for ${command.asked})` : '';
    const { card, fallback } = buildRecordingListCard({
      items,
      timeZone: zone,
      zoneSource: source,
      now,
      windowDescription: `${filters.owner ? `${filters.owner}'s ${what}` : command.filters ? `Your ${what}` : windowDescription}${capped}`,
      // The list is the person's own: from a group space it goes by direct message.
      audience: 'direct',
      ...(filters.owner ? { scope: 'org' as const } : {}),
    });
    await replyPrivately(ctx, { markdown: fallback, card }, LIST_SENT_NOTE);
    return 'ok';
  } catch (err) {
    if (!(err instanceof NotConnectedError)) throw err;
    return askToConnect(services, ctx, err, { messageId: meta.messageId, text: requestText(command) });
  }
};
