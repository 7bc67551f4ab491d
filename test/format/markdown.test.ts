import MarkdownIt from 'markdown-it';
import { escapeMarkdown, isHttpUrl, markdownLinkTarget } from '../../src/format';

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
      expect(visibleText(html)).toBe(text);
    }
  });

  it('leaves no "<@" in the raw text for Webex to read as a mention', () => {
    expect(escapeMarkdown('hi <@all> and <@personId:abc|Boss>')).not.toContain('<@');
  });

  it('keeps the text on one line', () => {
    expect(escapeMarkdown('a\n# b\r\nc')).toBe('a \\# b c');
  });

  it('leaves letters, digits and spaces alone', () => {
    expect(escapeMarkdown('Weekly sync 42')).toBe('Weekly sync 42');
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
