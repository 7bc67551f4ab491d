import { mentionNames, stripLeadingMention } from '../../src/transport/mention';
import { isValidSignature, signBody } from '../../src/transport/signature';

describe('stripLeadingMention', () => {
  const names = mentionNames({ displayName: 'Rec Bot', nickName: 'RB' });
  it.each([
    ['Rec Bot recording abc', 'recording abc'],
    ['Rec recording abc', 'recording abc'],
    ['@Rec Bot, help', 'help'],
    ['rec bot help', 'help'],
    ['RB whoami', 'whoami'],
    ['recording abc', 'recording abc'],
    ['Recbot help', 'Recbot help'],
  ])('%s → %s', (text, expected) => {
    expect(stripLeadingMention(text, names)).toBe(expected);
  });
});

describe('webhook signature', () => {
  const raw = Buffer.from('{"id":"x","data":{"id":"m"}}');
  it('accepts the HMAC-SHA1 of the raw body only', () => {
    const good = signBody('s3cret', raw);
    expect(isValidSignature('s3cret', raw, good)).toBe(true);
    expect(isValidSignature('s3cret', raw, good.toUpperCase())).toBe(true);
    expect(isValidSignature('other', raw, good)).toBe(false);
    expect(isValidSignature('s3cret', Buffer.from('{"id": "x","data":{"id":"m"}}'), good)).toBe(false);
    expect(isValidSignature('s3cret', raw, undefined)).toBe(false);
    expect(isValidSignature('s3cret', raw, 'abc')).toBe(false);
    expect(isValidSignature('s3cret', raw, [good])).toBe(false);
  });
});
