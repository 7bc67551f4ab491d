import { buildRecordingCard, type NoLinksCause } from '../cards';
import type { Context } from '../bot/context';
import { describeRecordingError } from '../bot/errors';
import type { Services } from '../bot/services';
import { resolveZone, type ZoneSource } from '../bot/zone';
import { NotConnectedError } from '../auth/tokens';
import { fetchCallParty, PersonNameCache, type CallParty } from '../webex/call-party';
import { getRecording } from '../webex/recordings';
import type { Recording } from '../webex/types';
import { sendConnectCard } from './account';
import type { CommandMeta, Handler } from './handler';
import { PROGRESS_NOTE_AFTER_MS, progressNoteText, REAL_TIMERS, withProgressNote } from './progress';

export type Audience = 'direct' | 'group-private' | 'group-public';

export function audienceFor(services: Services, roomType: 'direct' | 'group'): Audience {
  if (roomType === 'direct') return 'direct';
  return services.settings.groupLinks === 'public' ? 'group-public' : 'group-private';
}

export type FetchResult =
  | { ok: true; recording: Recording; zone: string; zoneSource: ZoneSource; noLinksCause?: NoLinksCause; callParty?: CallParty }
  | { ok: false; error: unknown };

/** Once the details are in, the card waits at most this long more for who the call was with. */
export const CALL_PARTY_GRACE_MS = 1500;

const fallbackNames = new WeakMap<Services, PersonNameCache>();

function personNames(services: Services): PersonNameCache {
  if (services.personNames) return services.personNames;
  let cache = fallbackNames.get(services);
  if (!cache) fallbackNames.set(services, (cache = new PersonNameCache()));
  return cache;
}

/** Resolves with undefined after `ms` unless `promise` settles first. */
async function within<T>(promise: Promise<T | undefined>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /convergedRecordings/{id} with the person's own token and time zone, and at the same time
 * its metadata (who the call was with) with the same token. Throws NotConnectedError when the
 * person has no usable sign-in; Webex refusals come back as data. A metadata failure only
 * leaves `callParty` out.
 */
export async function fetchRecordingForPerson(services: Services, personId: string, recordingId: string): Promise<FetchResult> {
  const token = await services.tokens.accessToken(personId);
  const { zone, source } = await resolveZone(
    services,
    personId,
    token,
  );
  const party = fetchCallParty(services.client, token, recordingId, { cache: personNames(services), logger: services.logger }).catch(() => undefined);
  try {
    const recording = await services.tokens.withToken(personId, (t) => getRecording(services.client, t, recordingId, zone));
    const [noLinksCause, callParty] = await Promise.all([noLinksCauseFor(services, personId, recording), within(party, CALL_PARTY_GRACE_MS)]);
    return { ok: true, recording, zone, zoneSource: source, ...(noLinksCause ? { noLinksCause } : {}), ...(callParty ? { callParty } : {}) };
  } catch (err) {
    if (err instanceof NotConnectedError) throw err;
    return { ok: false, error: err };
  }
}

/**
 * Why Webex sent no links, when the viewer's access tells: the owner and compliance officers get
 * links unless Prevent Downloading is on; admin access never comes with links. A recording in the
 * recycle bin, or a viewer whose access the bot cannot tell, gets no cause (the card names both).
 */
export async function noLinksCauseFor(services: Services, personId: string, recording: Recording): Promise<NoLinksCause | undefined> {
  if (recording.temporaryDirectDownloadLinks || recording.status !== 'available') return undefined;
  const account = await services.store.getAccount(personId);
  if (!account) return undefined;
  const scopes = account.tokens.scopes;
  const owner = typeof recording.ownerEmail === 'string' && recording.ownerEmail.toLowerCase() === account.email.toLowerCase();
  if (scopes.includes('spark-compliance:recordings_read')) return 'prevent-downloading';
  if (owner && scopes.includes('spark:recordings_read')) return 'prevent-downloading';
  if (scopes.includes('spark-admin:recordings_read')) return 'admin-access';
  return undefined;
}

/** One audit line per fetch: who asked, where, which recording, outcome. */
export function audit(services: Services, ctx: Context, recordingId: string, outcome: string, extra: Record<string, unknown> = {}): void {
  services.logger.info({ audit: 'recording-fetch', personId: ctx.personId, roomId: ctx.roomId, roomType: ctx.roomType, recordingId, outcome, ...extra }, 'recording fetch');
}

function outcomeOf(err: unknown): string {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' && status > 0 ? `webex-${status}` : 'webex-unreachable';
}

/**
 * Posts one recording's card for the person, or the message explaining why not. `lead` is posted
 * just before the card (not before an error message). A slow answer gets a progress note.
 */
export async function answerRecording(services: Services, ctx: Context, recordingId: string, audience: Audience, lead?: string): Promise<string> {
  const progress = services.progress ?? { afterMs: PROGRESS_NOTE_AFTER_MS, timers: REAL_TIMERS };
  return withProgressNote(() => fetchAndPost(services, ctx, recordingId, audience, lead), {
    ...progress,
    post: () => ctx.reply({ markdown: progressNoteText(recordingId) }),
    remove: (id) => services.messenger.remove(id),
    onError: (err) => services.logger.warn({ recordingId, err: String(err) }, 'progress note failed'),
  });
}

async function fetchAndPost(services: Services, ctx: Context, recordingId: string, audience: Audience, lead: string | undefined): Promise<string> {
  const result = await fetchRecordingForPerson(services, ctx.personId, recordingId);
  if (!result.ok) {
    const trackingId = (result.error as { trackingId?: string })?.trackingId;
    audit(services, ctx, recordingId, outcomeOf(result.error), trackingId ? { trackingId } : {});
    await ctx.reply({ markdown: describeRecordingError(result.error, recordingId) });
    return outcomeOf(result.error);
  }
  audit(services, ctx, recordingId, 'ok');
  const { card, fallback } = buildRecordingCard({
    recording: result.recording,
    timeZone: result.zone,
    zoneSource: result.zoneSource,
    now: services.now(),
    audience,
    requesterId: ctx.personId,
    ...(result.noLinksCause ? { noLinksCause: result.noLinksCause } : {}),
    ...(result.callParty ? { callParty: result.callParty } : {}),
  });
  if (lead) await ctx.reply({ markdown: lead });
  await ctx.reply({ markdown: fallback, card });
  return 'ok';
}

/** The connect card's first line for a kept request (the card itself says why sign-in is needed). */
export const SIGN_IN_PENDING_REASON = 'Sign in once and I will answer your request.';
export const SIGN_IN_EXPIRED_REASON = 'Your Webex sign-in has expired. Sign in again and I will answer your request.';
/** The same for a card click. */
export const SIGN_IN_CLICK_REASON = 'Sign in once and I will send you what you asked for.';

/** Not connected: the connect card, and the request kept to answer once they are. */
export async function askToConnect(services: Services, ctx: Context, err: NotConnectedError, request: { messageId: string; text: string }): Promise<string> {
  await services.store.addPendingRequest({
    personId: ctx.personId,
    roomId: ctx.roomId,
    roomType: ctx.roomType,
    messageId: request.messageId,
    text: request.text,
    createdAt: services.now(),
  });
  await sendConnectCard(
    services,
    ctx,
    err.reason === 'refresh-refused' ? SIGN_IN_EXPIRED_REASON : SIGN_IN_PENDING_REASON,
  );
  return 'not-connected';
}

export const recording: Handler<{ name: 'recording'; ids: string[]; invalid: string[]; tooMany: boolean }> = async (
  services,
  ctx,
  command,
  meta: CommandMeta,
) => {
  if (command.invalid.length > 0 || command.ids.length === 0) {
    const shown = command.invalid.slice(0, 3).map((w) => `\`${w.replace(/`/g, "'").slice(0, 60)}\``).join(', ');
    await ctx.reply({
      markdown: command.ids.length === 0 && command.invalid.length === 0
        ? 'Which recording? Send `recording <id>`, e.g. `recording 62807eaf-0c89-492e-a3c3-c4751812603b`.'
        : `That doesn't look like a recording ID: ${shown}. Recording IDs are letters, digits, \`-\` and \`_\`, e.g. \`62807eaf-0c89-492e-a3c3-c4751812603b\`.`,
    });
    return 'invalid';
  }
  if (command.tooMany) {
    await ctx.reply({ markdown: 'I can look up at most 5 recordings per message; here are the first 5.' });
  }
  const audience = audienceFor(services, ctx.roomType);
  const outcomes: string[] = [];
  try {
    for (const id of command.ids) outcomes.push(await answerRecording(services, ctx, id, audience));
  } catch (err) {
    if (!(err instanceof NotConnectedError)) throw err;
    const text = `recording ${command.ids.slice(outcomes.length).join(' ')}`;
    return askToConnect(services, ctx, err, { messageId: meta.messageId, text });
  }
  return outcomes.every((o) => o === 'ok') ? 'ok' : outcomes.find((o) => o !== 'ok')!;
};
