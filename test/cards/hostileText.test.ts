/**
 * Text from the API is shown as data: rendered by the official Adaptive Cards renderer in jsdom,
 * with a markdown processor installed (as hosts have), the hostile topic and emails show their
 * characters literally, with no bold, no link, no image, and no mention markup.
 */
import MarkdownIt from 'markdown-it';
import { JSDOM } from 'jsdom';
import { buildRecordingCard, buildRecordingListCard } from '../../src/cards';
import { renderWithMarkdown } from './helpers/adaptiveCards';
import { elementsOfType, loadRecording, REQUESTER_ID } from './helpers/fixtures';

const recording = loadRecording('hostile-text');
const now = new Date('2026-04-14T08:31:00Z');

function textOf(html: string): string {
  return new JSDOM(html).window.document.body.textContent ?? '';
}

describe('hostile topic and emails in the recording card', () => {
  const built = buildRecordingCard({ recording, timeZone: 'Europe/Paris', zoneSource: 'profile', now, audience: 'direct', requesterId: REQUESTER_ID });
  const html = renderWithMarkdown(built.card);

  it('renders no <strong>, <em>, <img>, <code> or <del>', () => {
    expect(html).not.toMatch(/<(strong|em|img|code|del|s|h\d|blockquote)[ >]/);
  });

  it('renders no link from the API text (only the card\'s own buttons exist)', () => {
    expect(html).not.toMatch(/<a[ >]/);
    expect(html).not.toMatch(/(href|src)="[^"]*evil\.example/);
  });

  it('(control) the renderer does run markdown on a TextBlock, so the checks above mean something', () => {
    const control = renderWithMarkdown({ type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: recording.topic }] });
    expect(control).toMatch(/<strong>x<\/strong>/);
    expect(control).toMatch(/<a [^>]*href="b"/);
  });

  it('shows the literal characters', () => {
    const text = textOf(html);
    expect(text).toContain('**x** <@all> [a](b)');
    expect(text).toContain('_ab_*c*@[x](https://evil.example).com');
  });

  it('never puts API text in a TextBlock or FactSet (which hosts run markdown on)', () => {
    const markdownTexts = [
      ...elementsOfType(built.card, 'TextBlock').map((block) => String(block.text)),
      ...elementsOfType(built.card, 'FactSet').map((set) => JSON.stringify(set)),
    ];
    for (const value of [recording.topic, recording.ownerEmail, recording.storageRegion]) {
      for (const text of markdownTexts) expect(text).not.toContain(value);
    }
  });

  it('shows the hostile text literally in the fallback, rendered as markdown', () => {
    const rendered = new MarkdownIt({ linkify: true }).render(built.fallback);
    // Shown without the invisible word joiners that break mentions and links.
    const text = textOf(rendered).replace(/\u2060/g, '');
    expect(textOf(rendered)).not.toContain('<@');
    expect(text).toContain('Recording: **x** <@all> [a](b)');
    expect(text).toContain('Owner: _ab_*c*@[x](https://evil.example).com');
    expect(rendered).not.toMatch(/<(em|img|code|del|s)[ >]/);
    // The only bold is the bot's own "Recording:" label; the only link is the audio download.
    expect(rendered.match(/<strong>/g)).toHaveLength(1);
    expect(rendered.match(/<a /g)).toHaveLength(1);
    expect(rendered).toContain('href="https://nsq1wss.dmz.webex.com/nbr/dl%281%29?ticket=HOSTILE&amp;name=a%20b"');
    expect(built.fallback).not.toContain('<@');
  });
});

describe('hostile topic in the list card', () => {
  it('renders literally, rows and chooser alike', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ ...recording, id: `hostile${i}`, timeRecorded: `2026-04-1${i}T09:00:00Z` }));
    const built = buildRecordingListCard({ items, timeZone: 'Europe/Paris', zoneSource: 'profile', now, windowDescription: '**last** 7 days', audience: 'direct' });
    const html = renderWithMarkdown(built.card);
    expect(html).not.toMatch(/<(strong|em|a|img)[ >]/);
    expect(textOf(html)).toContain('**x** <@all> [a](b)');
    expect(textOf(html)).toContain('**last** 7 days');
    expect(built.fallback).not.toContain('<@');
  });
});
