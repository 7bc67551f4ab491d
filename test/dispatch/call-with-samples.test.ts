/**
 * "Call with" from recording metadata in the shape Webex publishes it (test/fixtures/recording-metadata):
 * people named by bare UUID and looked up by their Webex ID, upper-case party types, numbers as SIP
 * URIs or E.164, the direction from `personality` or, without it, from the owner's UUID.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ALICE, createInProcessBot, type InProcessBot, type Posted } from '../support/in-process-bot';

const read = (path: string) => JSON.parse(readFileSync(resolve(__dirname, '../fixtures', path), 'utf8')) as Record<string, unknown>;
const details = read('recordings/seed-sample.json');
const json = { headers: { 'content-type': 'application/json' } };
/** The Webex person ID of a UUID: base64 of ciscospark://us/PEOPLE/<uuid>, no padding. */
const personId = (uuid: string) => Buffer.from(`ciscospark://us/PEOPLE/${uuid}`).toString('base64').replace(/=+$/, '');

const people: Record<string, string> = {
  'ac7913cd-d943-4e34-81a8-f66ad1a5e376': 'Bob Colleague',
  '5e0d7c3b-2a91-4f84-b6e2-0c9a1d3f7b25': 'Carol Manager',
};

/** `person`: the UUID of the other party, looked up by the bot (by Webex ID). */
const samples: Array<{ file: string; direct: string; group: string | null; person?: string }> = [
  { file: 'api-reference-example.json', direct: 'Bob Colleague (4060), outgoing', group: 'Bob Colleague, outgoing', person: 'ac7913cd-d943-4e34-81a8-f66ad1a5e376' },
  { file: 'consult-transfer.json', direct: 'Carol Manager (4070), incoming', group: 'Carol Manager, incoming', person: '5e0d7c3b-2a91-4f84-b6e2-0c9a1d3f7b25' },
  // No personality: the owner's UUID is the calling party; the other side is a place without a name.
  { file: 'conference.json', direct: '4080, outgoing', group: null },
  // An outside caller reached the owner through a call queue: the caller's E.164 number.
  { file: 'call-queue.json', direct: '+19195550142, incoming', group: null },
];

/** The text of a card element's runs. */
const textOf = (node: unknown): string => JSON.stringify(node).match(/"text":"([^"]*)"/g)?.map((t) => JSON.parse(t.slice(7)) as string).join('') ?? '';

/** The value of the card's "Call with" row, or null when the card has none. */
function callWith(posted: Posted): string | null {
  let found: string | null = null;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as { type?: unknown; columns?: unknown[] };
      if (n.type === 'ColumnSet' && n.columns?.length === 2 && textOf(n.columns[0]) === 'Call with') found = textOf(n.columns[1]);
      Object.values(n).forEach(walk);
    }
  };
  walk(posted.message.card);
  return found;
}

describe('a card from each published metadata sample: the right name, direction and number', () => {
  let h: InProcessBot;

  beforeEach(async () => {
    h = await createInProcessBot();
    await h.connect(ALICE);
  });
  afterEach(async () => {
    h.agent.assertNoPendingInterceptors();
    await h.close();
  });

  /** Webex answers the details, the metadata and (when the other party is a person) their name. */
  const serve = (metadata: Record<string, unknown>, person: string | undefined) => {
    const id = String(metadata.id);
    h.webex.intercept({ path: `/v1/convergedRecordings/${id}`, method: 'GET' }).reply(200, { ...details, id }, json);
    h.webex.intercept({ path: `/v1/convergedRecordings/${id}/metadata`, method: 'GET' }).reply(200, metadata, json);
    if (person) h.webex.intercept({ path: `/v1/people/${personId(person)}`, method: 'GET' }).reply(200, { id: personId(person), displayName: people[person] }, json);
    return id;
  };

  it.each(samples)('$file in 1:1: "$direct"', async ({ file, direct, person }) => {
    const id = serve(read(`recording-metadata/${file}`), person);
    const posted = await h.say(`recording ${id}`);
    expect(posted).toHaveLength(1);
    expect(callWith(posted[0]!)).toBe(direct);
    expect(JSON.stringify(posted[0]!.message)).not.toMatch(/sip:|user=phone/);
    // The person named in the metadata is looked up by their Webex ID, never by the bare UUID.
    expect(h.webexCalls().filter((c) => c.path.startsWith('/v1/people/') && c.path !== '/v1/people/me').map((c) => c.path)).toEqual(person ? [`/v1/people/${personId(person)}`] : []);
  });

  it.each(samples)('$file in a group space without links: no number', async ({ file, group, person }) => {
    const id = serve(read(`recording-metadata/${file}`), person);
    const posted = await h.say(`recording ${id}`, { roomType: 'group', roomId: 'team' });
    const cards = posted.filter((p) => p.message.card && JSON.stringify(p.message.card).includes('call with default'));
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards.filter((p) => 'parentId' in p.to)) {
      expect(callWith(card)).toBe(group);
      expect(JSON.stringify(card.message)).not.toMatch(/4060|4070|4080|\+1919|sip:/);
    }
  });
});
