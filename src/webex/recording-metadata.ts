/**
 * `GET /convergedRecordings/{id}/metadata`: who the call was with. Read with the same token as
 * the details; the numbers in it are personal data and never logged.
 */
import type { WebexClient } from './client';
import type { RecordingMetadata } from './types';

export async function getRecordingMetadata(client: WebexClient, token: string, id: string): Promise<RecordingMetadata> {
  const { body } = await client.request<RecordingMetadata>({
    method: 'GET',
    path: `/convergedRecordings/${encodeURIComponent(id)}/metadata`,
    route: '/convergedRecordings/{id}/metadata',
    token,
  });
  return body;
}
