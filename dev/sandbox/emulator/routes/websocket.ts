/**
 * The REST half of websocket mode (see mercury.ts): the U2C service catalog, WDM device
 * registrations and the client-metrics sink.
 */
import express, { Router } from 'express';
import { callerOf, requireCaller } from '../auth';
import type { MercuryService } from '../mercury';

const json = express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] });

/** Mounted at /u2c/api/v1: the limited catalog needs no token, the full one does. */
export function u2cRouter(mercury: MercuryService): Router {
  const router = Router();
  router.get('/limited/catalog', (_req, res) => {
    res.json(mercury.catalog('limited'));
  });
  router.get('/catalog', requireCaller, (_req, res) => {
    res.json(mercury.catalog('full'));
  });
  return router;
}

/** Mounted at /wdm/api/v1: the caller's devices. */
export function wdmRouter(mercury: MercuryService): Router {
  const router = Router();
  router.use(requireCaller);
  router.use(json);
  router.post('/devices', (req, res) => {
    res.json(mercury.registerDevice(callerOf(res).personId, bodyOf(req.body)));
  });
  router.get('/devices', (_req, res) => {
    res.json({ devices: mercury.listDevices(callerOf(res).personId) });
  });
  router.delete('/devices', (_req, res) => {
    mercury.deleteAllDevices(callerOf(res).personId);
    res.status(204).end();
  });
  router.get('/devices/:id', (req, res) => {
    const { buffer: _b, replayOnNextConnect: _r, refreshedAt: _t, ...device } = mercury.requireDevice(callerOf(res).personId, String(req.params.id));
    res.json({ ...device, features: { developer: [], entitlement: [], user: [] } });
  });
  router.put('/devices/:id', (req, res) => {
    res.json(mercury.refreshDevice(callerOf(res).personId, String(req.params.id), bodyOf(req.body)));
  });
  router.delete('/devices/:id', (req, res) => {
    mercury.deleteDevice(callerOf(res).personId, String(req.params.id));
    res.status(204).end();
  });
  return router;
}

/** Mounted at /metrics/api/v1: the SDK's client metrics, accepted and dropped. */
export function metricsRouter(): Router {
  const router = Router();
  for (const path of ['/clientmetrics', '/clientmetrics-prelogin']) {
    router.post(path, (_req, res) => {
      res.status(204).end();
    });
  }
  return router;
}

function bodyOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
