/**
 * Text from people, like text from Webex, is data: every reply that echoes what a person typed
 * (an argument the bot did not understand, an invalid ID, a zone name, a topic) or shows a string
 * Webex sent (an email, a scope, a tracking ID) is rendered inert, in 1:1 and group spaces.
 *
 * Each reply is rendered with markdown-it (links found in bare text too, as clients do) and read
 * with jsdom. Every hostile string carries the marker ZQ where it would take effect, and a reply
 * is live when:
 * - its markdown or its visible text holds mention syntax (`<@`), which Webex, or a person
 *   quoting the reply, would read as a mention;
 * - the marker ends up inside anything but a plain paragraph (a link, bold, italics, code,
 *   strikethrough, a heading, a quote, a list item, an image), except the bot's own inline code
 *   around one plain token (letters, digits, `_`, `-`, `:`) of an input that has no backtick;
 * - the rendered page has a link other than the bot's own sign-in link, or a linkifier run over
 *   the visible text (as a client does) finds one;
 * - a card puts the marker or `<@` in a TextBlock or FactSet (which hosts run markdown on).
 */
import MarkdownIt from 'markdown-it';
import LinkifyIt from 'linkify-it';
import { JSDOM } from 'jsdom';
import { ALICE, createInProcessBot, type InProcessBot, type Posted } from '../support/in-process-bot';

const markdown = new MarkdownIt({ linkify: true });
const linkify = new LinkifyIt();
const SIGN_IN_LINK = 'https://webex.test/v1/authorize?';
const MARKER = 'ZQ';
const PLAIN_TOKEN = /^[A-Za-z0-9_:-]+$/;
/** One page, its body replaced for each reply (a new JSDOM per reply is slow). */
const page = new JSDOM('<!doctype html><body></body>');

/** Typed or sent by Webex; each carries ZQ where the attack would take effect. */
export const HOSTILE: readonly string[] = [
  '<@all> ZQ',
  '<@all>ZQ',
  '<@personEmail:bob@example.com|ZQ>',
  '<@personEmail:bob@example.com>ZQ',
  '<@personId:Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ib2I|ZQ>',
  '<@groupMention:everyone|ZQ>',
  '&lt;@all&gt;ZQ',
  '\\<@all>ZQ',
  '[ZQ](https://evil.example/phish)',
  '[login](https://evil.example/ZQ)',
  '[ZQ]( https://evil.example )',
  '[ZQ](javascript:alert(1))',
  '[ZQ][1]\n\n[1]: https://evil.example',
  'https://evil.example/ZQ',
  'http://ZQ.evil.example',
  'ftp://evil.example/ZQ',
  '//evil.example/ZQ',
  'www.ZQevil.com',
  'ZQ.com',
  'evil.io/ZQ',
  'ZQ@evil.com',
  'mailto:ZQ@evil.com',
  '<https://evil.example/ZQ>',
  '<mailto:ZQ@evil.com>',
  '<ZQ@evil.com>',
  '![ZQ](https://evil.example/ZQ.png)',
  '**ZQ**',
  '__ZQ__',
  '*ZQ*',
  '_ZQ_',
  '***ZQ***',
  '~~ZQ~~',
  '`ZQ`',
  '``ZQ``',
  '# ZQ',
  '#ZQ',
  '> ZQ',
  '- ZQ',
  '+ ZQ',
  '1. ZQ',
  '1) ZQ',
  '<b>ZQ</b>',
  '<a href="https://evil.example">ZQ</a>',
  'ZQ\\*not*',
  'a\n# ZQ',
  'a\n> ZQ',
  'a\r\n- ZQ',
  'x\u2028# ZQ',
];

/** Renders a reply and says how it is live; an empty list when it is inert. */
export function liveParts(input: string, message: { markdown: string; card?: unknown }): string[] {
  const problems: string[] = [];
  const body = page.window.document.body;
  body.innerHTML = markdown.render(message.markdown);
  const visible = body.textContent ?? '';
  if (message.markdown.includes('<@')) problems.push('mention syntax in the markdown');
  if (visible.includes('<@')) problems.push('mention syntax in the visible text');
  for (const a of Array.from(body.querySelectorAll('a'))) {
    const href = a.getAttribute('href') ?? '';
    if (!href.startsWith(SIGN_IN_LINK)) problems.push(`link to ${href}`);
  }
  if (body.querySelector('img')) problems.push('image');
  const walker = body.ownerDocument.createTreeWalker(body, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // Case-blind: the bot lowercases some inputs (owner addresses).
    if (!(node.textContent ?? '').toUpperCase().includes(MARKER)) continue;
    const tag = node.parentElement?.tagName.toLowerCase();
    // The bot's own inline code around one plain token (an ID, a scope): the input wrote no code.
    const botsOwnCode = tag === 'code' && !input.includes('`') && PLAIN_TOKEN.test(node.textContent ?? '');
    if (tag !== 'p' && !botsOwnCode) problems.push(`marker inside <${tag}>`);
  }
  for (const match of linkify.match(visible) ?? []) problems.push(`linkified text ${match.raw}`);
  if (message.card !== undefined) {
    for (const text of markdownTextsOf(message.card)) {
      if (text.toUpperCase().includes(MARKER) || text.includes('<@')) problems.push('hostile text in a card TextBlock or FactSet');
    }
  }
  return problems;
}

/** The texts of a card that hosts run markdown on: TextBlock texts and FactSet facts. */
function markdownTextsOf(card: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [card];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object') {
      const element = node as Record<string, unknown>;
      if (element.type === 'TextBlock' && typeof element.text === 'string') out.push(element.text);
      if (element.type === 'FactSet') out.push(JSON.stringify(element.facts));
      stack.push(...Object.values(element));
    }
  }
  return out;
}

function describeLive(input: string, posted: Posted[]): string[] {
  return posted.flatMap((p) => liveParts(input, p.message).map((problem) => `${JSON.stringify(input)}: ${problem}`));
}

const ROOMS = [
  { room: '1:1', options: { roomType: 'direct' as const } },
  { room: 'group', options: { roomType: 'group' as const, roomId: 'team' } },
];

describe.each(ROOMS)('hostile text in a $room space', ({ options }) => {
  let h: InProcessBot;

  beforeEach(async () => {
    h = await createInProcessBot({ settings: { commandsPerMinute: 0 } });
  });

  afterEach(async () => {
    await h.close();
  });

  /** Each input through `say`, the live replies collected; every input must get a reply. */
  async function liveReplies(command: (input: string) => string): Promise<string[]> {
    const live: string[] = [];
    for (const input of HOSTILE) {
      const posted = await h.say(command(input), options);
      expect(posted.length).toBeGreaterThan(0);
      live.push(...describeLive(input, posted));
    }
    return live;
  }

  it('echoes an argument of "recordings" it does not understand inertly', async () => {
    expect(await liveReplies((input) => `recordings ${input}`)).toEqual([]);
  });

  it('echoes an invalid recording ID inertly', async () => {
    expect(await liveReplies((input) => `recording ${input}`)).toEqual([]);
  });

  it('echoes a time zone it does not know inertly', async () => {
    expect(await liveReplies((input) => `timezone ${input}`)).toEqual([]);
  });

  it('echoes unrecognised text inertly (or not at all)', async () => {
    expect(await liveReplies((input) => input)).toEqual([]);
  });

  it('echoes a topic with no recordings inertly', async () => {
    await h.connect(ALICE);
    h.webex.intercept({ path: '/v1/people/me', method: 'GET' }).reply(200, { id: ALICE.personId, emails: [ALICE.personEmail], timezone: 'UTC' }).persist();
    h.webex
      .intercept({ path: (path) => path.startsWith('/v1/convergedRecordings?'), method: 'GET' })
      .reply(200, { items: [] }, { headers: { 'content-type': 'application/json' } })
      .persist();
    expect(await liveReplies((input) => `recordings topic:${input}`)).toEqual([]);
  });

  it('echoes an owner address with no recordings inertly (addresses the command accepts)', async () => {
    await h.connect(ALICE, ['spark-admin:recordings_read', 'spark:people_read']);
    h.webex.intercept({ path: '/v1/people/me', method: 'GET' }).reply(200, { id: ALICE.personId, emails: [ALICE.personEmail], timezone: 'UTC' }).persist();
    h.webex
      .intercept({ path: (path) => path.startsWith('/v1/admin/convergedRecordings?'), method: 'GET' })
      .reply(200, { items: [] }, { headers: { 'content-type': 'application/json' } })
      .persist();
    const owners = ['https://evil.example/ZQ@evil.com', '*ZQ*@evil.com', '_ZQ_@evil.com', '**ZQ**@evil.com', '~~ZQ~~@evil.com', '[ZQ]@evil.com', '#ZQ@evil.com', 'ZQ@evil.com'];
    const live: string[] = [];
    for (const owner of owners) {
      for (const text of [`recordings owner:${owner}`, `recordings owner:${owner} 60d`]) {
        const posted = await h.say(text, options);
        expect(posted.map((p) => p.message.markdown).join('\n')).toMatch(/has no recordings|found no recordings|at most 30 days back/);
        live.push(...describeLive(owner, posted));
      }
    }
    expect(live).toEqual([]);
  });

  it("shows a hostile email from Webex inertly (whoami, connect)", async () => {
    const live: string[] = [];
    for (const input of HOSTILE) {
      await h.connect({ ...ALICE, personEmail: input });
      live.push(...describeLive(input, await h.say('whoami', options)));
      live.push(...describeLive(input, await h.say('connect', options)));
    }
    expect(live).toEqual([]);
  });

  it('shows hostile scopes from Webex inertly (whoami)', async () => {
    const live: string[] = [];
    for (const input of HOSTILE) {
      await h.connect(ALICE, [`spark:recordings_read${input}`, `${input}recordings`]);
      live.push(...describeLive(input, await h.say('whoami', options)));
    }
    expect(live).toEqual([]);
  });

  it("shows a hostile tracking ID from Webex's error inertly", async () => {
    await h.connect(ALICE);
    const live: string[] = [];
    for (const input of HOSTILE) {
      h.webex
        .intercept({ path: '/v1/convergedRecordings/rec-1', method: 'GET' })
        .reply(404, { message: 'not found' }, { headers: { 'content-type': 'application/json', trackingid: input.replace(/[\r\n\u2028]/g, ' ') } });
      h.webex.intercept({ path: '/v1/convergedRecordings/rec-1/metadata', method: 'GET' }).reply(404, {}).persist();
      live.push(...describeLive(input, await h.say('recording rec-1', options)));
    }
    expect(live).toEqual([]);
  });
});
