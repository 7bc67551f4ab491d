import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from './log';
import { isValidSignature } from './transport/signature';

/**
 * The HTTP surface (README, "Deploying"). Routes only translate HTTP to calls of the bot's parts;
 * the parts are passed in.
 */
export interface ServerDeps {
  logger: Logger;
  /** Set in webhook mode: every POST /webhooks/webex must carry its HMAC-SHA1 signature. */
  webhookSecret: string | null;
  /** A verified webhook envelope. Resolves once the event is accepted (processing goes on). */
  onWebhook(envelope: unknown): Promise<void>;
  /** False while stopping: new events are refused with 503. */
  acceptingEvents(): boolean;
  /** Database reachable and bot started. */
  isReady(): Promise<boolean>;
  oauthCallback(query: Record<string, string | undefined>): Promise<{ status: number; html: string }>;
  oauthStart?(query: Record<string, string | undefined>): Promise<{ status: number; html?: string; redirect?: string }>;
  metrics?(): Promise<{ contentType: string; body: string }>;
}

const WEBHOOK_BODY_LIMIT = '1mb';

function queryOf(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.query)) {
    out[key] = typeof value === 'string' ? value : undefined;
  }
  return out;
}

export function createServer(deps: ServerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.post('/webhooks/webex', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
    if (!deps.acceptingEvents()) {
      res.status(503).set('Retry-After', '5').send('stopping');
      return;
    }
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (deps.webhookSecret === null || !isValidSignature(deps.webhookSecret, raw, req.headers['x-spark-signature'])) {
      deps.logger.warn({ route: '/webhooks/webex', signature: req.headers['x-spark-signature'] ? 'wrong' : 'missing' }, 'webhook refused: bad signature');
      res.status(401).send('invalid signature');
      return;
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).send('invalid JSON');
      return;
    }
    try {
      await deps.onWebhook(envelope);
      res.status(200).send('OK');
    } catch (err) {
      deps.logger.error({ err: String(err) }, 'webhook could not be accepted');
      res.status(500).send('error');
    }
  });

  app.get('/oauth/callback', async (req: Request, res: Response) => {
    const result = await deps.oauthCallback(queryOf(req));
    res.status(result.status).type('html').set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').send(result.html);
  });

  if (deps.oauthStart) {
    const start = deps.oauthStart;
    app.get('/oauth/start', async (req: Request, res: Response) => {
      const result = await start(queryOf(req));
      res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
      if (result.redirect) res.redirect(302, result.redirect);
      else res.status(result.status).type('html').send(result.html ?? '');
    });
  }

  app.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req: Request, res: Response) => {
    const ready = deps.acceptingEvents() && (await deps.isReady().catch(() => false));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });

  if (deps.metrics) {
    const metrics = deps.metrics;
    app.get('/metrics', async (_req: Request, res: Response) => {
      const m = await metrics();
      res.type(m.contentType).send(m.body);
    });
  }

  return app;
}
