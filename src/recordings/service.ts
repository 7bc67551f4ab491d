/**
 * The recording service: one recording fetched for one person (with their own sign-in and time
 * zone), the audit line of each fetch, and the card built from it. Used by the `recording`
 * command, the list's Details button, the card buttons and new-recording notifications.
 */
import { buildRecordingCard, type Audience, type NoLinksCause } from '../cards';
import type { BuiltCard } from '../cards';
import type { Context } from '../replies/context';
import { describeRecordingError } from '../errors/messages';
import type { Services } from '../services';
import { zoneNowAndLater, type ZoneSource } from '../timezones/zone';
import { NotConnectedError, type PersonSession } from '../auth/tokens';
import { PROGRESS_NOTE_AFTER_MS, progressNoteText, REAL_TIMERS, withProgressNote } from '../replies/progress';
import { CallPartyCache, fetchCallParty, type CallParty } from '../webex/call-party';
import { getRecording } from '../webex/recordings';
import type { Recording } from '../webex/types';

export type { Audience };

export function audienceFor(services: Services, roomType: 'direct' | 'group'): Audience {
  if (roomType === 'direct') return 'direct';
  return services.settings.groupLinks === 'public' ? 'group-public' : 'group-private';
}

/** Who a recording is fetched for: their sign-in (read once) and the zone their times are shown in. */
export interface Viewer {
  readonly session: PersonSession;
  /** A zone known without asking Webex (stored), for requests whose answer the card re-zones. */
  readonly knownZone: string;
  /** The zone the card shows: the profile's is read from Webex (when stale) beside the fetch. */
  readonly zone: Promise<{ zone: string; source: ZoneSource }>;
}

/**
 * Opens the person's sign-in once and starts resolving their zone (refreshing the profile's zone
 * with their token when stale, beside whatever is fetched next). Throws NotConnectedError when
 * they have no usable sign-in.
 */
export async function openViewer(services: Services, personId: string, opened?: PersonSession): Promise<Viewer> {
  const session = opened ?? (await services.tokens.open(personId));
  const { known, resolved } = await zoneNowAndLater(services, personId, await session.accessToken());
  return { session, knownZone: known.zone, zone: resolved };
}

/**
 * How long after now the "Looking up recording …" note is due: `afterMs` from the event's
 * arrival (`receivedAt`), so that the reads before the fetch count; now when that has passed.
 */
export function progressDelay(afterMs: number, now: Date, receivedAt: Date | undefined): number {
  if (!receivedAt) return afterMs;
  return Math.max(0, afterMs - (now.getTime() - receivedAt.getTime()));
}

export type FetchResult =
  | { ok: true; recording: Recording; zone: string; zoneSource: ZoneSource; noLinksCause?: NoLinksCause; callParty?: CallParty }
  | { ok: false; error: unknown };

/** Once the details are in, the card waits at most this long more for who the call was with. */
export const CALL_PARTY_GRACE_MS = 1500;

const fallbackCaches = new WeakMap<Services, CallPartyCache>();

function callParties(services: Services): CallPartyCache {
  if (services.callParties) return services.callParties;
  let cache = fallbackCaches.get(services);
  if (!cache) fallbackCaches.set(services, (cache = new CallPartyCache()));
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
 * GET /convergedRecordings/{id} with the viewer's own token and time zone, and at the same time
 * its metadata (who the call was with) with the same token. Throws NotConnectedError when the
 * sign-in is refused; Webex refusals come back as data. A metadata failure only leaves
 * `callParty` out.
 */
export async function fetchRecording(services: Services, viewer: Viewer, recordingId: string): Promise<FetchResult> {
  const { session } = viewer;
  const token = await session.accessToken();
  const viewerKey = `${session.personId}\n${session.email}`;
  const party = fetchCallParty(services.client, token, recordingId, { cache: callParties(services), viewer: viewerKey, logger: services.logger }).catch(() => undefined);
  // The card shows its times in the viewer's zone whatever zone Webex rendered them in: the
  // request goes out with the zone known now, beside the profile's (read when stale).
  const details = session.withToken((t) => getRecording(services.client, t, recordingId, viewer.knownZone)).then(
    (recording) => ({ ok: true as const, recording }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const { zone, source: zoneSource } = await viewer.zone;
  const got = await details;
  if (!got.ok) {
    if (got.error instanceof NotConnectedError) throw got.error;
    return { ok: false, error: got.error };
  }
  const { recording } = got;
  const noLinksCause = noLinksCauseFor(session, recording);
  const callParty = await within(party, CALL_PARTY_GRACE_MS);
  return { ok: true, recording, zone, zoneSource, ...(noLinksCause ? { noLinksCause } : {}), ...(callParty ? { callParty } : {}) };
}

/**
 * Why Webex sent no links, when the viewer's access tells: the owner and compliance officers get
 * links unless Prevent Downloading is on; admin access never comes with links. A recording in the
 * recycle bin, or a viewer whose access the bot cannot tell, gets no cause (the card names both).
 */
export function noLinksCauseFor(session: Pick<PersonSession, 'email' | 'scopes'>, recording: Recording): NoLinksCause | undefined {
  // `recording?.`: Webex's answer may be no object at all (the card shows its fields as unknown).
  if (recording?.temporaryDirectDownloadLinks || recording?.status !== 'available') return undefined;
  const scopes = session.scopes();
  const owner = typeof recording.ownerEmail === 'string' && recording.ownerEmail.toLowerCase() === session.email.toLowerCase();
  if (scopes.includes('spark-compliance:recordings_read')) return 'prevent-downloading';
  if (owner && scopes.includes('spark:recordings_read')) return 'prevent-downloading';
  if (scopes.includes('spark-admin:recordings_read')) return 'admin-access';
  return undefined;
}

/** The card of a fetched recording, for this audience; `requesterId` is who it answers. */
export function recordingCard(services: Services, result: Extract<FetchResult, { ok: true }>, audience: Audience, requesterId: string): BuiltCard {
  return buildRecordingCard({
    recording: result.recording,
    timeZone: result.zone,
    zoneSource: result.zoneSource,
    now: services.now(),
    audience,
    requesterId,
    ...(result.noLinksCause ? { noLinksCause: result.noLinksCause } : {}),
    ...(result.callParty ? { callParty: result.callParty } : {}),
  });
}

/** One audit line per fetch: who asked, where, which recording, outcome. */
export function audit(services: Services, ctx: Pick<Context, 'personId' | 'roomId' | 'roomType'>, recordingId: string, outcome: string, extra: Record<string, unknown> = {}): void {
  services.logger.info({ audit: 'recording-fetch', personId: ctx.personId, roomId: ctx.roomId, roomType: ctx.roomType, recordingId, outcome, ...extra }, 'recording fetch');
}

/** `webex-<status>` for a Webex answer, `webex-unreachable` when none came. */
export function fetchOutcome(err: unknown): `webex-${number}` | 'webex-unreachable' {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' && status > 0 ? `webex-${status}` : 'webex-unreachable';
}

/** What answering one recording came to. */
export type AnswerOutcome = 'ok' | ReturnType<typeof fetchOutcome>;

/**
 * Posts one recording's card for the person, or the message explaining why not. `viewer` is
 * opened at most once per command (the first answer opens it). `lead` is posted just before the
 * card (not before an error message). `fetched`: the fetch, already started (several IDs are
 * fetched at once and posted in order). A slow answer gets a progress note, due a while after
 * the event arrived.
 */
export async function answerRecording(
  services: Services,
  ctx: Context,
  viewer: () => Promise<Viewer>,
  recordingId: string,
  audience: Audience,
  lead?: string,
  fetched?: Promise<FetchResult>,
): Promise<AnswerOutcome> {
  const progress = services.progress ?? { afterMs: PROGRESS_NOTE_AFTER_MS, timers: REAL_TIMERS };
  const fetch = () => fetched ?? viewer().then((v) => fetchRecording(services, v, recordingId));
  return withProgressNote(() => fetchAndPost(services, ctx, fetch, recordingId, audience, lead), {
    ...progress,
    afterMs: progressDelay(progress.afterMs, services.now(), ctx.receivedAt),
    post: () => ctx.reply({ markdown: progressNoteText(recordingId), transient: true }),
    remove: (id) => services.messenger.remove(id),
    onError: (err) => services.logger.warn({ recordingId, err: String(err) }, 'progress note failed'),
  });
}

/** A viewer opened on first use and kept for the rest of the command (on `session` when given). */
export function lazyViewer(services: Services, personId: string, session?: PersonSession): () => Promise<Viewer> {
  let opened: Promise<Viewer> | undefined;
  return () => (opened ??= openViewer(services, personId, session));
}

async function fetchAndPost(services: Services, ctx: Context, fetch: () => Promise<FetchResult>, recordingId: string, audience: Audience, lead: string | undefined): Promise<AnswerOutcome> {
  const result = await fetch();
  if (!result.ok) {
    const trackingId = (result.error as { trackingId?: string })?.trackingId;
    audit(services, ctx, recordingId, fetchOutcome(result.error), trackingId ? { trackingId } : {});
    await ctx.reply({ markdown: describeRecordingError(result.error, recordingId) });
    return fetchOutcome(result.error);
  }
  audit(services, ctx, recordingId, 'ok');
  const { card, fallback } = recordingCard(services, result, audience, ctx.personId);
  if (lead) await ctx.reply({ markdown: lead });
  await ctx.reply({ markdown: fallback, card });
  return 'ok';
}
