import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { silentLogger } from '../../src/log';
import type { Timers } from '../../src/transport/socket';
import { ensureWebhooks, WEBHOOK_CHECK_MS, watchWebhooks } from '../../src/transport/webhooks';
import { WebexClient } from '../../src/webex/client';
import type { ListPage, Webhook } from '../../src/webex/types';
import { until } from '../support/waiting';

/** Webhook registration against the emulator: several instances behind one URL. */
describe('ensureWebhooks', () => {
  let emulator: Emulator;
  let client: WebexClient;
  let token: string;
  const targetUrl = 'http://127.0.0.1:9/webhooks/webex';
  const options = { targetUrl, secret: 'shared-secret', logger: silentLogger() };

  beforeEach(async () => {
    emulator = await startEmulator();
    token = emulator.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' }).token;
    client = new WebexClient({ baseUrl: emulator.apiUrl, logger: silentLogger() });
  });

  afterEach(async () => {
    await client.close();
    await emulator.close();
  });

  async function webhooks(): Promise<Webhook[]> {
    const { body } = await client.request<ListPage<Webhook>>({ method: 'GET', path: '/webhooks', token });
    return body.items;
  }

  it('leaves one webhook per resource when several instances register at the same moment', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureWebhooks(client, token, options)));
    const ours = (await webhooks()).filter((w) => w.targetUrl === targetUrl);
    expect(ours.map((w) => `${w.resource}/${w.event}`).sort()).toEqual(['all/all', 'attachmentActions/created']);
    // Every instance reports the webhook that was kept.
    for (const r of results) {
      expect(ours.map((w) => w.id)).toContain(r.firehose.id);
      expect(ours.map((w) => w.id)).toContain(r.cards.id);
    }
  });

  it('never touches webhooks of other URLs', async () => {
    const foreign = await client.request<Webhook>({
      method: 'POST',
      path: '/webhooks',
      token,
      json: { name: 'other', targetUrl: 'http://127.0.0.1:9/elsewhere', resource: 'all', event: 'all' },
    });
    await Promise.all([ensureWebhooks(client, token, options), ensureWebhooks(client, token, options)]);
    expect((await webhooks()).map((w) => w.id)).toContain(foreign.body.id);
  });

  describe('watchWebhooks', () => {
    /** Timers that only record what was scheduled; the test runs the check itself. */
    function recordingTimers(): Timers & { scheduled: number[] } {
      const scheduled: number[] = [];
      return { scheduled, now: () => 0, setTimeout: (_fn, ms) => scheduled.push(ms), clearTimeout: () => undefined };
    }

    it('checks every 5 minutes with one list call, and changes nothing while both webhooks are active', async () => {
      await ensureWebhooks(client, token, options);
      const timers = recordingTimers();
      let repaired = 0;
      const watch = watchWebhooks(client, token, { ...options, timers, onRepaired: () => void (repaired += 1) });
      expect(timers.scheduled).toEqual([WEBHOOK_CHECK_MS]);
      const before = emulator.calls.length;
      await watch.check();
      expect(emulator.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v1/webhooks?max=100']);
      expect(repaired).toBe(0);
      watch.stop();
    });

    it('a webhook Webex disabled after 100 failed deliveries is made active again, and the catch-up is told', async () => {
      const registered = await ensureWebhooks(client, token, options);
      const target = registered.firehose.targetUrl;
      // Webex disables a webhook after 100 failed deliveries within 5 minutes.
      const alice = emulator.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
      const botId = (await client.request<{ id: string }>({ method: 'GET', path: '/people/me', token })).body.id;
      const direct = emulator.createDirectRoom(alice.id, botId).id;
      for (let i = 0; i < 100; i++) emulator.say({ as: alice.id, roomId: direct, text: `hello ${i}` });
      await until(async () => (await webhooks()).some((w) => w.targetUrl === target && w.resource === 'all' && w.status === 'inactive'), 'Webex disabled the webhook');
      let repaired = 0;
      const watch = watchWebhooks(client, token, { ...options, timers: recordingTimers(), onRepaired: () => void (repaired += 1) });
      await watch.check();
      const ours = (await webhooks()).filter((w) => w.targetUrl === target);
      expect(ours.map((w) => `${w.resource}/${w.event} ${w.status}`).sort()).toEqual(['all/all active', 'attachmentActions/created active']);
      expect(ours.find((w) => w.resource === 'all')?.id).toBe(registered.firehose.id);
      expect(repaired).toBe(1);
      watch.stop();
    });

    it('a webhook deleted by hand is registered again; a failed check is logged and tried again later', async () => {
      const registered = await ensureWebhooks(client, token, options);
      await client.request({ method: 'DELETE', path: `/webhooks/${registered.cards.id}`, token, responseType: 'none' });
      let repaired = 0;
      const timers = recordingTimers();
      const watch = watchWebhooks(client, token, { ...options, timers, onRepaired: () => void (repaired += 1) });
      await watch.check();
      expect((await webhooks()).filter((w) => w.targetUrl === targetUrl).map((w) => w.resource).sort()).toEqual(['all', 'attachmentActions']);
      expect(repaired).toBe(1);
      emulator.faults.add({ method: 'GET', path: '/webhooks', status: 503, times: 1 });
      await expect(watch.check()).resolves.toBeUndefined();
      expect(repaired).toBe(1);
      watch.stop();
    });
  });
});
