/** The list card of `recordings [N]`: rows, newest first, Details for every row within 5 actions. */
import { buildRecordingListCard, countActions, parseCardAction, MAX_CARD_BYTES, MAX_FALLBACK_BYTES, type BuiltCard } from '../../src/cards';
import type { RecordingListItem } from '../../src/webex/types';
import { expectGolden } from './helpers/golden';
import { allStrings, elementsOfType, loadRecording } from './helpers/fixtures';

const NOW = new Date('2026-04-14T08:31:00Z');

function item(index: number, overrides: Partial<RecordingListItem> = {}): RecordingListItem {
  const { temporaryDirectDownloadLinks: _links, ...base } = loadRecording('all-links');
  const day = String(1 + (index % 28)).padStart(2, '0');
  return {
    ...base,
    id: `${String(index).padStart(8, '0')}-0c89-492e-a3c3-c4751812603b`,
    topic: `Recording number ${index}`,
    timeRecorded: `2026-03-${day}T${String(8 + (index % 10)).padStart(2, '0')}:15:00Z`,
    durationSeconds: 60 * index + 7,
    ...overrides,
  };
}

function build(items: RecordingListItem[], windowDescription = 'Last 7 days'): BuiltCard {
  return buildRecordingListCard({ items, timeZone: 'Europe/Paris', zoneSource: 'profile', now: NOW, windowDescription, audience: 'direct' });
}

function rowTopics(built: BuiltCard): string[] {
  return elementsOfType(built.card, 'RichTextBlock')
    .map((block) => (block.inlines as Array<{ text: string }>).map((run) => run.text).join(''))
    .filter((text) => /^\d+\. /.test(text));
}

describe('up to 5 recordings: a Details button on every row', () => {
  const items = [item(1), item(3), item(2)];
  const built = build(items);

  it('matches the golden card', () => {
    expectGolden('list--3-rows', built);
  });

  it('lists newest first with local time, duration and status', () => {
    expect(rowTopics(built)).toEqual(['1. Recording number 3', '2. Recording number 2', '3. Recording number 1']);
    const texts = allStrings(built.card);
    expect(texts).toContain('Wed 4 Mar 2026, 12:15 GMT+1 · 3 min 7 s · available');
  });

  it('gives each row its own button carrying that row\'s ID', () => {
    const data = elementsOfType(built.card, 'Action.Submit').map((action) => action.data);
    expect(data).toEqual([
      { action: 'details', recordingId: items[1].id },
      { action: 'details', recordingId: items[2].id },
      { action: 'details', recordingId: items[0].id },
    ]);
    expect(data.map((d) => parseCardAction(d))).toEqual(data);
    expect(elementsOfType(built.card, 'Input.ChoiceSet')).toEqual([]);
    expect(countActions(built.card)).toBe(3);
  });

  it('has a fallback listing the rows with their IDs', () => {
    expect(built.fallback.split('\n')).toEqual([
      '**Your recordings** · Last 7 days',
      '3 recordings, newest first. Times in Europe/Paris (your Webex profile).',
      '',
      `1. Recording number 3 — Wed 4 Mar 2026, 12:15 GMT+1 · 3 min 7 s · available · \`${items[1].id}\``,
      `2. Recording number 2 — Tue 3 Mar 2026, 11:15 GMT+1 · 2 min 7 s · available · \`${items[2].id}\``,
      `3. Recording number 1 — Mon 2 Mar 2026, 10:15 GMT+1 · 1 min 7 s · available · \`${items[0].id}\``,
      '',
      'For details, pick a recording on the card, or send "recording" followed by its ID.',
    ]);
  });
});

describe('more than 5 recordings: one chooser and one Details button', () => {
  const items = Array.from({ length: 7 }, (_, i) => item(i + 1, i === 2 ? { status: 'deleted' } : {}));
  const built = build(items);

  it('matches the golden card', () => {
    expectGolden('list--7-rows', built);
  });

  it('has one chooser with every recording, newest first, and one Details submit', () => {
    const [choiceSet] = elementsOfType(built.card, 'Input.ChoiceSet');
    expect(choiceSet.id).toBe('recordingId');
    const choices = choiceSet.choices as Array<{ title: string; value: string }>;
    expect(choices.map((c) => c.value)).toEqual([...items].reverse().map((i) => i.id));
    expect(choices[0].title).toBe('1. Recording number 7');
    expect(choiceSet.value).toBe(items[6].id);
    expect(built.card.actions).toEqual([{ type: 'Action.Submit', title: 'Details', data: { action: 'details' } }]);
    expect(countActions(built.card)).toBe(1);
  });

  it('turns data + chosen value, merged as Webex delivers them, into a details action', () => {
    expect(parseCardAction({ action: 'details', recordingId: items[4].id })).toEqual({ action: 'details', recordingId: items[4].id });
  });

  it('shows the status of each row in words', () => {
    expect(allStrings(built.card)).toContain('in the recycle bin');
  });
});

describe('50 recordings with 120-character topics', () => {
  const topics: Array<[string, (i: number) => string]> = [
    ['ASCII', (i) => `${i} `.padEnd(120, 'abcdefghij')],
    ['JSON-escaped quotes and backslashes', (i) => `${i} `.padEnd(120, '"\\')],
    ['CJK (3 bytes a character)', (i) => `${i} `.padEnd(120, '録音会議')],
    ['emoji (4 bytes a character)', (i) => `${i} ` + '🎙️'.repeat(60)],
  ];

  it.each(topics)('%s: card stays under the size budget, fallback under the markdown limit', (_label, topic) => {
    const items = Array.from({ length: 50 }, (_, i) =>
      item(i, { topic: topic(i), id: `${'f'.repeat(120)}${String(i).padStart(8, '0')}` }),
    );
    const built = build(items);
    const bytes = Buffer.byteLength(JSON.stringify(built.card), 'utf8');
    expect(bytes).toBeLessThan(MAX_CARD_BYTES);
    expect(Buffer.byteLength(built.fallback, 'utf8')).toBeLessThanOrEqual(MAX_FALLBACK_BYTES);
    expect(countActions(built.card)).toBeLessThanOrEqual(5);
    const [choiceSet] = elementsOfType(built.card, 'Input.ChoiceSet');
    expect((choiceSet.choices as unknown[]).length).toBeGreaterThanOrEqual(45);
  });

  it('ASCII topics are shown in full', () => {
    const items = Array.from({ length: 50 }, (_, i) => item(i, { topic: `${i} `.padEnd(120, 'abcdefghij') }));
    const built = build(items);
    expect(rowTopics(built)).toHaveLength(50);
    for (const one of items) expect(rowTopics(built)).toContainEqual(expect.stringMatching(new RegExp(`^\\d+\\. ${one.topic}$`)));
  });

  it('shows at most 50 rows, and says how many there were', () => {
    const built = build(Array.from({ length: 60 }, (_, i) => item(i)));
    expect(rowTopics(built)).toHaveLength(50);
    expect(allStrings(built.card)).toContain('50 of 60 recordings shown, newest first');
  });
});

describe('edge cases', () => {
  it('an empty list says so, with no actions', () => {
    const built = build([]);
    expectGolden('list--empty', built);
    expect(built.card.actions).toBeUndefined();
    expect(allStrings(built.card)).toContain('No recordings found.');
  });

  it('rows whose ID the bot would refuse are listed but get no button or choice', () => {
    const built = build([item(1), item(2, { id: 'not valid!' })]);
    expect(elementsOfType(built.card, 'Action.Submit')).toHaveLength(1);
    expect(rowTopics(built)).toHaveLength(2);
    expect(built.fallback).not.toContain('not valid!');
  });

  it('a single recording', () => {
    const built = build([item(1)]);
    expect(allStrings(built.card)).toContain('1 recording, newest first');
  });
});

describe('the recording picker of a long list', () => {
  it('shows a 50-character topic whole where the card has room', () => {
    const topic = 'Quarterly budget review with the finance team, Q3';
    const built = build([item(1, { topic }), item(2), item(3), item(4), item(5), item(6)]);
    const [choiceSet] = elementsOfType(built.card, 'Input.ChoiceSet');
    const titles = (choiceSet!.choices as Array<{ title: string; value: string }>).map((c) => c.title);
    expect(titles).toContain(`6. ${topic}`);
  });
});
