import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from './log';
import { checkEnvelope, MAX_ENVELOPE_DEPTH, withinNestingDepth } from './transport/envelope-check';
import { isValidSignature } from './transport/signature';
import { isStoreUnavailable } from './store/errors';

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
  /**
   * New-recording webhooks (`POST /webhooks/recordings`), registered with each person's token
   * and signed with their own secret; absent when the bot does not run in webhook mode.
   */
  recordingWebhook?: { secret: string; onEvent(envelope: object): Promise<void> };
}

const WEBHOOK_BODY_LIMIT = '1mb';

/** Where the people's new-recording webhooks point (under PUBLIC_URL). */
export const RECORDING_WEBHOOK_ROUTE = '/webhooks/recordings';

/**
 * Sent with every response: the bot's pages are static text with inline styles, never framed,
 * never sniffed into another type. Harmless on JSON and plain-text answers.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
};

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
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    next();
  });

  /** A POST of a Webex webhook: signature checked over the raw body, then a JSON object. */
  const signedWebhookRoute = (path: string, secret: () => string | null, accept: (envelope: object) => Promise<void>) => {
    app.post(path, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
      if (!deps.acceptingEvents()) {
        res.status(503).set('Retry-After', '5').send('stopping');
        return;
      }
      const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const key = secret();
      if (key === null || !isValidSignature(key, raw, req.headers['x-spark-signature'])) {
        deps.logger.warn({ route: path, signature: req.headers['x-spark-signature'] ? 'wrong' : 'missing' }, 'webhook refused: bad signature');
        res.status(401).send('invalid signature');
        return;
      }
      // Signed is not yet well formed: depth is bounded before parsing (the size by the body
      // limit above), and only a Webex event envelope is handed on to be stored.
      const refused = (reason: string, answer: string) => {
        deps.logger.warn({ route: path, reason }, 'webhook refused: not a Webex event');
        res.status(400).send(answer);
      };
      if (!withinNestingDepth(raw, MAX_ENVELOPE_DEPTH)) {
        refused(`nested deeper than ${MAX_ENVELOPE_DEPTH} levels`, 'too deeply nested');
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        res.status(400).send('invalid JSON');
        return;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        res.status(400).send('expected a JSON object');
        return;
      }
      const checked = checkEnvelope(parsed);
      if (!checked.ok) {
        refused(checked.reason, 'not a Webex event');
        return;
      }
      const envelope = checked.envelope;
      try {
        await accept(envelope);
        res.status(200).send('OK');
      } catch (err) {
        // Nothing is acknowledged that is not stored: a database that is away is "try again
        // later" (503), anything else is a failure of the bot (500).
        if (isStoreUnavailable(err)) {
          deps.logger.warn({ route: path, err: String(err) }, 'webhook not stored: the database is unavailable');
          res.status(503).set('Retry-After', '5').send('database unavailable');
          return;
        }
        deps.logger.error({ err: String(err) }, 'webhook could not be accepted');
        res.status(500).send('error');
      }
    });
  };
  signedWebhookRoute('/webhooks/webex', () => deps.webhookSecret, (envelope) => deps.onWebhook(envelope));
  if (deps.recordingWebhook) {
    const recordings = deps.recordingWebhook;
    signedWebhookRoute(RECORDING_WEBHOOK_ROUTE, () => recordings.secret, (envelope) => recordings.onEvent(envelope));
  }

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

  app.use((_req: Request, res: Response) => {
    res.status(404).type('text').send('not found');
  });

  // Anything a route or a body parser throws: one JSON log line, a short answer, no stack trace on stderr.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: unknown; statusCode?: unknown; type?: unknown };
    const candidate = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
    const status = candidate >= 400 && candidate < 600 ? candidate : 500;
    const line = { method: req.method, route: req.path.slice(0, 200), status, type: typeof e?.type === 'string' ? e.type : undefined, err: String(err) };
    if (status >= 500) deps.logger.error(line, 'request failed');
    else deps.logger.warn(line, 'request refused');
    if (res.headersSent) return;
    res.status(status).type('text').send(status >= 500 ? 'error' : 'bad request');
  });

  return app;
}
