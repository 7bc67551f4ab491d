import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { silentLogger } from '../../src/log';
import { ensureWebhooks } from '../../src/transport/webhooks';
import { WebexClient } from '../../src/webex/client';
import type { ListPage, Webhook } from '../../src/webex/types';

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
});
