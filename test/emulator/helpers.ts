/** Helpers for the emulator tests: a webhook receiver that keeps raw bodies, and small HTTP shortcuts. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordingFixture } from '../../dev/sandbox/emulator';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { id: string; name: string; resource: string; event: string; actorId: string; data: Record<string, unknown> } & Record<string, unknown>;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status answered to deliveries (default 200). */
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: Receiver = { url: '', received, status: 200, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
      res.statusCode = receiver.status;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}

export async function getJson<T = any>(url: string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers: token ? bearer(token, headers) : headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function sendJson<T = any>(method: string, url: string, token: string | undefined, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? bearer(token) : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A recording fixture with sensible defaults. */
export function recordingFixture(overrides: Partial<RecordingFixture> & { id: string; ownerId: string; ownerEmail: string }): RecordingFixture {
  return {
    topic: 'call with default',
    createTime: '2023-11-01T23:09:05+08:00',
    timeRecorded: '2023-11-01T15:27:29+08:00',
    format: 'MP3',
    durationSeconds: 298,
    sizeBytes: 299918,
    serviceType: 'calling',
    status: 'available',
    ownerType: 'user',
    storageRegion: 'US',
    serviceData: { locationId: '02a43ee9-17ae-4e0c-9e79-720e3a6503fd', callSessionId: 'c61b357e-8f53-4d97-9cd2-ae3202796fb0' },
    ...overrides,
  };
}
