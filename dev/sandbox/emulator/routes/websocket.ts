/**
 * The REST half of websocket mode (see mercury.ts): the U2C service catalog, WDM device
 * registrations and the client-metrics sink.
 */
import express, { Router } from 'express';
import { callerOf, requireCaller } from '../auth';
import { catalog } from '../catalog';
import type { EmulatorState } from '../state';
import type { DeviceRegistry } from '../devices';

const json = express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] });

/** Mounted at /u2c/api/v1: the limited catalog needs no token, the full one does. */
export function u2cRouter(state: EmulatorState): Router {
  const router = Router();
  router.get('/limited/catalog', (_req, res) => {
    res.json(catalog(state.baseUrl, 'limited'));
  });
  router.get('/catalog', requireCaller, (_req, res) => {
    res.json(catalog(state.baseUrl, 'full'));
  });
  return router;
}

/** Mounted at /wdm/api/v1: the caller's devices. */
export function wdmRouter(devices: DeviceRegistry): Router {
  const router = Router();
  router.use(requireCaller);
  router.use(json);
  router.post('/devices', (req, res) => {
    res.json(devices.register(callerOf(res).personId, bodyOf(req.body)));
  });
  router.get('/devices', (_req, res) => {
    res.json({ devices: devices.list(callerOf(res).personId) });
  });
  router.delete('/devices', (_req, res) => {
    devices.deleteAll(callerOf(res).personId);
    res.status(204).end();
  });
  router.get('/devices/:id', (req, res) => {
    const { buffer: _b, replayOnNextConnect: _r, refreshedAt: _t, ...device } = devices.require(callerOf(res).personId, String(req.params.id));
    res.json({ ...device, features: { developer: [], entitlement: [], user: [] } });
  });
  router.put('/devices/:id', (req, res) => {
    res.json(devices.refresh(callerOf(res).personId, String(req.params.id), bodyOf(req.body)));
  });
  router.delete('/devices/:id', (req, res) => {
    devices.delete(callerOf(res).personId, String(req.params.id));
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
