/**
 * HTTP control API under /_emulator (JSON, no token: local use only) for the sandbox page:
 * act as people, read rooms, messages, calls and deliveries, and stream events (SSE).
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Emulator } from '../emulator';
import type { FaultSpec } from '../types';

function sinceOf(req: Request): number {
  const since = Number(req.query.since ?? 0);
  return Number.isFinite(since) ? since : 0;
}

export function controlRouter(emulator: Emulator): Router {
  const router = Router();
  router.use(express.json({ limit: '2mb' }));

  router.post('/say', (req, res) => {
    res.json(emulator.say(req.body));
  });

  router.post('/click', (req, res) => {
    res.json(emulator.click(req.body));
  });

  router.get('/rooms', (_req, res) => {
    res.json({ items: emulator.rooms() });
  });

  router.get('/rooms/:id/messages', (req, res) => {
    res.json({ items: emulator.messages(String(req.params.id)) });
  });

  router.post('/rooms/direct', (req, res) => {
    res.json(emulator.createDirectRoom(req.body.personId, req.body.botPersonId));
  });

  router.post('/rooms/group', (req, res) => {
    res.json(emulator.createGroupRoom(req.body.title, req.body.memberPersonIds ?? []));
  });

  router.get('/people', (_req, res) => {
    res.json({ items: emulator.people() });
  });

  router.post('/people', (req, res) => {
    res.json(emulator.addPerson(req.body));
  });

  router.get('/calls', (req, res) => {
    const since = sinceOf(req);
    res.json({ items: emulator.calls.filter((c) => c.seq > since) });
  });

  router.get('/deliveries', (req, res) => {
    const since = sinceOf(req);
    res.json({ items: emulator.deliveries.filter((d) => d.seq > since) });
  });

  router.get('/recordings', (_req, res) => {
    res.json({
      items: emulator.recordingFixtures().map((f) => ({
        id: f.id,
        topic: f.topic,
        ownerEmail: f.ownerEmail,
        status: f.status,
        description: f.description ?? '',
        links: f.preventDownload ? [] : f.links,
        preventDownload: Boolean(f.preventDownload),
        ...(f.respond ? { respond: f.respond } : {}),
      })),
    });
  });

  router.post('/recordings', (req, res) => {
    emulator.addRecording(req.body);
    res.status(201).json({ id: req.body.id });
  });

  /** A recording appears now for `owner` (ID or email) and their recording webhooks fire. */
  router.post('/recordings/new', (req, res) => {
    const fixture = emulator.newRecording(req.body);
    res.status(201).json({ id: fixture.id, topic: fixture.topic, ownerEmail: fixture.ownerEmail });
  });

  router.post('/faults', (req, res) => {
    const body = req.body as Omit<FaultSpec, 'path'> & { path?: string; pathRegex?: string };
    const { pathRegex, path, ...rest } = body;
    const spec: FaultSpec = { ...rest, path: pathRegex ? new RegExp(pathRegex) : (path ?? '') };
    res.status(201).json({ id: emulator.faults.add(spec) });
  });

  router.delete('/faults', (_req, res) => {
    emulator.faults.clear();
    res.status(204).end();
  });

  /** Websocket mode: devices (deleted ones too), sockets and the frames sent since `since`. */
  router.get('/mercury', (req, res) => {
    const since = sinceOf(req);
    res.json({ devices: emulator.mercury.devices(), sockets: emulator.mercury.sockets(), frames: emulator.mercury.frames.filter((f) => f.seq > since) });
  });

  /** A socket fault now: `{kind, personId?, deviceId?, ...}` (see mercury.ts); answers how many sockets or devices it touched. */
  router.post('/mercury/faults', (req, res) => {
    const body = (req.body ?? {}) as { kind?: string; personId?: string; deviceId?: string; code?: number; reason?: string; times?: number; status?: number; mode?: 'mentioned' | 'all' };
    const filter = { ...(body.personId ? { personId: body.personId } : {}), ...(body.deviceId ? { deviceId: body.deviceId } : {}) };
    const m = emulator.mercury;
    let affected = 0;
    switch (body.kind) {
      case 'drop':
        affected = m.drop(filter);
        break;
      case 'close':
        if (typeof body.code !== 'number') throw new Error('close needs a numeric code');
        affected = m.close(body.code, body.reason ?? '', filter);
        break;
      case 'missPongs':
        m.missPongs(body.times);
        break;
      case 'sequenceGap':
        affected = m.sequenceGap(filter);
        break;
      case 'replayOnNextConnect':
        affected = m.replayOnNextConnect(filter);
        break;
      case 'refuseSockets':
        m.refuseSockets(body.times, body.status);
        break;
      case 'refuseDeviceRegistrations':
        m.refuseDeviceRegistrations(body.times, body.status);
        break;
      case 'groupMessages':
        if (body.mode !== 'mentioned' && body.mode !== 'all') throw new Error('groupMessages needs mode mentioned or all');
        m.setGroupMessages(body.mode);
        break;
      default:
        throw new Error(`unknown socket fault ${String(body.kind)}`);
    }
    res.status(201).json({ affected });
  });

  router.delete('/mercury/faults', (_req, res) => {
    emulator.mercury.clearFaults();
    res.status(204).end();
  });

  router.post('/reset', (_req, res) => {
    emulator.reset();
    res.status(204).end();
  });

  router.get('/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const send = (event: string) => (data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const onCall = send('call');
    const onMessage = send('message');
    const onFrame = send('frame');
    const onSocket = send('socket');
    const onClosing = (): void => {
      res.end();
    };
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    emulator.events.on('call', onCall);
    emulator.events.on('message', onMessage);
    emulator.events.on('mercury-frame', onFrame);
    emulator.events.on('mercury-socket', onSocket);
    emulator.events.once('closing', onClosing);
    req.on('close', () => {
      clearInterval(heartbeat);
      emulator.events.off('call', onCall);
      emulator.events.off('message', onMessage);
      emulator.events.off('mercury-frame', onFrame);
      emulator.events.off('mercury-socket', onSocket);
      emulator.events.off('closing', onClosing);
    });
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 400;
    res.status(status >= 400 && status < 600 ? status : 400).json({ error: err instanceof Error ? err.message : String(err) });
  });

  return router;
}
