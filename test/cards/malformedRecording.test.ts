/**
 * Malformed recording data from Webex (fields missing, null, of the wrong type, objects where
 * strings are expected, or the whole answer not an object): the recording card, its fallback,
 * the list card and a new-recording notice never show `undefined`, `null`, `NaN`, `Infinity` or
 * `[object Object]`, and are always built (a malformed field is left out or shown as unknown).
 *
 * Property-style: every field of the seed sample, one at a time, replaced by every malformed
 * value; then random combinations from a seeded generator (the same inputs on every run).
 */
import { buildRecordingCard, buildRecordingListCard } from '../../src/cards';
import type { Recording, RecordingListItem } from '../../src/webex/types';
import { ALICE, createInProcessBot } from '../support/in-process-bot';
import { loadRecording, REQUESTER_ID } from './helpers/fixtures';

const seed = loadRecording('all-links') as unknown as Record<string, unknown>;
const now = new Date('2026-04-14T08:31:00Z');

/** Values a field can hold when Webex (or whatever stands in its place) sends it wrong. */
const MALFORMED: ReadonlyArray<[string, unknown]> = [
  ['missing', undefined],
  ['null', null],
  ['a number', 42],
  ['a negative number', -1],
  ['a huge number', 1e308],
  ['true', true],
  ['an empty object', {}],
  ['an object', { value: 'x', toString: 'nope' }],
  ['an empty array', []],
  ['an array', ['x', 1]],
  ['an empty string', ''],
  ['blanks', '   '],
  ['a numeric string', '300'],
  ['a date that is no date', '2026-13-45T99:99:99Z'],
];

/** Dotted paths of every field the cards read. */
const FIELDS = [
  'id',
  'topic',
  'createTime',
  'timeRecorded',
  'format',
  'serviceType',
  'durationSeconds',
  'sizeBytes',
  'status',
  'ownerId',
  'ownerEmail',
  'ownerType',
  'storageRegion',
  'serviceData',
  'serviceData.locationId',
  'serviceData.callSessionId',
  'temporaryDirectDownloadLinks',
  'temporaryDirectDownloadLinks.audioDownloadLink',
  'temporaryDirectDownloadLinks.transcriptDownloadLink',
  'temporaryDirectDownloadLinks.suggestedNotesDownloadLink',
  'temporaryDirectDownloadLinks.shortNotesDownloadLink',
  'temporaryDirectDownloadLinks.actionItemsDownloadLink',
  'temporaryDirectDownloadLinks.expiration',
];

/** The seed with `path` set to `value` (deleted when undefined). */
function withField(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (!next || typeof next !== 'object') return copy;
    target = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = structuredClone(value);
  return copy;
}

/** A small deterministic generator (mulberry32). */
function generator(seedValue: number): () => number {
  let a = seedValue;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SINGLE: Array<[string, unknown]> = FIELDS.flatMap((field) => MALFORMED.map(([name, value]) => [`${field} ${name}`, withField(seed, field, value)] as [string, unknown]));

const COMBINED: Array<[string, unknown]> = (() => {
  const random = generator(20261205);
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i < 300; i++) {
    let recording = seed;
    const changed: string[] = [];
    const count = 2 + Math.floor(random() * 6);
    for (let j = 0; j < count; j++) {
      const field = FIELDS[Math.floor(random() * FIELDS.length)]!;
      const [name, value] = MALFORMED[Math.floor(random() * MALFORMED.length)]!;
      recording = withField(recording, field, value);
      changed.push(`${field} ${name}`);
    }
    out.push([changed.join(', '), recording]);
  }
  return out;
})();

const WHOLE: Array<[string, unknown]> = [
  ['null', null],
  ['an array', [seed]],
  ['a string', 'recording'],
  ['a number', 7],
  ['an empty object', {}],
];

const CASES = [...SINGLE, ...COMBINED, ...WHOLE];

const BAD_WORDS = /\b(undefined|null|NaN|Infinity)\b|\[object Object\]/;

/** Every string in a card (texts, titles, URLs, data), walked with a stack. */
function stringsOf(value: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') out.push(node);
    else if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object') stack.push(...Object.values(node));
  }
  return out;
}

/** What of the output shows a malformed value as such. */
function badParts(texts: string[]): string[] {
  return texts.filter((text) => BAD_WORDS.test(text));
}

function recordingProblems(name: string, recording: unknown): string[] {
  const problems: string[] = [];
  for (const audience of ['direct', 'group-private', 'group-public'] as const) {
    let built;
    try {
      built = buildRecordingCard({ recording: recording as Recording, timeZone: 'Europe/Paris', zoneSource: 'profile', now, audience, requesterId: REQUESTER_ID });
    } catch (err) {
      problems.push(`${name} (${audience}): threw ${String(err)}`);
      continue;
    }
    for (const bad of badParts([...stringsOf(built.card), built.fallback, `New recording\n\n${built.fallback}`])) {
      problems.push(`${name} (${audience}): ${JSON.stringify(bad.slice(0, 120))}`);
    }
  }
  return problems;
}

function listProblems(name: string, item: unknown): string[] {
  let built;
  try {
    built = buildRecordingListCard({
      items: [item as RecordingListItem, seed as unknown as RecordingListItem],
      timeZone: 'Europe/Paris',
      zoneSource: 'profile',
      now,
      windowDescription: 'the last 7 days',
      audience: 'direct',
    });
  } catch (err) {
    return [`${name}: threw ${String(err)}`];
  }
  return badParts([...stringsOf(built.card), built.fallback]).map((bad) => `${name}: ${JSON.stringify(bad.slice(0, 120))}`);
}

describe(`malformed recordings from Webex (${CASES.length} inputs)`, () => {
  it('(control) the check finds what it looks for', () => {
    expect(badParts(['Owner: [object Object]', 'Size: NaN undefined', 'fine'])).toHaveLength(2);
  });

  it('the recording card and its fallback (also the text of a new-recording notice) show none of them, in every audience', () => {
    const problems = CASES.flatMap(([name, recording]) => recordingProblems(name, recording));
    expect(problems).toEqual([]);
  });

  it('the list card and its fallback show none of them', () => {
    const problems = CASES.flatMap(([name, item]) => listProblems(name, item));
    expect(problems).toEqual([]);
  });

  it('a field of the wrong kind is left out or shown as unknown, never guessed', () => {
    const built = buildRecordingCard({
      recording: withField(withField(withField(seed, 'durationSeconds', '300'), 'sizeBytes', { bytes: 1 }), 'ownerEmail', ['a@b.c']) as unknown as Recording,
      timeZone: 'Europe/Paris',
      zoneSource: 'profile',
      now,
      audience: 'direct',
      requesterId: REQUESTER_ID,
    });
    expect(built.fallback).toContain('Duration: unknown');
    expect(built.fallback).toContain('Size: unknown');
    expect(built.fallback).toContain('Owner: unknown');
  });
});

describe('a malformed answer to "recording <id>", through the bot', () => {
  const ID = '62807eaf-0c89-492e-a3c3-c4751812603b';

  it.each<[string, unknown]>([
    ['null', null],
    ['a list', [seed]],
    ['a number', 7],
    ['an empty object', {}],
    ['objects for every field', Object.fromEntries(Object.keys(seed).map((key) => [key, { nested: key }]))],
    ['null for every field', Object.fromEntries(Object.keys(seed).map((key) => [key, null]))],
  ])('Webex answering %s: a card with unknowns, nothing shown as undefined, null or [object Object]', async (_name, body) => {
    const h = await createInProcessBot();
    try {
      await h.connect(ALICE);
      h.webex.intercept({ path: `/v1/convergedRecordings/${ID}`, method: 'GET' }).reply(200, JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      h.webex.intercept({ path: `/v1/convergedRecordings/${ID}/metadata`, method: 'GET' }).reply(404, {}, { headers: { 'content-type': 'application/json' } });
      const posted = await h.say(`recording ${ID}`);
      expect(posted).toHaveLength(1);
      expect(posted[0]!.message.card).toBeDefined();
      expect(badParts([...stringsOf(posted[0]!.message.card), posted[0]!.message.markdown])).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
