/**
 * The "Call with" line: golden cards of the seed recording with the other party named, and the
 * rules around it (numbers hidden in a private group space, no line without metadata).
 */
import { buildRecordingCard } from '../../src/cards';
import type { CallParty } from '../../src/webex/call-party';
import { expectGolden } from './helpers/golden';
import { allStrings, loadRecording, REQUESTER_ID } from './helpers/fixtures';

const recording = loadRecording('seed-sample');
const build = (audience: 'direct' | 'group-private' | 'group-public', callParty?: CallParty) =>
  buildRecordingCard({
    recording,
    timeZone: 'Asia/Singapore',
    zoneSource: 'profile',
    now: new Date('2023-11-09T09:58:00Z'),
    audience,
    requesterId: REQUESTER_ID,
    ...(callParty ? { callParty } : {}),
  });

const BOB: CallParty = { name: 'Bob Smith', number: '+1 555 0100', direction: 'outgoing' };
const NUMBER_ONLY: CallParty = { number: '+1 555 0100', direction: 'incoming' };

describe('recording card: who the call was with', () => {
  it('matches the golden 1:1 card with "Call with Bob Smith (+1 555 0100), outgoing"', () => {
    const built = build('direct', BOB);
    expectGolden('recording--call-with-person--direct', built);
    expect(allStrings(built.card)).toContain('Call with');
    expect(allStrings(built.card)).toContain('Bob Smith (+1 555 0100), outgoing');
    expect(built.fallback).toContain('- Call with: Bob Smith \\(\\+1 555 0100\\), outgoing');
  });

  it('matches the golden 1:1 card with a number only, incoming', () => {
    expectGolden('recording--call-with-number--direct', build('direct', NUMBER_ONLY));
  });

  it('shows the name but no number in a group space with private links', () => {
    const built = build('group-private', BOB);
    expectGolden('recording--call-with-person--group-private', built);
    expect(JSON.stringify(built)).not.toContain('555');
    expect(allStrings(built.card)).toContain('Bob Smith, outgoing');
  });

  it('leaves the line out in a private group space when only a number is known', () => {
    expect(build('group-private', NUMBER_ONLY)).toEqual(build('group-private'));
  });

  it('shows numbers in a public group space, like the 1:1 card', () => {
    expect(build('group-public', BOB)).toEqual(build('direct', BOB));
  });

  it('without metadata the card is the card without the line', () => {
    const without = build('direct');
    expect(JSON.stringify(without)).not.toContain('Call with');
    const withLine = build('direct', BOB);
    const body = (withLine.card.body as unknown[]).filter((el) => !JSON.stringify(el).includes('Call with'));
    expect({ ...withLine.card, body }).toEqual(without.card);
  });
});
