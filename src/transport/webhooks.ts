import type { Logger } from '../log';
import type { WebexClient } from '../webex/client';
import type { ListPage, Webhook } from '../webex/types';

/** The two webhooks the bot needs: everything, and card clicks (not part of the firehose). */
export const WEBHOOK_RESOURCES: ReadonlyArray<{ resource: string; event: string }> = [
  { resource: 'all', event: 'all' },
  { resource: 'attachmentActions', event: 'created' },
];

export const WEBHOOK_NAME = 'webex-recording-bot';

export interface RegisteredWebhooks {
  firehose: Webhook;
  cards: Webhook;
}

/**
 * Makes sure exactly one webhook per resource points at our URL, with our secret, active.
 * Idempotent and safe with several instances behind one URL: it creates what is missing, updates
 * what is stale, removes only surplus copies that point at our own URL, and never touches
 * webhooks that point elsewhere.
 */
export async function ensureWebhooks(
  client: WebexClient,
  botToken: string,
  options: { targetUrl: string; secret: string; logger: Logger },
): Promise<RegisteredWebhooks> {
  const { body } = await client.request<ListPage<Webhook>>({ method: 'GET', path: '/webhooks', token: botToken, query: { max: 100 } });
  const existing = body.items ?? [];
  const result: Webhook[] = [];
  for (const { resource, event } of WEBHOOK_RESOURCES) {
    const ours = existing
      .filter((w) => w.targetUrl === options.targetUrl && w.resource === resource && w.event === event)
      .sort((a, b) => String(a.created ?? '').localeCompare(String(b.created ?? '')));
    let webhook = ours[0];
    for (const surplus of ours.slice(1)) {
      await client
        .request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(surplus.id)}`, token: botToken, responseType: 'none' })
        .catch((err: unknown) => options.logger.warn({ err: String(err) }, 'could not remove a duplicate webhook'));
    }
    if (!webhook) {
      const created = await client.request<Webhook>({
        method: 'POST',
        path: '/webhooks',
        token: botToken,
        json: { name: WEBHOOK_NAME, targetUrl: options.targetUrl, resource, event, secret: options.secret },
      });
      webhook = created.body;
      options.logger.info({ resource, event }, 'webhook created');
    } else if (webhook.name !== WEBHOOK_NAME || webhook.secret !== options.secret || (webhook.status && webhook.status !== 'active')) {
      const updated = await client.request<Webhook>({
        method: 'PUT',
        path: `/webhooks/${encodeURIComponent(webhook.id)}`,
        token: botToken,
        json: { name: WEBHOOK_NAME, targetUrl: options.targetUrl, secret: options.secret, status: 'active' },
      });
      webhook = updated.body;
      options.logger.info({ resource, event }, 'webhook updated');
    }
    result.push(webhook);
  }
  return { firehose: result[0]!, cards: result[1]! };
}
