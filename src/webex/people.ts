/**
 * People API: whose token this is, and their profile time zone.
 */
import type { WebexClient } from './client';
import type { Person } from './types';

/** `GET /people/me` with the given token. */
export async function getMe(client: WebexClient, token: string): Promise<Person> {
  const { body } = await client.request<Person>({ method: 'GET', path: '/people/me', token });
  return body;
}
