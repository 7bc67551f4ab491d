/**
 * The details card of one recording, for a 1:1 space or a group space.
 *
 * Action priority (the card may carry at most 5 actions, nested ones counted): candidates are
 * ranked, and if more than 5 were ever wanted the lowest-ranked would be dropped first. Ranks:
 *   1. the way to the recording itself: "Download audio" (1:1 / public group) or
 *      "Send me the download links" (private group);
 *   2. "Download transcript";
 *   3. "Notes & action items" (one button for suggested notes, short notes and action items);
 *   4. "Refresh links", only on a card that shows download links;
 *   5. "More details" (a ShowCard with no actions inside; counts as one).
 * The largest set any card can have is exactly these five, so today nothing is ever dropped;
 * the ranking keeps the limit safe if a button is added later.
 *
 * Group spaces with private links (`group-private`): the card and its fallback carry no URL and no
 * expiry; "Send me the download links" replaces the download and notes buttons (whoever clicks
 * gets the links by direct message, fetched with their own token), offered whatever the links
 * state, since the clicker may have access the requester lacks, except when nobody can get links:
 * the recording is purged, or Prevent Downloading is known to be on. Such a card has no "Refresh
 * links" (it shows no links to refresh).
 *
 * The direct message with the links that a click on "Send me the download links" produces is the
 * 1:1 card itself (`buildLinksCard` is that card): the clicker sees exactly what they would see
 * asking the bot directly.
 */
import type { CallParty } from '../webex/call-party';
import type { Recording } from '../webex/types';
import { actionData, isValidRecordingId } from './actions';
import { CALL_WITH_LABEL, callWithText } from './callWith';
import { factRow, finishCard, noteLine, richText, run, UNKNOWN } from './elements';
import type { ZoneSource } from './labels';
import type { NoLinksCause } from './recordingView';
import { MAX_ACTIONS } from './limits';
import { recordingFallback } from './recordingFallback';
import {
  describeRecording,
  EMPTY_LINKS_NOTE,
  hasDownloads,
  nobodyGetsLinks,
  noLinksReason,
  privateLinksNote,
  PURGED_NOTE,
  type Audience,
  type RecordingView,
} from './recordingView';
import type { AdaptiveCard, BuiltCard, CardActionElement, CardElement } from './schema';

export type { Audience, NoLinksCause } from './recordingView';

export interface RecordingCardInput {
  recording: Recording;
  timeZone: string;
  zoneSource: ZoneSource;
  now: Date;
  audience: Audience;
  /** Webex person ID of whoever asked; the refresh button carries it. */
  requesterId: string;
  /** Why the requester's fetch came without links, when the bot knows. */
  noLinksCause?: NoLinksCause;
  /** Who the call was with, from the recording's metadata; no "Call with" line without it. */
  callParty?: CallParty;
}

export function buildRecordingCard(input: RecordingCardInput): BuiltCard {
  const view = describeRecording(input);
  const privateLinks = input.audience === 'group-private';
  const callWith = callWithText(input.callParty, privateLinks);
  const body = [...headerElements(view), ...factElements(view, callWith), ...linkElements(view, privateLinks)];
  const actions = recordingActions(view, privateLinks, input.requesterId);
  return finishCard(body, actions, recordingFallback(view, privateLinks, callWith));
}

/** The card sent by direct message with the links: the 1:1 card. */
export function buildLinksCard(input: Omit<RecordingCardInput, 'audience'>): BuiltCard {
  return buildRecordingCard({ ...input, audience: 'direct' });
}

function headerElements(view: RecordingView): CardElement[] {
  return [
    richText([
      view.topic
        ? run(view.topic, { size: 'Medium', weight: 'Bolder' })
        : run('(no topic)', { size: 'Medium', weight: 'Bolder', italic: true }),
    ]),
    richText([run(view.status.title, { color: view.status.color, weight: 'Bolder' }), ...(view.service ? [run(` · ${view.service}`)] : [])], 'Small'),
  ];
}

function factElements(view: RecordingView, callWith: string | undefined): CardElement[] {
  const rows: CardElement[] = [
    ...(callWith ? [factRow(CALL_WITH_LABEL, callWith)] : []),
    factRow('Recorded', view.recorded),
    factRow('Created', view.created),
    factRow('Duration', view.duration),
    factRow('Size', view.size),
    factRow('Format', view.format),
    factRow('Owner', view.ownerEmail),
  ];
  if (view.ownerType) rows.push(factRow('Owner type', view.ownerType));
  rows.push(noteLine(view.zoneLine, 'Small'));
  return rows;
}

function linkElements(view: RecordingView, privateLinks: boolean): CardElement[] {
  if (view.linksState === 'purged') return [noteLine(PURGED_NOTE, 'Medium')];
  if (privateLinks && !nobodyGetsLinks(view)) return [noteLine(privateLinksNote(view), 'Medium')];
  if (view.linksState === 'absent') return [noteLine(noLinksReason(view), 'Medium')];
  const lines: CardElement[] = [];
  if (!hasDownloads(view)) lines.push(noteLine(EMPTY_LINKS_NOTE, 'Medium'));
  if (view.expiryLine) lines.push(noteLine(view.expiryLine, lines.length ? 'Small' : 'Medium'));
  return lines;
}

interface RankedAction {
  rank: number;
  action: CardActionElement;
}

function recordingActions(view: RecordingView, privateLinks: boolean, requesterId: string): CardActionElement[] {
  const recordingId = view.id;
  const wanted: RankedAction[] = [];
  // Without a valid ID from Webex no button can name the recording: only the links and details.
  const submits = isValidRecordingId(recordingId);
  if (view.linksState !== 'purged') {
    if (privateLinks) {
      if (submits && !nobodyGetsLinks(view)) wanted.push({
        rank: 1,
        action: { type: 'Action.Submit', title: 'Send me the download links', style: 'positive', data: actionData({ action: 'sendLinks', recordingId }) },
      });
    } else {
      if (view.audioUrl) {
        const title = /^[A-Za-z0-9]{1,10}$/.test(view.format) ? `Download audio (${view.format})` : 'Download audio';
        wanted.push({ rank: 1, action: { type: 'Action.OpenUrl', title, url: view.audioUrl, style: 'positive' } });
      }
      if (view.transcriptUrl) {
        wanted.push({ rank: 2, action: { type: 'Action.OpenUrl', title: 'Download transcript', url: view.transcriptUrl } });
      }
      if (submits && view.hasNotes) {
        wanted.push({
          rank: 3,
          action: { type: 'Action.Submit', title: 'Notes & action items', data: actionData({ action: 'notes', recordingId }) },
        });
      }
    }
    if (submits && !privateLinks && hasDownloads(view)) {
      wanted.push({
        rank: 4,
        action: { type: 'Action.Submit', title: 'Refresh links', data: actionData({ action: 'refresh', recordingId, requesterId }) },
      });
    }
  }
  wanted.push({ rank: 5, action: { type: 'Action.ShowCard', title: 'More details', card: moreDetailsCard(view) } });
  return keepHighestRanked(wanted, MAX_ACTIONS);
}

/** Keeps the `max` best-ranked actions, in their original order. */
export function keepHighestRanked(wanted: RankedAction[], max: number): CardActionElement[] {
  const kept = new Set([...wanted].sort((a, b) => a.rank - b.rank).slice(0, max));
  return wanted.filter((item) => kept.has(item)).map((item) => item.action);
}

function moreDetailsCard(view: RecordingView): AdaptiveCard {
  const body: CardElement[] = [factRow('Storage region', view.storageRegion)];
  if (view.locationId) body.push(factRow('Location ID', view.locationId));
  if (view.callSessionId) body.push(factRow('Call session ID', view.callSessionId));
  body.push(factRow('Recording ID', view.id || UNKNOWN), factRow('Owner ID', view.ownerId));
  return { type: 'AdaptiveCard', body };
}
