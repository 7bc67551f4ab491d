/**
 * `transport.dispatch` on the real framework and the emulator, in this process: it settles when
 * the bot is done with the event, and rejects with the WebexApiError of a read the framework
 * needed that failed after retries, instead of the framework dropping the event silently.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { createFrameworkTransport } from '../../src/transport/framework';
import type { InboundEvent, Transport } from '../../src/transport/types';
import { WebexClient, type WebexCallInfo } from '../../src/webex/client';
import { WebexApiError } from '../../src/webex/errors';
import { postMessage } from '../../src/webex/messages';
import { DEADLINE_MS } from '../support/waiting';

describe('transport.dispatch (framework on the emulator)', () => {
  let emu: Emulator;
  let server: Server;
  let transport: Transport;
  let client: WebexClient;
  let botToken: string;
  let botId: string;
  let alice: { id: string };
  let direct: string;
  const calls: WebexCallInfo[] = [];
  /** Each delivered envelope and what its dispatch did. */
  interface Dispatched {
    envelope: { resource: string; data: { id: string } };
    result: Promise<unknown>;
  }
  const dispatched: Dispatched[] = [];
  let onEvent: (event: InboundEvent) => Promise<void> = async () => undefined;

  /** The dispatch of the webhook about `id` (a message or an attachment action), once delivered. */
  async function dispatchOf(id: string, timeoutMs = DEADLINE_MS): Promise<Dispatched> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = dispatched.find((d) => d.envelope.data.id === id);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no webhook for ${id}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  beforeAll(async () => {
    emu = await startEmulator();
    const bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    botToken = bot.token;
    botId = bot.person.id;
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    direct = emu.createDirectRoom(alice.id, botId).id;

    const app = express();
    app.use(express.json());
    app.post('/webhooks/webex', (req, res) => {
      res.sendStatus(200);
      const result = transport.dispatch(req.body).then(
        () => 'resolved' as const,
        (err: unknown) => err,
      );
      dispatched.push({ envelope: req.body, result });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    const config = loadConfig({
      WEBEX_BOT_TOKEN: botToken,
      WEBEX_API_URL: emu.apiUrl,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      WEBHOOK_SECRET: 'dispatch-secret',
      WEBEX_CLIENT_ID: 'client-id',
      WEBEX_CLIENT_SECRET: 'client-secret-value',
    });
    const logger = createLogger({ level: 'silent' });
    // No real waiting between retries: the faults below are about outcomes, not timing.
    client = new WebexClient({ baseUrl: emu.apiUrl, logger, sleep: async () => undefined, onCall: (info) => calls.push(info) });
    transport = createFrameworkTransport({ config, client, logger, onEvent: (event) => onEvent(event) });
    await transport.start();
  });

  afterEach(() => {
    emu.faults.clear();
    onEvent = async () => undefined;
  });

  afterAll(async () => {
    await transport?.stop();
    await new Promise((resolve) => server?.close(resolve));
    await client?.close();
    await emu?.close();
  });

  it("resolves only once the handler's promise has settled", async () => {
    let finish: () => void = () => undefined;
    const seen: InboundEvent[] = [];
    onEvent = (event) => {
      seen.push(event);
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const asked = emu.say({ as: alice.id, roomId: direct, text: 'recording one' });
    const entry = await dispatchOf(asked.id);
    let settled = false;
    void entry.result.then(() => (settled = true));
    // The handler has the event (a positive sign) and is still working: dispatch waits for it.
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(seen[0]).toMatchObject({ kind: 'message', messageId: asked.id, personId: alice.id, roomId: direct, text: 'recording one' });
    finish();
    await expect(entry.result).resolves.toBe('resolved');
  });

  it('rejects with the WebexApiError when the message read fails after retries', async () => {
    const seen: InboundEvent[] = [];
    onEvent = async (event) => void seen.push(event);
    emu.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, status: 503, times: 4 });
    const asked = emu.say({ as: alice.id, roomId: direct, text: 'recording two' });
    const err = await (await dispatchOf(asked.id)).result;
    expect(err).toBeInstanceOf(WebexApiError);
    expect(err).toMatchObject({ status: 503, method: 'GET', path: `/messages/${asked.id}`, attempts: 4 });
    expect((err as WebexApiError).trackingId).toBe(emu.calls.filter((c) => c.path === `/v1/messages/${asked.id}`).at(-1)!.trackingId);
    expect(seen).toEqual([]);
  });

  it("rejects when the author's person read fails, and a single failure is retried", async () => {
    const seen: InboundEvent[] = [];
    onEvent = async (event) => void seen.push(event);
    emu.faults.add({ method: 'GET', path: `/v1/people/${alice.id}`, status: 429, retryAfter: 1, times: 4 });
    const failed = emu.say({ as: alice.id, roomId: direct, text: 'recording three' });
    await expect((await dispatchOf(failed.id)).result).resolves.toMatchObject({ name: 'WebexApiError', status: 429, path: `/people/${alice.id}` });
    expect(seen).toEqual([]);

    emu.faults.add({ method: 'GET', path: `/v1/people/${alice.id}`, status: 503, times: 1 });
    const retried = emu.say({ as: alice.id, roomId: direct, text: 'recording four' });
    await expect((await dispatchOf(retried.id)).result).resolves.toBe('resolved');
    expect(seen.map((e) => e.kind === 'message' && e.text)).toEqual(['recording four']);
  });

  it('reads through our client: routes recorded in its metrics, no batched people lookup', async () => {
    const before = calls.length;
    const asked = emu.say({ as: alice.id, roomId: direct, text: 'recording five' });
    await expect((await dispatchOf(asked.id)).result).resolves.toBe('resolved');
    const routes = calls.slice(before).map((c) => `${c.method} ${c.route}`);
    expect(routes).toEqual(expect.arrayContaining(['GET /messages/{id}', 'GET /people/{id}']));
    expect(emu.calls.filter((c) => c.path.startsWith('/v1/people?'))).toEqual([]);
  });

  it('rejects when the attachment action read fails; delivers the click otherwise', async () => {
    const seen: InboundEvent[] = [];
    onEvent = async (event) => void seen.push(event);
    const card = await postMessage(client, botToken, {
      roomId: direct,
      markdown: 'a card',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', body: [], actions: [{ type: 'Action.Submit', title: 'Go' }] } }],
    });
    emu.faults.add({ method: 'GET', path: /^\/v1\/attachment\/actions\//, status: 502, times: 4 });
    const failed = emu.click({ as: alice.id, messageId: card.id, inputs: { go: 1 } });
    await expect((await dispatchOf(failed.id)).result).resolves.toMatchObject({ name: 'WebexApiError', status: 502 });
    const clicked = emu.click({ as: alice.id, messageId: card.id, inputs: { go: 2 } });
    await expect((await dispatchOf(clicked.id)).result).resolves.toBe('resolved');
    expect(seen).toEqual([expect.objectContaining({ kind: 'click', actionId: clicked.id, cardMessageId: card.id, personId: alice.id, inputs: { go: 2 } })]);
  });

  it("resolves without a read for the bot's own message", async () => {
    const own = await postMessage(client, botToken, { roomId: direct, markdown: 'from the bot' });
    await expect((await dispatchOf(own.id)).result).resolves.toBe('resolved');
    expect(emu.calls.filter((c) => c.method === 'GET' && c.path === `/v1/messages/${own.id}`)).toEqual([]);
  });

  it("rejects with the handler's error", async () => {
    onEvent = async () => {
      throw new Error('handler broke');
    };
    const asked = emu.say({ as: alice.id, roomId: direct, text: 'recording six' });
    await expect((await dispatchOf(asked.id)).result).resolves.toMatchObject({ message: 'handler broke' });
  });

  it('rejects when discovering a new space fails (room read), and reads the next event of it', async () => {
    const seen: InboundEvent[] = [];
    onEvent = async (event) => void seen.push(event);
    const roomPath = /^\/v1\/rooms\/[^/]+$/;
    emu.faults.add({ method: 'GET', path: roomPath, status: 503, times: 4 });
    // Being added to the space is the first event of it: discovering the space fails.
    const group = emu.createGroupRoom('New space', [alice.id, botId]).id;
    let added: Dispatched | undefined;
    while (!(added = dispatched.find((d) => d.envelope.resource === 'memberships' && (d.envelope.data as { roomId?: string }).roomId === group))) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await expect(added.result).resolves.toMatchObject({ name: 'WebexApiError', status: 503, path: `/rooms/${group}` });
    const next = emu.say({ as: alice.id, roomId: group, text: 'recording eight', mentionBot: true });
    await expect((await dispatchOf(next.id)).result).resolves.toBe('resolved');
    expect(seen).toEqual([expect.objectContaining({ kind: 'message', messageId: next.id, roomType: 'group', text: 'recording eight' })]);
  });
});
