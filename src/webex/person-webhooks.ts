/**
 * `/webhooks` with a person's own token: the webhooks that person's authorization created
 * (Webex lists, changes and deletes them only for that token).
 */
import type { WebexClient } from './client';
import type { ListPage, Webhook } from './types';

export async function listWebhooks(client: WebexClient, token: string): Promise<Webhook[]> {
  const { body } = await client.request<ListPage<Webhook>>({ method: 'GET', path: '/webhooks', token, query: { max: 100 } });
  return Array.isArray(body?.items) ? body.items : [];
}

export async function createWebhook(
  client: WebexClient,
  token: string,
  webhook: { name: string; targetUrl: string; resource: string; event: string; secret: string },
): Promise<Webhook> {
  const { body } = await client.request<Webhook>({ method: 'POST', path: '/webhooks', token, json: webhook });
  return body;
}

export async function updateWebhook(
  client: WebexClient,
  token: string,
  id: string,
  webhook: { name: string; targetUrl: string; secret: string; status: 'active' },
): Promise<Webhook> {
  const { body } = await client.request<Webhook>({ method: 'PUT', path: `/webhooks/${encodeURIComponent(id)}`, route: '/webhooks/{id}', token, json: webhook });
  return body;
}

export async function deleteWebhook(client: WebexClient, token: string, id: string): Promise<void> {
  await client.request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(id)}`, route: '/webhooks/{id}', token, responseType: 'none' });
}
