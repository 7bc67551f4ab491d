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
    const onClosing = (): void => {
      res.end();
    };
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    emulator.events.on('call', onCall);
    emulator.events.on('message', onMessage);
    emulator.events.once('closing', onClosing);
    req.on('close', () => {
      clearInterval(heartbeat);
      emulator.events.off('call', onCall);
      emulator.events.off('message', onMessage);
      emulator.events.off('closing', onClosing);
    });
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 400;
    res.status(status >= 400 && status < 600 ? status : 400).json({ error: err instanceof Error ? err.message : String(err) });
  });

  return router;
}
