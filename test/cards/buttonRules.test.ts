/**
 * The recording card offers only what the bot can deliver: "Refresh links" only on a card that
 * shows download links, "Send me the download links" only when a click can bring links, and a
 * no-links line that names the reason when the bot knows it.
 */
import { buildRecordingCard, type NoLinksCause } from '../../src/cards';
import { allStrings, loadRecording, REQUESTER_ID } from './helpers/fixtures';

const NOW = new Date('2026-04-14T08:31:00Z');

function build(fixture: string, audience: 'direct' | 'group-private', noLinksCause?: NoLinksCause) {
  return buildRecordingCard({
    recording: loadRecording(fixture),
    timeZone: 'Europe/Paris',
    zoneSource: 'profile',
    now: NOW,
    audience,
    requesterId: REQUESTER_ID,
    ...(noLinksCause ? { noLinksCause } : {}),
  });
}

function titles(built: ReturnType<typeof build>): string[] {
  return ((built.card as { actions?: Array<{ title: string }> }).actions ?? []).map((a) => a.title);
}

describe('recording card buttons', () => {
  it('offers "Refresh links" on a 1:1 card that shows links', () => {
    expect(titles(build('all-links', 'direct'))).toContain('Refresh links');
    expect(titles(build('audio-only', 'direct'))).toContain('Refresh links');
  });

  it.each(['no-links', 'deleted'])('offers no "Refresh links" on a 1:1 card without links (%s)', (fixture) => {
    expect(titles(build(fixture, 'direct'))).not.toContain('Refresh links');
    expect(titles(build(fixture, 'direct', 'admin-access'))).not.toContain('Refresh links');
  });

  it.each(['all-links', 'no-links', 'notes-only'])('offers no "Refresh links" on a private group card, which shows no links (%s)', (fixture) => {
    expect(titles(build(fixture, 'group-private'))).not.toContain('Refresh links');
  });

  it('offers "Send me the download links" in a group when a click may bring links', () => {
    expect(titles(build('all-links', 'group-private'))).toContain('Send me the download links');
    // Viewed with admin access: the requester gets none, but the owner or a compliance officer clicking may.
    expect(titles(build('no-links', 'group-private', 'admin-access'))).toContain('Send me the download links');
  });

  it('tells an admin asking in a group that admin access gets no links, while others may', () => {
    const built = build('no-links', 'group-private', 'admin-access');
    const text = [...allStrings(built.card), built.fallback].join('\n');
    expect(text).toContain('Webex gives none to admin access');
    expect(text).toContain('if their own Webex access includes them');
    expect(allStrings(build('all-links', 'group-private').card).join('\n')).not.toContain('admin access');
  });

  it('offers no "Send me the download links" when Prevent Downloading is known to be on', () => {
    const built = build('no-links', 'group-private', 'prevent-downloading');
    expect(titles(built)).not.toContain('Send me the download links');
    const text = [...allStrings(built.card), built.fallback].join('\n');
    expect(text).toContain('Prevent Downloading is on for this recording');
    expect(text).not.toMatch(/Send me the download links/);
  });

  it('names Prevent Downloading, and only it, when the owner sees no links', () => {
    const built = build('no-links', 'direct', 'prevent-downloading');
    const text = [...allStrings(built.card), built.fallback].join('\n');
    expect(text).toContain('No download links: Prevent Downloading is on for this recording.');
    expect(text).not.toMatch(/admin access/);
  });

  it('names admin access, and only it, when the viewer has admin access only', () => {
    const built = build('no-links', 'direct', 'admin-access');
    const text = [...allStrings(built.card), built.fallback].join('\n');
    expect(text).toContain('No download links: Webex gives none to admin access');
    expect(text).not.toMatch(/Prevent Downloading/);
  });

  it('gives both possible reasons when the bot does not know which applies', () => {
    const built = build('no-links', 'direct');
    const text = [...allStrings(built.card), built.fallback].join('\n');
    expect(text).toMatch(/admin access/);
    expect(text).toMatch(/Prevent Downloading/);
  });
});
