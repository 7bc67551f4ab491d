import type { Logger } from '../log';
import type { WebexClient } from '../webex/client';
import type { ListPage, Webhook } from '../webex/types';
import { realTimers, type Timers } from './socket';

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

/** Oldest first; the ID breaks ties, so every instance picks the same webhook to keep. */
function byAge(a: Webhook, b: Webhook): number {
  return String(a.created ?? '').localeCompare(String(b.created ?? '')) || a.id.localeCompare(b.id);
}

async function listOurs(client: WebexClient, botToken: string, targetUrl: string): Promise<Webhook[]> {
  const { body } = await client.request<ListPage<Webhook>>({ method: 'GET', path: '/webhooks', token: botToken, query: { max: 100 } });
  return (body.items ?? []).filter((w) => w.targetUrl === targetUrl);
}

/**
 * Makes sure exactly one webhook per resource points at our URL, with our secret, active.
 * Idempotent and safe with several instances behind one URL: it creates what is missing, updates
 * what is stale, removes only surplus copies that point at our own URL, and never touches
 * webhooks that point elsewhere.
 *
 * Instances that start at the same moment all find nothing and all create a webhook. So after
 * creating, the list is read again and every copy but the oldest is removed: each instance keeps
 * the same one, and the last to look sees every copy, so exactly one is left.
 */
export async function ensureWebhooks(
  client: WebexClient,
  botToken: string,
  options: { targetUrl: string; secret: string; logger: Logger },
): Promise<RegisteredWebhooks> {
  const matching = (hooks: Webhook[], resource: string, event: string) =>
    hooks.filter((w) => w.resource === resource && w.event === event).sort(byAge);
  let existing = await listOurs(client, botToken, options.targetUrl);
  let created = false;
  for (const { resource, event } of WEBHOOK_RESOURCES) {
    if (matching(existing, resource, event).length > 0) continue;
    await client.request<Webhook>({
      method: 'POST',
      path: '/webhooks',
      token: botToken,
      json: { name: WEBHOOK_NAME, targetUrl: options.targetUrl, resource, event, secret: options.secret },
    });
    created = true;
    options.logger.info({ resource, event }, 'webhook created');
  }
  if (created) existing = await listOurs(client, botToken, options.targetUrl);

  const result: Webhook[] = [];
  for (const { resource, event } of WEBHOOK_RESOURCES) {
    const ours = matching(existing, resource, event);
    let webhook = ours[0];
    if (!webhook) throw new Error(`the ${resource}/${event} webhook vanished while it was being registered`);
    for (const surplus of ours.slice(1)) {
      await client
        .request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(surplus.id)}`, token: botToken, responseType: 'none' })
        .catch((err: unknown) => options.logger.warn({ err: String(err) }, 'could not remove a duplicate webhook'));
    }
    if (webhook.name !== WEBHOOK_NAME || webhook.secret !== options.secret || (webhook.status && webhook.status !== 'active')) {
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

/** How often webhook mode checks that its webhooks are still there and active. */
export const WEBHOOK_CHECK_MS = 5 * 60_000;

export interface WebhookWatch {
  /** One check now: lists the bot's webhooks; repairs them (and says so) only when needed. */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Webex disables a webhook after 100 failed deliveries within 5 minutes (a long store outage
 * answered 503, a bot down behind a live URL), and someone may delete one by hand: the bot would
 * hear nothing until restarted. Every `WEBHOOK_CHECK_MS` the registration is read again (one
 * list call); a webhook missing or inactive is registered again (`ensureWebhooks`) and
 * `onRepaired` runs, so the catch-up reads back what Webex did not deliver.
 */
export function watchWebhooks(
  client: WebexClient,
  botToken: string,
  options: { targetUrl: string; secret: string; logger: Logger; onRepaired(): void; timers?: Timers },
): WebhookWatch {
  const timers = options.timers ?? realTimers;
  let timer: unknown = null;
  let stopped = false;

  async function check(): Promise<void> {
    try {
      const ours = await listOurs(client, botToken, options.targetUrl);
      const broken = WEBHOOK_RESOURCES.filter(
        ({ resource, event }) => !ours.some((w) => w.resource === resource && w.event === event && (w.status ?? 'active') === 'active'),
      );
      if (broken.length === 0) return;
      options.logger.warn(
        { webhooks: broken.map(({ resource, event }) => `${resource}/${event}`), found: ours.map((w) => ({ resource: w.resource, status: w.status })) },
        'webhook missing or disabled by Webex: registering it again',
      );
      await ensureWebhooks(client, botToken, options);
      options.onRepaired();
    } catch (err) {
      options.logger.warn({ err: String(err) }, 'webhook check failed; tried again later');
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = timers.setTimeout(() => void check().then(schedule), WEBHOOK_CHECK_MS);
  }
  schedule();

  return {
    check,
    stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
    },
  };
}
