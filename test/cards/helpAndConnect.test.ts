import { buildConnectCard, buildHelpCard } from '../../src/cards';
import { NOT_UNDERSTOOD } from '../../src/commands/help';
import { HELP_ROWS } from '../../src/commands/registry';
import { SIGN_IN_CLICK_REASON, SIGN_IN_EXPIRED_REASON, SIGN_IN_PENDING_REASON } from '../../src/commands/sign-in-prompt';
import { expectGolden } from './helpers/golden';
import { allStrings, elementsOfType } from './helpers/fixtures';

const AUTHORIZE_URL =
  'https://webexapis.com/v1/authorize?response_type=code&client_id=C0ffee&redirect_uri=https%3A%2F%2Fbot.example.com%2Foauth%2Fcallback&scope=spark%3Arecordings_read%20spark%3Apeople_read&state=st4te&code_challenge=abc&code_challenge_method=S256';

describe('help card', () => {
  const built = buildHelpCard({ botName: 'RecBot', commands: HELP_ROWS });

  it('matches the golden card', () => {
    expectGolden('help', built);
  });

  it("lists every command of the README's command table, in card and fallback", () => {
    const usages = [
      'recording <id> [<id> …]',
      'rec <id>',
      '<id>',
      '<Webex recording URL>',
      'recordings [N]',
      'recordings [N] 30d',
      'connect',
      'disconnect',
      'timezone',
      'timezone <IANA name>',
      'timezone auto',
      'whoami',
      'status',
      'help',
    ];
    const texts = allStrings(built.card);
    for (const usage of usages) {
      expect(texts).toContain(usage);
      expect(built.fallback).toContain(`\`${usage}\``);
    }
    expect(texts).toContain('@RecBot recording <id>');
  });

  it('keeps "<id>" out of markdown-processed text', () => {
    for (const block of elementsOfType(built.card, 'TextBlock')) expect(String(block.text)).not.toContain('<');
  });

  it('works without a bot name', () => {
    expect(allStrings(buildHelpCard({ commands: HELP_ROWS }).card)).toContain('@bot name recording <id>');
  });
});

describe('connect card', () => {
  it('matches the golden card', () => {
    expectGolden('connect', buildConnectCard({ authorizeUrl: AUTHORIZE_URL }));
    expectGolden('connect--with-reason', buildConnectCard({ authorizeUrl: AUTHORIZE_URL, reason: 'Your Webex sign-in expired.' }));
  });

  it('explains why, and opens the sign-in page', () => {
    const built = buildConnectCard({ authorizeUrl: AUTHORIZE_URL });
    expect(built.card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Sign in with Webex', url: AUTHORIZE_URL, style: 'positive' }]);
    expect(allStrings(built.card).join(' ')).toMatch(/your own Webex access/);
    expect(allStrings(built.card).join(' ')).toMatch(/download links only go to people who may fetch them/);
    expect(built.fallback).toContain(`[Sign in with Webex](${AUTHORIZE_URL})`);
  });

  it('shows the reason as data', () => {
    const built = buildConnectCard({ authorizeUrl: AUTHORIZE_URL, reason: '**expired** <@all>' });
    expect(elementsOfType(built.card, 'TextRun').map((run) => run.text)).toContain('**expired** <@all>');
    expect(built.fallback).not.toContain('<@');
    expect(built.fallback).toContain('\\*\\*expired\\*\\*');
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => buildConnectCard({ authorizeUrl: 'javascript:alert(1)' })).toThrow(/http/);
  });
});

describe('cards as the bot sends them', () => {
  // A sentence said twice, even with a different ending: its first six words.
  const openings = (text: string) =>
    text.split(/(?<=[.!?])\s+/).map((s) => s.toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/).filter(Boolean).slice(0, 6).join(' ')).filter((s) => s.split(' ').length === 6);
  const reasons = [
    SIGN_IN_PENDING_REASON,
    SIGN_IN_EXPIRED_REASON,
    SIGN_IN_CLICK_REASON,
    "You're connected as alice@example.com. Sign in again below to renew it, or send “disconnect” to unlink it.",
  ];

  it('match the golden cards: a kept request, an account already connected, text not understood', () => {
    expectGolden('connect--pending-request', buildConnectCard({ authorizeUrl: AUTHORIZE_URL, reason: SIGN_IN_PENDING_REASON }));
    expectGolden('connect--already-connected', buildConnectCard({ authorizeUrl: AUTHORIZE_URL, reason: reasons[3]! }));
    expectGolden('help--not-understood', buildHelpCard({ botName: 'RecBot', lead: NOT_UNDERSTOOD, commands: HELP_ROWS }));
  });

  it.each(reasons)('the connect card says no sentence twice (reason: %s)', (reason) => {
    const built = buildConnectCard({ authorizeUrl: AUTHORIZE_URL, reason });
    for (const text of [allStrings(built.card).join(' '), built.fallback]) {
      const seen = openings(text);
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it('the help card for text not understood says so first, on the card and in the fallback', () => {
    const built = buildHelpCard({ botName: 'RecBot', lead: NOT_UNDERSTOOD, commands: HELP_ROWS });
    expect((built.card.body as Array<{ text?: string }>)[0]!.text).toBe(NOT_UNDERSTOOD);
    expect(built.fallback.startsWith(NOT_UNDERSTOOD)).toBe(true);
  });
});
