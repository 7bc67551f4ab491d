/**
 * Messages API, used with the BOT token where the bot posts or deletes by itself (files, card
 * replacement) rather than through the bot framework.
 */
import { FormData } from 'undici';
import type { WebexClient } from './client';
import type { CardAttachment, Message } from './types';

interface Destination {
  /** A space; or `toPersonId` for a direct message. */
  roomId?: string;
  toPersonId?: string;
  /** Threads the message under this one. */
  parentId?: string;
}

export interface PostMessageInput extends Destination {
  markdown?: string;
  text?: string;
  attachments?: CardAttachment[];
}

export interface PostFileInput extends Destination {
  markdown?: string;
  fileName: string;
  contentType: string;
  body: Buffer;
}

function checkDestination(input: Destination): void {
  if (!input.roomId && !input.toPersonId) throw new TypeError('a message needs roomId or toPersonId');
}

/** `POST /messages` with JSON (text, markdown, and at most one card). */
export async function postMessage(client: WebexClient, botToken: string, input: PostMessageInput): Promise<Message> {
  checkDestination(input);
  const json: Record<string, unknown> = {};
  for (const key of ['roomId', 'toPersonId', 'parentId', 'markdown', 'text', 'attachments'] as const) {
    if (input[key] !== undefined) json[key] = input[key];
  }
  const { body } = await client.request<Message>({ method: 'POST', path: '/messages', token: botToken, json });
  return body;
}

/** `DELETE /messages/{id}`. */
export async function deleteMessage(client: WebexClient, botToken: string, id: string): Promise<void> {
  await client.request({
    method: 'DELETE',
    path: `/messages/${encodeURIComponent(id)}`,
    route: '/messages/{id}',
    token: botToken,
    responseType: 'none',
  });
}

/** `POST /messages` as multipart/form-data with the file in the `files` field. */
export async function postFile(client: WebexClient, botToken: string, input: PostFileInput): Promise<Message> {
  checkDestination(input);
  const form = new FormData();
  for (const key of ['roomId', 'toPersonId', 'parentId', 'markdown'] as const) {
    const value = input[key];
    if (value !== undefined) form.append(key, value);
  }
  // A copy into a plain ArrayBuffer: Blob does not take views of shared memory.
  form.append('files', new Blob([Uint8Array.from(input.body)], { type: input.contentType }), input.fileName);
  const { body } = await client.request<Message>({ method: 'POST', path: '/messages', token: botToken, multipart: form });
  return body;
}
