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

/** `GET /people/{id}`: a person's profile (display name), read with the asking person's token. */
export async function getPerson(client: WebexClient, token: string, personId: string): Promise<Person> {
  const { body } = await client.request<Person>({
    method: 'GET',
    path: `/people/${encodeURIComponent(personId)}`,
    route: '/people/{id}',
    token,
  });
  return body;
}
