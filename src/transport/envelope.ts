/**
 * The one shape every Webex event takes inside the bot, whichever way it came: a webhook's JSON
 * body, a websocket (Mercury) activity, or a message found by the catch-up after a gap. All three
 * become a webhook-shaped envelope `{ resource, event, data: { id, roomId, roomType?, personId,
 * created, … } }` and enter the durable inbox under one key (see `eventKey` in inbox/events.ts).
 *
 * Webex IDs are base64 of `ciscospark://<cluster>/<KIND>/<uuid>`; a websocket activity carries
 * the bare UUID. `idCore` gives the UUID for both, so a message delivered by webhook, by the
 * socket, replayed by the socket and found again by the catch-up has one key and is done once.
 */

/** The envelope fields the bot reads. */
export interface EventEnvelope {
  readonly resource: string;
  readonly event: string;
  readonly data: {
    readonly id: string;
    readonly roomId?: string;
    readonly roomType?: string;
    readonly personId?: string;
    readonly personEmail?: string;
    readonly messageId?: string;
    readonly created?: string;
    readonly mentionedPeople?: readonly string[];
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The UUID inside a Webex ID (lower case), the UUID itself when given one, and otherwise the
 * string unchanged (an ID of another form is still a stable key, only not shared with its
 * websocket twin).
 */
export function idCore(id: string): string {
  if (UUID.test(id)) return id.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(id)) return id;
  const text = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const match = /^ciscospark:\/\/[^/]+\/[A-Z_]+\/([^/]+)$/.exec(text);
  if (!match) return id;
  const core = match[1]!;
  return UUID.test(core) ? core.toLowerCase() : core;
}

/** The Webex (REST) ID of a UUID of the given kind; a Webex ID is returned unchanged. */
export function webexIdOf(kind: 'MESSAGE' | 'ROOM' | 'PEOPLE' | 'ATTACHMENT_ACTION', uuidOrId: string, cluster = 'us'): string {
  if (!UUID.test(uuidOrId)) return uuidOrId;
  return Buffer.from(`ciscospark://${cluster}/${kind}/${uuidOrId.toLowerCase()}`).toString('base64').replace(/=+$/, '');
}

/** Two Webex IDs (or UUIDs) that name the same thing. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== '' && idCore(a) === idCore(b);
}

/** The envelope's fields when it has the shape the bot acts on, else null (never trusted further). */
export function readEnvelope(value: unknown): EventEnvelope | null {
  const e = value as { resource?: unknown; event?: unknown; data?: Record<string, unknown> } | null;
  if (!e || typeof e !== 'object' || typeof e.resource !== 'string' || typeof e.event !== 'string') return null;
  const data = e.data;
  if (!data || typeof data !== 'object' || typeof data.id !== 'string' || data.id === '') return null;
  return e as EventEnvelope;
}
