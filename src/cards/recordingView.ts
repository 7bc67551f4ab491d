/**
 * What the recording card and its fallback both say, worked out once from the API object, the
 * zone and `now`. Values that came from the API stay raw here; the card puts them in TextRuns and
 * the fallback escapes them.
 */
import type { Recording } from '../webex/types';
import {
  formatClockOrDate,
  formatDuration,
  formatLocalTime,
  formatRelative,
  formatSize,
  isHttpUrl,
  parseApiTime,
} from '../format';
import { numberOrNaN, objectOrUndefined, oneLine, truncate, UNKNOWN } from './elements';
import { ownerTypeWords, serviceWords, statusWords, zoneLine, type StatusWords, type ZoneSource } from './labels';

/** Where the card goes: 1:1 space, or a group space with links kept private or shown. */
export type Audience = 'direct' | 'group-private' | 'group-public';

/**
 * Why Webex left the links out, when the bot can tell from who fetched the recording:
 * - `prevent-downloading`: the owner or a compliance officer got no links, so Prevent Downloading
 *   is on and nobody gets any;
 * - `admin-access`: the viewer has admin access only, which never comes with links.
 */
export type NoLinksCause = 'prevent-downloading' | 'admin-access';

/** Long API strings are cut so a card stays small whatever Webex returns. */
const MAX_TOPIC_CHARS = 300;
const MAX_FIELD_CHARS = 200;

/**
 * Why the links are missing, or that they are there:
 * - `present`: Webex sent the links object (some links may still be missing);
 * - `absent`: no links object: admin access, or Prevent Downloading is on;
 * - `purged`: nothing can be downloaded any more.
 */
export type LinksState = 'present' | 'absent' | 'purged';

export interface RecordingView {
  id: string;
  topic: string;
  status: StatusWords;
  /** In the recycle bin (`status: deleted`). */
  deleted: boolean;
  service: string;
  recorded: string;
  created: string;
  duration: string;
  size: string;
  format: string;
  ownerEmail: string;
  ownerType?: string;
  ownerId: string;
  storageRegion: string;
  locationId?: string;
  callSessionId?: string;
  timeZone: string;
  zoneSource: ZoneSource;
  /** "Times in Asia/Singapore (your Webex profile)" */
  zoneLine: string;
  linksState: LinksState;
  /** http(s) URLs only; anything else Webex might send is dropped. */
  audioUrl?: string;
  transcriptUrl?: string;
  /** Any of the notes / short notes / action items links is present. */
  hasNotes: boolean;
  /** "Links expire at 20:57 GMT+8, in 2 h 59 min", or the expired form; absent when unknown. */
  expiryLine?: string;
  /** Set only when the links are absent and the bot knows why. */
  noLinksCause?: NoLinksCause;
}

export interface RecordingViewInput {
  recording: Recording;
  timeZone: string;
  zoneSource: ZoneSource;
  now: Date;
  noLinksCause?: NoLinksCause;
}

export function describeRecording(input: RecordingViewInput): RecordingView {
  const { now } = input;
  // Webex's answer is read as data: a field of the wrong type is missing (shown as unknown or
  // left out), and an answer that is not an object at all has no fields.
  const recording = (objectOrUndefined(input.recording) ?? {}) as Partial<Record<keyof Recording, unknown>>;
  // The zone comes resolved (and known to Intl) from the one zone resolver, src/timezones/zone.ts.
  const { timeZone, zoneSource } = input;
  const optionalField = (value: unknown): string | undefined => truncate(oneLine(value), MAX_FIELD_CHARS) || undefined;
  const field = (value: unknown): string => optionalField(value) ?? UNKNOWN;
  const links = objectOrUndefined(recording.temporaryDirectDownloadLinks) as Recording['temporaryDirectDownloadLinks'];
  const serviceData = objectOrUndefined(recording.serviceData);
  const status = oneLine(recording.status);
  const purged = status === 'purged';
  const linksState: LinksState = purged ? 'purged' : links ? 'present' : 'absent';
  const usable = linksState === 'present' && links !== undefined;
  const ownerType = ownerTypeWords(oneLine(recording.ownerType));

  return {
    id: oneLine(recording.id),
    topic: truncate(oneLine(recording.topic), MAX_TOPIC_CHARS),
    status: statusWords(truncate(status, MAX_FIELD_CHARS)),
    deleted: status === 'deleted',
    service: serviceWords(optionalField(recording.serviceType) ?? ''),
    recorded: formatLocalTime(recording.timeRecorded as string, timeZone),
    created: formatLocalTime(recording.createTime as string, timeZone),
    duration: formatDuration(numberOrNaN(recording.durationSeconds)),
    size: formatSize(numberOrNaN(recording.sizeBytes)),
    format: field(recording.format),
    ownerEmail: field(recording.ownerEmail),
    ownerType: ownerType === undefined ? undefined : truncate(ownerType, MAX_FIELD_CHARS),
    ownerId: field(recording.ownerId),
    storageRegion: field(recording.storageRegion),
    locationId: optionalField(serviceData?.locationId),
    callSessionId: optionalField(serviceData?.callSessionId),
    timeZone,
    zoneSource,
    zoneLine: zoneLine(timeZone, zoneSource),
    linksState,
    audioUrl: usable && isHttpUrl(links.audioDownloadLink) ? links.audioDownloadLink : undefined,
    transcriptUrl: usable && isHttpUrl(links.transcriptDownloadLink) ? links.transcriptDownloadLink : undefined,
    hasNotes:
      usable &&
      [links.suggestedNotesDownloadLink, links.shortNotesDownloadLink, links.actionItemsDownloadLink].some(
        (link) => typeof link === 'string' && link.length > 0,
      ),
    expiryLine: usable ? expiryLine(typeof links.expiration === 'string' ? links.expiration : undefined, timeZone, now) : undefined,
    ...(linksState === 'absent' && input.noLinksCause ? { noLinksCause: input.noLinksCause } : {}),
  };
}

/** "Links expire at 20:57 GMT+8, in 2 h 59 min" / "Links expired 10 min ago, at 20:57 GMT+8". */
function expiryLine(expiration: string | undefined, timeZone: string, now: Date): string | undefined {
  const expires = parseApiTime(expiration);
  if (!expires || expiration === undefined) return undefined;
  const at = formatClockOrDate(expiration, timeZone, now);
  const relative = formatRelative(expires, now);
  return expires.getTime() > now.getTime()
    ? `Links expire at ${at}, ${relative}`
    : `Links ${relative}, at ${at}; use Refresh links for new ones`;
}

/**
 * The line explaining missing links: the reason when the bot knows it, otherwise both possible
 * reasons, worded for a recording in the recycle bin when it is one.
 */
export function noLinksReason(view: RecordingView): string {
  if (view.noLinksCause === 'prevent-downloading') return NO_LINKS_PREVENT_DOWNLOADING;
  if (view.noLinksCause === 'admin-access') return NO_LINKS_ADMIN_ACCESS;
  return view.deleted ? NO_LINKS_REASON_DELETED : NO_LINKS_REASON;
}

/** Prevent Downloading is on: no click, by anyone, can bring links. */
export function nobodyGetsLinks(view: RecordingView): boolean {
  return view.noLinksCause === 'prevent-downloading';
}

/** Whether a recording offers anything to download: decides the download-related buttons. */
export function hasDownloads(view: RecordingView): boolean {
  return view.audioUrl !== undefined || view.transcriptUrl !== undefined || view.hasNotes;
}

export const NO_LINKS_REASON =
  'No download links: Webex leaves them out when the recording is viewed with admin access, ' +
  'or when Prevent Downloading is on for this recording.';
export const NO_LINKS_REASON_DELETED =
  'No download links: this recording is in the recycle bin. Webex also leaves them out when the ' +
  'recording is viewed with admin access, or when Prevent Downloading is on for it.';
export const NO_LINKS_PREVENT_DOWNLOADING = 'No download links: Prevent Downloading is on for this recording.';
export const NO_LINKS_ADMIN_ACCESS =
  'No download links: Webex gives none to admin access. The owner or a compliance officer can get them.';
export const EMPTY_LINKS_NOTE = 'Webex returned no download links for this recording.';
export const PURGED_NOTE = 'This recording was purged from the recycle bin: there is nothing left to download.';
/** The private group note when the requester sees the recording with admin access (and so gets no links). */
export const PRIVATE_LINKS_NOTE_ADMIN_ACCESS =
  'Download links are not shown in this space, and Webex gives none to admin access. "Send me the download links" ' +
  'sends them by direct message to whoever clicks, if their own Webex access includes them (the owner, a compliance officer).';
/** The note of a private group card. */
export function privateLinksNote(view: RecordingView): string {
  return view.noLinksCause === 'admin-access' ? PRIVATE_LINKS_NOTE_ADMIN_ACCESS : PRIVATE_LINKS_NOTE;
}
export const PRIVATE_LINKS_NOTE =
  'Download links are not shown in this space. "Send me the download links" sends them to you ' +
  'by direct message, fetched with your own Webex access.';
