/**
 * Every card the bot can build, checked against the official Adaptive Cards library and the
 * limits Webex imposes: parsed as schema 1.3 with no parse or validation event, version at most
 * 1.3, at most 5 actions counting nested ones (by our count and by the library's), JSON below
 * 28 000 bytes (see src/cards/limits.ts for why that figure), fallback within Webex's 7,439-byte
 * markdown limit.
 */
import {
  buildConnectCard,
  buildHelpCard,
  buildRecordingCard,
  buildRecordingListCard,
  countActions,
  MAX_ACTIONS,
  MAX_CARD_BYTES,
  MAX_FALLBACK_BYTES,
  type BuiltCard,
} from '../../src/cards';
import { assertWithinLimits } from '../../src/cards/limits';
import { HELP_ROWS } from '../../src/commands/registry';
import type { RecordingListItem } from '../../src/webex/types';
import { parseCard } from './helpers/adaptiveCards';
import { loadRecording, REQUESTER_ID, scenarioName, SCENARIOS } from './helpers/fixtures';

function listItems(count: number, topicLength: number): RecordingListItem[] {
  const { temporaryDirectDownloadLinks: _links, ...base } = loadRecording('hostile-text');
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    id: `${String(i).padStart(8, '0')}-7777-4a4a-8b8b-9c9c9c9c9c9c`,
    topic: `${i} ${base.topic} `.padEnd(topicLength, '*_[x](y)'),
    timeRecorded: new Date(Date.UTC(2026, 3, 1) + i * 3_600_000).toISOString(),
    status: ['available', 'deleted', 'purged'][i % 3],
  }));
}

const cards: Array<[string, BuiltCard]> = [];
for (const scenario of SCENARIOS) {
  for (const audience of ['direct', 'group-private', 'group-public'] as const) {
    cards.push([
      `recording ${scenarioName(scenario)} (${audience})`,
      buildRecordingCard({
        recording: loadRecording(scenario.fixture),
        timeZone: scenario.timeZone,
        zoneSource: scenario.zoneSource,
        now: new Date(scenario.now),
        audience,
        requesterId: REQUESTER_ID,
      }),
    ]);
  }
}
for (const count of [0, 1, 5, 6, 50]) {
  cards.push([
    `list of ${count}`,
    buildRecordingListCard({
      items: listItems(count, 120),
      timeZone: 'Asia/Kathmandu',
      zoneSource: 'override',
      now: new Date('2026-04-14T08:31:00Z'),
      windowDescription: 'Your most recent, last 7 days',
      audience: 'group-private',
    }),
  ]);
}
cards.push(['help', buildHelpCard({ botName: 'RecBot', commands: HELP_ROWS })]);
cards.push(['connect', buildConnectCard({ authorizeUrl: 'https://webexapis.com/v1/authorize?state=x', reason: 'Your sign-in expired.' })]);

describe.each(cards)('%s', (_name, built) => {
  const report = parseCard(built.card);

  it('parses as an Adaptive Card 1.3 with no event', () => {
    expect(report.parseEvents).toEqual([]);
    expect(report.validationEvents).toEqual([]);
  });

  it('declares version 1.3 at most, with the schema URL', () => {
    expect(built.card.version).toBe('1.3');
    expect(built.card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
  });

  it(`has at most ${MAX_ACTIONS} actions, nested ones included`, () => {
    expect(countActions(built.card)).toBeLessThanOrEqual(MAX_ACTIONS);
    expect(report.actionCount).toBe(countActions(built.card));
  });

  it(`stays below ${MAX_CARD_BYTES} bytes of JSON, with a fallback of at most ${MAX_FALLBACK_BYTES} bytes`, () => {
    expect(Buffer.byteLength(JSON.stringify(built.card), 'utf8')).toBeLessThan(MAX_CARD_BYTES);
    expect(Buffer.byteLength(built.fallback, 'utf8')).toBeLessThanOrEqual(MAX_FALLBACK_BYTES);
    expect(built.fallback.trim().length).toBeGreaterThan(0);
  });
});

describe('the limit checks themselves', () => {
  const submit = { type: 'Action.Submit' as const, title: 'x', data: {} };

  it('count actions inside ShowCards and ActionSets', () => {
    const card = {
      type: 'AdaptiveCard' as const,
      version: '1.3',
      body: [{ type: 'Container' as const, items: [{ type: 'ActionSet' as const, actions: [submit, submit] }] }],
      actions: [submit, { type: 'Action.ShowCard' as const, title: 'more', card: { type: 'AdaptiveCard' as const, body: [], actions: [submit, submit] } }],
    };
    expect(countActions(card)).toBe(6);
    expect(() => assertWithinLimits(card, 'x')).toThrow(/6 actions/);
    expect(parseCard(card).actionCount).toBe(6);
  });

  it('refuse a card of 28 000 bytes or more', () => {
    const card = { type: 'AdaptiveCard' as const, version: '1.3', body: [{ type: 'TextBlock' as const, text: 'x'.repeat(28_000) }] };
    expect(() => assertWithinLimits(card, 'x')).toThrow(/bytes/);
  });

  it('the parser does report problems (so "no event" means something)', () => {
    const report = parseCard({ type: 'AdaptiveCard', version: '1.3', body: [{ type: 'Bogus' }, { type: 'TextBlock' }] });
    expect(report.parseEvents.length + report.validationEvents.length).toBeGreaterThan(0);
  });
});
