/** Webex-style identifiers: base64 (no padding) of `ciscospark://us/<KIND>/<suffix>`. */
import { randomBytes, randomUUID } from 'node:crypto';

export type IdKind =
  | 'PEOPLE'
  | 'ROOM'
  | 'MESSAGE'
  | 'MEMBERSHIP'
  | 'WEBHOOK'
  | 'ATTACHMENT_ACTION'
  | 'ORGANIZATION'
  | 'APPLICATION'
  | 'CONTENT';

export function webexId(kind: IdKind, suffix: string = randomUUID()): string {
  return Buffer.from(`ciscospark://us/${kind}/${suffix}`).toString('base64').replace(/=+$/, '');
}

/** Kind and suffix of a Webex ID, or undefined when the string is not one. Accepts base64url too. */
export function decodeWebexId(id: string): { kind: string; suffix: string } | undefined {
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(id)) return undefined;
  const text = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const match = /^ciscospark:\/\/[a-z0-9]+\/([A-Z_]+)\/(.+)$/.exec(text);
  return match ? { kind: match[1]!, suffix: match[2]! } : undefined;
}

/** An opaque random string safe in URLs (tokens, codes, tickets). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function newTrackingId(): string {
  return `EMU_${randomUUID()}`;
}

export { randomUUID };
