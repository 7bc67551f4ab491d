/**
 * Converged recordings: fixtures stored as instants, access by scope (owner / admin / compliance),
 * answers formatted in the requested time zone, temporary download links backed by tickets, and
 * per-recording forced answers.
 */
import type { Recording, RecordingListItem, TemporaryDirectDownloadLinks } from '../../../src/webex/types';
import type { Caller } from './auth';
import { decodeWebexId, randomSecret } from './ids';
import type { EmulatorState } from './state';
import { formatInZone, formatUtc, parseInstant } from './timezone';
import { LINK_KINDS, type ForcedResponse, type LinkKind, type RecordingFixture } from './types';

export const SCOPE_USER = 'spark:recordings_read';
export const SCOPE_ADMIN = 'spark-admin:recordings_read';
export const SCOPE_COMPLIANCE = 'spark-compliance:recordings_read';

export interface StoredRecording {
  fixture: RecordingFixture;
  createMs: number;
  recordedMs: number;
  links: LinkKind[];
  /** Remaining forced answers; undefined = forever (when `respond` is set). */
  forcedRemaining: number | undefined;
  /** The same for `metadataRespond`. */
  metadataForcedRemaining: number | undefined;
}

export type Access =
  | { allowed: true; withLinks: boolean; compliance: boolean }
  | { allowed: false; status: 403 | 404; message: string };

interface Ticket {
  recordingId: string;
  kinds: LinkKind[];
  expiresAt: number;
}

export type TicketCheck = { ok: true; recording: StoredRecording } | { ok: false; status: 403 | 404; message: string };

const LINK_FIELDS: Record<LinkKind, keyof TemporaryDirectDownloadLinks> = {
  audio: 'audioDownloadLink',
  transcript: 'transcriptDownloadLink',
  suggestedNotes: 'suggestedNotesDownloadLink',
  shortNotes: 'shortNotesDownloadLink',
  actionItems: 'actionItemsDownloadLink',
};

export class RecordingService {
  readonly recordings = new Map<string, StoredRecording>();
  private readonly tickets = new Map<string, Ticket>();

  constructor(private readonly state: EmulatorState) {}

  add(fixture: RecordingFixture): void {
    if (!fixture.id) throw new Error('Emulator: a recording fixture needs an id');
    const fromLinks = fixture.temporaryDirectDownloadLinks
      ? LINK_KINDS.filter((kind) => fixture.temporaryDirectDownloadLinks?.[LINK_FIELDS[kind]])
      : undefined;
    const links = fixture.links ?? fromLinks ?? ['audio', 'transcript'];
    for (const kind of links) if (!LINK_KINDS.includes(kind)) throw new Error(`Emulator: unknown link kind ${kind}`);
    this.recordings.set(fixture.id, {
      fixture: { ...fixture },
      createMs: parseInstant(fixture.createTime, 'createTime'),
      recordedMs: parseInstant(fixture.timeRecorded, 'timeRecorded'),
      links,
      forcedRemaining: fixture.respond?.times,
      metadataForcedRemaining: fixture.metadataRespond?.times,
    });
  }

  remove(id: string): boolean {
    return this.recordings.delete(id);
  }

  clear(): void {
    this.recordings.clear();
    this.tickets.clear();
  }

  /** Whether the caller is the recording's owner (by person ID, its UUID, or — when the owner is unknown — email). */
  isOwner(caller: Caller, rec: StoredRecording): boolean {
    const owner = this.state.findPerson(rec.fixture.ownerId);
    if (owner) return owner.person.id === caller.personId;
    const me = this.state.people.get(caller.personId);
    return Boolean(me?.person.emails.some((e) => e.toLowerCase() === rec.fixture.ownerEmail.toLowerCase()));
  }

  access(caller: Caller, rec: StoredRecording | undefined): Access {
    if (caller.kind === 'bot') return { allowed: false, status: 403, message: 'Bots cannot access recordings.' };
    const user = caller.scopes.includes(SCOPE_USER);
    const admin = caller.scopes.includes(SCOPE_ADMIN);
    const compliance = caller.scopes.includes(SCOPE_COMPLIANCE);
    if (!user && !admin && !compliance) {
      return { allowed: false, status: 403, message: 'The access token does not have a recordings scope.' };
    }
    if (!rec || (rec.fixture.status === 'purged' && !compliance)) {
      return { allowed: false, status: 404, message: 'Recording not found.' };
    }
    if (compliance) return { allowed: true, withLinks: true, compliance: true };
    if (user && this.isOwner(caller, rec)) return { allowed: true, withLinks: true, compliance: false };
    if (admin) return { allowed: true, withLinks: false, compliance: false };
    return { allowed: false, status: 403, message: 'Only the owner of the recording, an admin or a compliance officer can access it.' };
  }

  /** The forced answer due for this request, if any (consumes one of its `times`). */
  takeForced(rec: StoredRecording): ForcedResponse | undefined {
    const respond = rec.fixture.respond;
    if (!respond) return undefined;
    if (rec.forcedRemaining === undefined) return respond;
    if (rec.forcedRemaining <= 0) return undefined;
    rec.forcedRemaining -= 1;
    return respond;
  }

  /** The forced answer due for a metadata request, if any (consumes one of its `times`). */
  takeForcedMetadata(rec: StoredRecording): ForcedResponse | undefined {
    const respond = rec.fixture.metadataRespond;
    if (!respond) return undefined;
    if (rec.metadataForcedRemaining === undefined) return respond;
    if (rec.metadataForcedRemaining <= 0) return undefined;
    rec.metadataForcedRemaining -= 1;
    return respond;
  }

  listItem(rec: StoredRecording, zone: string): RecordingListItem {
    const f = rec.fixture;
    return {
      id: f.id,
      topic: f.topic,
      createTime: formatInZone(rec.createMs, zone),
      timeRecorded: formatInZone(rec.recordedMs, zone),
      // Webex's published details name the owner by bare UUID (like the metadata), not by Webex ID.
      ownerId: this.state.findPerson(f.ownerId)?.uuid ?? decodeWebexId(f.ownerId)?.suffix ?? f.ownerId,
      ownerType: f.ownerType,
      ownerEmail: f.ownerEmail,
      format: f.format,
      durationSeconds: f.durationSeconds,
      sizeBytes: f.sizeBytes,
      serviceType: f.serviceType,
      storageRegion: f.storageRegion,
      status: f.status,
      ...(f.serviceData ? { serviceData: { ...f.serviceData } } : {}),
    };
  }

  /** GET /convergedRecordings/{id}: links are minted per request and expire after the configured lifetime. */
  details(rec: StoredRecording, zone: string, withLinks: boolean): Recording {
    const { id, topic, createTime, timeRecorded, ...rest } = this.listItem(rec, zone);
    const links = withLinks && !rec.fixture.preventDownload && rec.links.length > 0 ? this.mintLinks(rec) : undefined;
    return { id, topic, createTime, timeRecorded, ...(links ? { temporaryDirectDownloadLinks: links } : {}), ...rest };
  }

  checkTicket(ticket: string | undefined, kind: LinkKind, recordingId?: string): TicketCheck {
    const entry = ticket ? this.tickets.get(ticket) : undefined;
    if (!entry || !entry.kinds.includes(kind) || (recordingId !== undefined && entry.recordingId !== recordingId)) {
      return { ok: false, status: 404, message: 'Unknown download link.' };
    }
    if (entry.expiresAt <= this.state.now()) return { ok: false, status: 403, message: 'The download link has expired.' };
    const recording = this.recordings.get(entry.recordingId);
    if (!recording) return { ok: false, status: 404, message: 'Recording not found.' };
    return { ok: true, recording };
  }

  /** Text served by the transcript, notes and action-items links. */
  textContent(rec: StoredRecording, kind: Exclude<LinkKind, 'audio'>): string {
    const f = rec.fixture;
    const given = f.content?.[kind];
    if (given !== undefined) return given;
    switch (kind) {
      case 'transcript':
        return `Transcript of "${f.topic}"\n\n[00:00:01] ${f.ownerEmail}: Hello, this is a recorded call.\n[00:00:04] Caller: Thanks, bye.\n`;
      case 'suggestedNotes':
        return `Notes for "${f.topic}"\n\n- The call was recorded.\n- Both sides agreed on the next steps.\n`;
      case 'shortNotes':
        return `"${f.topic}": a short recorded call.\n`;
      case 'actionItems':
        return `Action items for "${f.topic}"\n\n- Send the follow-up email.\n- Schedule the next call.\n`;
    }
  }

  private mintLinks(rec: StoredRecording): TemporaryDirectDownloadLinks {
    const now = this.state.now();
    // Tickets are kept in the order they expire (one lifetime for all): drop the expired from the front.
    for (const [key, t] of this.tickets) {
      if (t.expiresAt > now) break;
      this.tickets.delete(key);
    }
    const ticket = randomSecret(24);
    const expiresAt = now + this.state.config.linkLifetimeSeconds * 1000;
    this.tickets.set(ticket, { recordingId: rec.fixture.id, kinds: [...rec.links], expiresAt });
    const base = this.state.baseUrl;
    const api = `${this.state.apiUrl}/convergedRecordings/${encodeURIComponent(rec.fixture.id)}`;
    const urls: Record<LinkKind, string> = {
      audio: `${base}/downloads/audio/${ticket}.mp3`,
      transcript: `${base}/downloads/transcript/${ticket}.txt`,
      suggestedNotes: `${api}/suggestedNotes?ticket=${ticket}`,
      shortNotes: `${api}/shortNotes?ticket=${ticket}`,
      actionItems: `${api}/actionItems?ticket=${ticket}`,
    };
    const links: TemporaryDirectDownloadLinks = {};
    for (const kind of rec.links) links[LINK_FIELDS[kind]] = urls[kind];
    links.expiration = formatUtc(expiresAt);
    return links;
  }
}
