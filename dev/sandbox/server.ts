/**
 * The sandbox's chat page server: the static page, the browser bundles of the Adaptive Cards
 * renderer and markdown-it, a description of the sandbox's world (`/api/sandbox`), and a
 * same-origin proxy from `/api/*` to the emulator's control API (`/_emulator/*`), SSE included.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Request, type Response } from 'express';

/**
 * The page's source folder, dev/sandbox/page. Static files are not compiled, so it is found from
 * the repository root, both from dev/sandbox (ts-jest) and from dist-dev/dev/sandbox (node).
 */
export const PAGE_DIR = path.join(repositoryRoot(__dirname), 'dev/sandbox/page');

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export interface PageServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Base URL of the emulator (its control API lives under `/_emulator`). */
  emulatorUrl: string;
  /** What `/api/sandbox` answers: the cast, the spaces and the fixture recordings. */
  describe(): unknown;
  /**
   * A file posted in a space, downloaded as the person `as` would in a Webex client (file URLs
   * need a token); `null` when it is not a file of the emulator or the person may not see it.
   */
  openFile(as: string, url: string): Promise<SpaceFile | null>;
  /** The zone the bot shows a person's times in (`/api/zone?person=`), for the chat header. */
  zoneOf(personId: string): Promise<{ zone: string; source: string } | null>;
}

export interface SpaceFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

export interface PageServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

const VENDOR_FILES: Record<string, string> = {
  'adaptivecards.js': 'adaptivecards/dist/adaptivecards.min.js',
  'markdown-it.js': 'markdown-it/dist/markdown-it.min.js',
};

function formatBytes(bytes: number): string {
  return bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} kB`;
}

/** Forwards one request to the emulator's control API and streams the answer back (SSE too). */
function proxyToEmulator(emulatorUrl: string, req: IncomingMessage, res: ServerResponse, rest: string): void {
  const target = new URL(`/_emulator/${rest}`, emulatorUrl);
  const headers: http.OutgoingHttpHeaders = { accept: req.headers.accept ?? '*/*' };
  if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
  if (req.headers['content-length']) headers['content-length'] = req.headers['content-length'];
  const upstream = http.request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, {
      'content-type': answer.headers['content-type'] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `The emulator did not answer: ${err.message}` }));
  });
  // The browser closing an event stream must close the upstream stream too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const app = express();
  app.disable('x-powered-by');

  // `run` tells this start of the sandbox from the next one (the emulator's IDs repeat): an open
  // page that reconnects to another run starts again, and says so.
  const run = randomUUID();
  app.get('/api/sandbox', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').json({ ...(options.describe() as object), run });
  });
  app.get('/api/zone', async (req: Request, res: Response) => {
    const zone = await options.zoneOf(String(req.query.person ?? '')).catch(() => null);
    if (zone) res.set('Cache-Control', 'no-store').json(zone);
    else res.status(404).json({ message: 'No such person in the sandbox.' });
  });
  const fileOf = async (req: Request, res: Response): Promise<SpaceFile | null> => {
    const file = await options.openFile(String(req.query.as ?? ''), String(req.query.url ?? '')).catch(() => null);
    if (!file) res.status(404).json({ message: 'No such file in this space.' });
    return file;
  };
  app.get('/file/meta', async (req: Request, res: Response) => {
    const file = await fileOf(req, res);
    if (file) res.json({ filename: file.filename, contentType: file.contentType, size: formatBytes(file.body.length) });
  });
  app.get('/file', async (req: Request, res: Response) => {
    const file = await fileOf(req, res);
    if (!file) return;
    // Text opens in the tab; anything else downloads.
    const inline = /^text\/|json/.test(file.contentType);
    res.set('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${encodeURIComponent(file.filename)}"`);
    res.type(inline && file.contentType.startsWith('text/') && !/charset/.test(file.contentType) ? `${file.contentType}; charset=utf-8` : file.contentType).send(file.body);
  });
  app.all('/api/{*rest}', (req: Request, res: Response) => {
    const rest = req.originalUrl.replace(/^\/api\//, '');
    proxyToEmulator(options.emulatorUrl, req, res, rest);
  });
  app.get('/vendor/:file', (req: Request, res: Response) => {
    const module = VENDOR_FILES[String(req.params.file)];
    if (!module) {
      res.status(404).send('not found');
      return;
    }
    res.type('application/javascript').sendFile(require.resolve(module));
  });
  app.use(express.static(PAGE_DIR, { index: 'index.html', etag: false, cacheControl: false }));

  const server = app.listen(options.port, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${options.port} is already in use: stop what runs there, or set PORT to another port`) : err);
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Event streams never end by themselves.
      server.closeAllConnections();
      await closed;
    },
  };
}
