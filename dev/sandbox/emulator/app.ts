/** The emulator's express app: control API, then every Webex-facing route behind tracking, call log and faults. */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { identifyCaller, requireCaller } from './auth';
import { delayCalls, trackAndLogCalls } from './calllog';
import type { EmulatorContext } from './context';
import { ApiError, sendApiError, sendWebexError } from './errors';
import { messagesRouter } from './routes/messages';
import { oauthRouter } from './routes/oauth';
import { peopleRouter } from './routes/people';
import { downloadsRouter, recordingsRouter } from './routes/recordings';
import { roomsRouter } from './routes/rooms';
import { webhooksRouter } from './routes/webhooks';
import { metricsRouter, u2cRouter, wdmRouter } from './routes/websocket';

function webexErrorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof ApiError) return sendApiError(res, err);
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return sendWebexError(res, 400, 'The request body is not valid JSON.');
  if (e?.type === 'entity.too.large') return sendWebexError(res, 413, 'The request body is too large.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return sendWebexError(res, e.status, e.message);
  sendWebexError(res, 500, `Emulator error: ${e?.message ?? String(err)}`);
}

export function buildApp(ctx: EmulatorContext, control: Router): express.Express {
  const { state } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use('/_emulator', control);

  app.use(trackAndLogCalls(state));
  app.use(delayCalls(state.config.latencyMs));
  app.use(identifyCaller(state));
  app.use(ctx.faults.middleware());

  const v1 = express.Router();
  v1.use(express.json({ limit: '2mb', type: ['application/json', 'application/*+json'] }));
  v1.use(express.urlencoded({ extended: false, limit: '1mb' }));
  v1.use(express.raw({ type: 'multipart/form-data', limit: '110mb' }));
  v1.use(oauthRouter(state, ctx.oauth));
  v1.use(requireCaller);
  v1.use(peopleRouter(state));
  v1.use(webhooksRouter(state));
  v1.use(roomsRouter(state, ctx.rooms));
  v1.use(messagesRouter(state, ctx.messaging));
  v1.use(recordingsRouter(state, ctx.recordings));
  v1.use((_req, res) => sendWebexError(res, 404));
  app.use('/v1', v1);

  app.use('/downloads', downloadsRouter(ctx.recordings));
  app.use('/u2c/api/v1', u2cRouter(ctx.mercury));
  app.use('/wdm/api/v1', wdmRouter(ctx.mercury));
  app.use('/metrics/api/v1', metricsRouter());
  app.use((_req, res) => sendWebexError(res, 404));
  app.use(webexErrorHandler);
  return app;
}
