/**
 * The markdown text sent with the recording card, for notifications and clients that cannot show
 * cards: topic, status, times, duration, size, owner, the links (1:1 only) and their expiry.
 * API text is escaped so it shows literally; in a private group space no URL and no expiry appear.
 */
import { escapeMarkdown, markdownLinkTarget } from '../format';
import { UNKNOWN } from './elements';
import { zoneLineMarkdown } from './labels';
import {
  EMPTY_LINKS_NOTE,
  hasDownloads,
  nobodyGetsLinks,
  noLinksReason,
  privateLinksNote,
  PURGED_NOTE,
  type RecordingView,
} from './recordingView';

export function recordingFallback(view: RecordingView, privateLinks: boolean, callWith?: string): string {
  const md = escapeMarkdown;
  const lines = [
    `**Recording:** ${view.topic ? md(view.topic) : '_(no topic)_'}`,
    `- Status: ${md(view.status.title)}${view.service ? ` · ${md(view.service)}` : ''}`,
    ...(callWith ? [`- Call with: ${md(callWith)}`] : []),
    `- Recorded: ${view.recorded}`,
    `- Created: ${view.created}`,
    `- Duration: ${view.duration} · Size: ${view.size} · Format: ${md(view.format)}`,
    `- Owner: ${md(view.ownerEmail)}${view.ownerType ? ` (${md(view.ownerType)})` : ''}`,
    `- ${zoneLineMarkdown(view.timeZone, view.zoneSource)}`,
    ...linkLines(view, privateLinks),
  ];
  return lines.join('\n');
}

function linkLines(view: RecordingView, privateLinks: boolean): string[] {
  if (view.linksState === 'purged') return [`- ${PURGED_NOTE}`];
  if (privateLinks && !nobodyGetsLinks(view)) return [`- ${privateLinksNote(view)}`];
  if (view.linksState === 'absent') return [`- ${noLinksReason(view)}`];
  const lines: string[] = [];
  const downloads = [
    link(view.format === UNKNOWN ? 'audio' : `audio (${view.format})`, view.audioUrl),
    link('transcript', view.transcriptUrl),
  ].filter((item): item is string => item !== undefined);
  if (downloads.length > 0) lines.push(`- Download: ${downloads.join(' · ')}`);
  if (view.hasNotes) lines.push('- Notes & action items: use the button on the card');
  if (!hasDownloads(view)) lines.push(`- ${EMPTY_LINKS_NOTE}`);
  if (view.expiryLine) lines.push(`- ${view.expiryLine}`);
  return lines;
}

function link(label: string, url: string | undefined): string | undefined {
  const target = url === undefined ? undefined : markdownLinkTarget(url);
  return target === undefined ? undefined : `[${escapeMarkdown(label)}](${target})`;
}
