import MarkdownIt from 'markdown-it';
import LinkifyIt from 'linkify-it';
import { echoTyped, escapeMarkdown, isHttpUrl, markdownLinkTarget, markdownValue } from '../../src/format';

/** Rendered like a strict CommonMark client, and like one that also links bare URLs. */
const strict = new MarkdownIt();
const linkify = new MarkdownIt({ linkify: true });

function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

/** What a reader sees, without the invisible word joiners. */
const seen = (html: string): string => visibleText(html).replace(/\u2060/g, '');

describe('escapeMarkdown', () => {
  const hostile = [
    '**x** <@all> [a](b)',
    '_ab_*c*@[x](https://evil.example).com',
    '# heading',
    '1. not a list',
    '- not a bullet',
    '> not a quote',
    '`code` ~~gone~~ | a | b |',
    '![img](https://evil.example/p.png)',
    '<@personEmail:boss@example.com> <b>bold</b> &amp; &lt;',
    'back\\slash\\*',
    '[link]: https://evil.example',
  ];

  it.each(hostile)('shows %p literally, without formatting, links or html', (text) => {
    for (const md of [strict, linkify]) {
      const html = md.render(escapeMarkdown(text));
      expect(html).not.toMatch(/<(strong|em|a|img|code|s|del|h\d|ol|ul|li|blockquote|table|b)[ >]/);
      expect(seen(html)).toBe(text);
      // A client that links bare text finds nothing to link in what is shown.
      expect(new LinkifyIt().match(visibleText(html))).toBeNull();
    }
  });

  it('leaves no "<@" in the raw or the shown text for Webex (or a person quoting it) to read as a mention', () => {
    const escaped = escapeMarkdown('hi <@all> and <@personId:abc|Boss>');
    expect(escaped).not.toContain('<@');
    expect(visibleText(strict.render(escaped))).not.toContain('<@');
  });

  it.each(['https://evil.example/x', '//evil.example/x', 'www.evil.com', 'evil.com', 'bob@evil.com', 'mailto:bob@evil.com', 'ftp://evil.example'])(
    'breaks the link a client would make of %p with word joiners',
    (text) => {
      expect(new LinkifyIt().test(text)).toBe(true);
      expect(new LinkifyIt().match(visibleText(strict.render(escapeMarkdown(text))))).toBeNull();
    },
  );

  it('drops direction overrides', () => {
    expect(escapeMarkdown('abc\u202edef\u2066')).toBe('abcdef');
  });

  it('keeps the text on one line', () => {
    expect(escapeMarkdown('a\n# b\r\nc')).toBe('a \\# b c');
  });

  it('leaves letters, digits, spaces and single slashes alone', () => {
    expect(escapeMarkdown('Weekly sync 42')).toBe('Weekly sync 42');
    expect(escapeMarkdown('Europe/Paris')).toBe('Europe/Paris');
  });
});

describe('echoTyped / markdownValue', () => {
  it('cuts what a person typed to 60 characters, then escapes it', () => {
    expect(echoTyped('*'.repeat(100))).toBe(`${'\\*'.repeat(59)}…`);
    expect(echoTyped('😀'.repeat(61))).toBe(`${'😀'.repeat(59)}…`);
  });

  it('shows one plain token as inline code, anything else escaped', () => {
    expect(markdownValue('spark:recordings_read')).toBe('`spark:recordings_read`');
    expect(markdownValue('ROUTER_5F3A-1')).toBe('`ROUTER_5F3A-1`');
    expect(markdownValue('`x` <@all>')).toBe(escapeMarkdown('`x` <@all>'));
  });
});

describe('markdownLinkTarget / isHttpUrl', () => {
  it('accepts http(s) URLs only', () => {
    expect(isHttpUrl('https://example.com/a')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:9901/dl')).toBe(true);
    expect(isHttpUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpUrl('data:text/html,hi')).toBe(false);
    expect(isHttpUrl('not a url')).toBe(false);
    expect(markdownLinkTarget('javascript:alert(1)')).toBeUndefined();
  });

  it('encodes the characters that would end a link destination', () => {
    const target = markdownLinkTarget('https://x.example/dl(1)?name=a b')!;
    expect(target).toBe('https://x.example/dl%281%29?name=a%20b');
    const html = strict.render(`[audio](${target})`);
    expect(html).toContain('href="https://x.example/dl%281%29?name=a%20b"');
  });
});
