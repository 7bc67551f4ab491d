import { parseCardAction, type CardAction } from '../../src/cards';
import { keepHighestRanked } from '../../src/cards/recordingCard';

describe('parseCardAction', () => {
  const id = '62807eaf-0c89-492e-a3c3-c4751812603b';

  it.each<CardAction>([
    { action: 'sendLinks', recordingId: id },
    { action: 'notes', recordingId: '7ee40776779243b4b3da448d941b34dc' },
    { action: 'details', recordingId: id },
    { action: 'refresh', recordingId: id, requesterId: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hYmM' },
  ])('accepts %p', (action) => {
    expect(parseCardAction(action)).toEqual(action);
  });

  it('keeps only the known fields (inputs merged by Webex may carry more)', () => {
    expect(parseCardAction({ action: 'details', recordingId: id, other: 'x', requesterId: 'p' })).toEqual({ action: 'details', recordingId: id });
  });

  it.each([
    ['null', null],
    ['a string', 'refresh'],
    ['an array', [{ action: 'notes', recordingId: id }]],
    ['an unknown action', { action: 'delete', recordingId: id }],
    ['no recording ID', { action: 'notes' }],
    ['a chooser with nothing chosen', { action: 'details', recordingId: '' }],
    ['a recording ID with a slash', { action: 'notes', recordingId: '../people/me' }],
    ['a recording ID with a space', { action: 'notes', recordingId: 'abc def' }],
    ['a recording ID too long', { action: 'notes', recordingId: 'a'.repeat(129) }],
    ['a recording ID that is a number', { action: 'notes', recordingId: 42 }],
    ['refresh without requester', { action: 'refresh', recordingId: id }],
    ['refresh with a blank requester', { action: 'refresh', recordingId: id, requesterId: ' ' }],
    ['refresh with a requester of another type', { action: 'refresh', recordingId: id, requesterId: { id: 'x' } }],
    ['an inherited action name', { action: 'toString', recordingId: id }],
  ])('refuses %s', (_label, inputs) => {
    expect(parseCardAction(inputs)).toBeNull();
  });

  it('accepts a recording ID of exactly 128 characters', () => {
    expect(parseCardAction({ action: 'notes', recordingId: 'a'.repeat(128) })).toEqual({ action: 'notes', recordingId: 'a'.repeat(128) });
  });
});

describe('action priority', () => {
  const button = (title: string) => ({ type: 'Action.Submit' as const, title, data: {} });

  it('keeps the 5 best-ranked actions, in their original order', () => {
    const wanted = [
      { rank: 5, action: button('more') },
      { rank: 1, action: button('audio') },
      { rank: 6, action: button('extra') },
      { rank: 2, action: button('transcript') },
      { rank: 4, action: button('refresh') },
      { rank: 3, action: button('notes') },
    ];
    expect(keepHighestRanked(wanted, 5).map((a) => a.title)).toEqual(['more', 'audio', 'transcript', 'refresh', 'notes']);
  });
});
