/**
 * One `convergedRecordings`/`created` webhook per person, registered with that person's own
 * token (bots have no recording scope). Idempotent across restarts and instances: the person's
 * webhook list at Webex is the truth; missing → created, stale → updated, surplus copies that
 * point at our URL → removed (the oldest is kept, so every instance keeps the same one).
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../log';
import type { WebexClient } from '../webex/client';
import { WebexApiError } from '../webex/errors';
import { createWebhook, deleteWebhook, listWebhooks, updateWebhook } from '../webex/person-webhooks';
import type { Webhook } from '../webex/types';

export const RECORDING_WEBHOOK_NAME = 'webex-recording-bot new recordings';

/** The recording webhooks' own secret, derived from WEBHOOK_SECRET (never equal to it). */
export function recordingWebhookSecret(webhookSecret: string): string {
  return createHmac('sha256', webhookSecret).update('convergedRecordings webhooks').digest('hex');
}

function byAge(a: Webhook, b: Webhook): number {
  return String(a.created ?? '').localeCompare(String(b.created ?? '')) || a.id.localeCompare(b.id);
}

async function ours(client: WebexClient, token: string, targetUrl: string): Promise<Webhook[]> {
  const hooks = await listWebhooks(client, token);
  return hooks.filter((w) => w.targetUrl === targetUrl && w.resource === 'convergedRecordings' && w.event === 'created').sort(byAge);
}

export async function ensureRecordingWebhook(
  client: WebexClient,
  token: string,
  options: { targetUrl: string; secret: string; logger: Logger },
): Promise<Webhook> {
  let existing = await ours(client, token, options.targetUrl);
  if (existing.length === 0) {
    await createWebhook(client, token, {
      name: RECORDING_WEBHOOK_NAME,
      targetUrl: options.targetUrl,
      resource: 'convergedRecordings',
      event: 'created',
      secret: options.secret,
    });
    existing = await ours(client, token, options.targetUrl);
  }
  let webhook = existing[0];
  if (!webhook) throw new Error('the recording webhook vanished while it was being registered');
  for (const surplus of existing.slice(1)) {
    await deleteWebhook(client, token, surplus.id).catch((err: unknown) => options.logger.warn({ err: String(err) }, 'could not remove a duplicate recording webhook'));
  }
  if (webhook.name !== RECORDING_WEBHOOK_NAME || webhook.secret !== options.secret || (webhook.status && webhook.status !== 'active')) {
    webhook = await updateWebhook(client, token, webhook.id, { name: RECORDING_WEBHOOK_NAME, targetUrl: options.targetUrl, secret: options.secret, status: 'active' });
  }
  return webhook;
}

/** Deletes the person's recording webhooks that point at us (by ID when known); a 404 means already gone. */
export async function removeRecordingWebhooks(
  client: WebexClient,
  token: string,
  options: { targetUrl: string; knownId: string | null },
): Promise<void> {
  const ids = new Set<string>();
  if (options.knownId) ids.add(options.knownId);
  for (const hook of await ours(client, token, options.targetUrl).catch(() => [] as Webhook[])) ids.add(hook.id);
  for (const id of ids) {
    await deleteWebhook(client, token, id).catch((err: unknown) => {
      if (err instanceof WebexApiError && err.status === 404) return;
      throw err;
    });
  }
}
