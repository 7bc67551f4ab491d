/** /v1/convergedRecordings (details, list, notes downloads), /v1/admin/convergedRecordings and /downloads/*. */
import { Router, type Request, type Response } from 'express';
import { callerOf } from '../auth';
import { ApiError, messageForStatus } from '../errors';
import { silentMp3 } from '../mp3';
import { paginate, queryParam } from '../paging';
import { RecordingService, SCOPE_ADMIN, SCOPE_COMPLIANCE, SCOPE_USER, type StoredRecording } from '../recordings';
import { recordingMetadata } from '../recording-metadata';
import type { EmulatorState } from '../state';
import { isValidTimeZone } from '../timezone';

const DAY_MS = 24 * 3600 * 1000;
const WEEK_MS = 7 * DAY_MS;
/** The admin list's `from`–`to` may span at most this much. */
const ADMIN_WINDOW_MS = 30 * DAY_MS;
const NOTE_KINDS = ['suggestedNotes', 'shortNotes', 'actionItems'] as const;
type NoteKind = (typeof NOTE_KINDS)[number];

/** The `timezone` request header (IANA); UTC when absent. */
function zoneOf(req: Request): string {
  const zone = req.get('timezone')?.trim();
  if (!zone) return 'UTC';
  if (!isValidTimeZone(zone)) throw new ApiError(400, `Invalid timezone: ${zone}`);
  return zone;
}

function instantParam(req: Request, name: string): number | undefined {
  const raw = queryParam(req, name);
  if (raw === undefined || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new ApiError(400, `${name} must be an ISO 8601 date and time.`);
  return ms;
}

export function recordingsRouter(state: EmulatorState, recordings: RecordingService): Router {
  const router = Router();

  const list = (admin: boolean) => (req: Request, res: Response) => {
    const caller = callerOf(res);
    const zone = zoneOf(req);
    const compliance = caller.scopes.includes(SCOPE_COMPLIANCE);
    if (caller.kind === 'bot') throw new ApiError(403, 'Bots cannot access recordings.');
    if (admin ? !(compliance || caller.scopes.includes(SCOPE_ADMIN)) : !caller.scopes.includes(SCOPE_USER)) {
      throw new ApiError(403, 'The access token does not have the scope this list needs.');
    }
    const to = instantParam(req, 'to') ?? state.now();
    const from = instantParam(req, 'from') ?? to - WEEK_MS;
    if (from > to) throw new ApiError(400, 'from must be before to.');
    if (admin && to - from > ADMIN_WINDOW_MS) throw new ApiError(400, 'from and to must be at most 30 days apart.');
    const status = queryParam(req, 'status') || 'available';
    if (status === 'purged' && !(admin && compliance)) throw new ApiError(400, 'status purged is only available to compliance officers.');
    const equalsFilters: Array<[string, (r: StoredRecording) => unknown]> = [
      ['serviceType', (r) => r.fixture.serviceType],
      ['format', (r) => r.fixture.format],
      ['ownerType', (r) => r.fixture.ownerType],
      ['storageRegion', (r) => r.fixture.storageRegion],
      ['locationId', (r) => r.fixture.serviceData?.locationId],
      ...(admin
        ? ([
            ['ownerId', (r: StoredRecording) => r.fixture.ownerId],
            ['ownerEmail', (r: StoredRecording) => r.fixture.ownerEmail],
          ] as Array<[string, (r: StoredRecording) => unknown]>)
        : []),
    ];
    const topic = queryParam(req, 'topic')?.toLowerCase();
    const items = [...recordings.recordings.values()]
      .filter((r) => (admin ? true : recordings.isOwner(caller, r)))
      .filter((r) => r.fixture.status === status)
      .filter((r) => r.recordedMs >= from && r.recordedMs < to)
      .filter((r) => !topic || r.fixture.topic.toLowerCase().includes(topic))
      .filter((r) => equalsFilters.every(([name, get]) => {
        const wanted = queryParam(req, name);
        return wanted === undefined || wanted === '' || String(get(r) ?? '') === wanted;
      }))
      .sort((a, b) => b.recordedMs - a.recordedMs);
    const page = paginate(items, req, res, state, {
      defaultMax: 10,
      limit: 100,
      pin: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    });
    res.json({ items: page.map((r) => recordings.listItem(r, zone)) });
  };

  router.get('/convergedRecordings', list(false));
  router.get('/admin/convergedRecordings', list(true));

  router.get('/convergedRecordings/:id', (req, res) => {
    const caller = callerOf(res);
    const rec = recordings.recordings.get(String(req.params.id));
    const forced = rec ? recordings.takeForced(rec) : undefined;
    if (forced) throw new ApiError(forced.status, messageForStatus(forced.status), forced.retryAfter);
    const zone = zoneOf(req);
    const access = recordings.access(caller, rec);
    if (!access.allowed) throw new ApiError(access.status, access.message);
    res.json(recordings.details(rec!, zone, access.withLinks));
  });

  router.get('/convergedRecordings/:id/metadata', (req, res) => {
    const caller = callerOf(res);
    const rec = recordings.recordings.get(String(req.params.id));
    const forced = rec ? recordings.takeForcedMetadata(rec) : undefined;
    if (forced) throw new ApiError(forced.status, messageForStatus(forced.status), forced.retryAfter);
    const access = recordings.access(caller, rec);
    if (!access.allowed) throw new ApiError(access.status, access.message);
    res.json(recordingMetadata(state, rec!));
  });

  router.get('/convergedRecordings/:id/:kind', (req, res) => {
    const caller = callerOf(res);
    const kind = String(req.params.kind) as NoteKind;
    if (!NOTE_KINDS.includes(kind)) throw new ApiError(404, messageForStatus(404));
    const id = String(req.params.id);
    const access = recordings.access(caller, recordings.recordings.get(id));
    if (!access.allowed) throw new ApiError(access.status, access.message);
    const check = recordings.checkTicket(queryParam(req, 'ticket'), kind, id);
    if (!check.ok) throw new ApiError(check.status, check.message);
    res.setHeader('Content-Disposition', `attachment; filename="${kind}-${encodeURIComponent(id)}.txt"`);
    res.type('text/plain; charset=utf-8').send(recordings.textContent(check.recording, kind));
  });

  return router;
}

/** Audio and transcript links: no token, only the ticket in the path. */
export function downloadsRouter(recordings: RecordingService): Router {
  const router = Router();
  const ticketOf = (file: string, extension: string): string | undefined =>
    file.endsWith(extension) ? file.slice(0, -extension.length) : undefined;

  router.get('/audio/:file', (req, res) => {
    const check = recordings.checkTicket(ticketOf(String(req.params.file), '.mp3'), 'audio');
    if (!check.ok) throw new ApiError(check.status, check.message);
    res.setHeader('Content-Disposition', `attachment; filename="${encodeURIComponent(check.recording.fixture.id)}.mp3"`);
    res.type('audio/mpeg').send(silentMp3());
  });

  router.get('/transcript/:file', (req, res) => {
    const check = recordings.checkTicket(ticketOf(String(req.params.file), '.txt'), 'transcript');
    if (!check.ok) throw new ApiError(check.status, check.message);
    res.setHeader('Content-Disposition', `attachment; filename="${encodeURIComponent(check.recording.fixture.id)}.txt"`);
    res.type('text/plain; charset=utf-8').send(recordings.textContent(check.recording, 'transcript'));
  });

  return router;
}
