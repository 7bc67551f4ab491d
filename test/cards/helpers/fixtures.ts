/** The recording fixtures (API shapes) and the scenario each one is shown in. */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { Recording } from '../../../src/webex/types';
import type { NoLinksCause, ZoneSource } from '../../../src/cards';

const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'recordings');

export function loadRecording(name: string): Recording {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Recording;
}

export interface Scenario {
  /** Golden-file name; the fixture name unless one fixture is shown at two moments. */
  name?: string;
  fixture: string;
  timeZone: string;
  zoneSource: ZoneSource;
  /** The moment the card is built: links were fetched shortly before. */
  now: string;
  /** Why the fetch came without links, when the bot could tell from who asked. */
  noLinksCause?: NoLinksCause;
}

export const REQUESTER_ID = 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9yZXF1ZXN0ZXI';

export const SCENARIOS: Scenario[] = [
  { fixture: 'seed-sample', timeZone: 'Asia/Singapore', zoneSource: 'profile', now: '2023-11-09T09:58:00Z' },
  { fixture: 'all-links', timeZone: 'Europe/Paris', zoneSource: 'override', now: '2026-04-14T08:31:00Z' },
  { fixture: 'audio-only', timeZone: 'Europe/Paris', zoneSource: 'profile', now: '2026-04-14T09:55:00Z' },
  { name: 'audio-only-expired', fixture: 'audio-only', timeZone: 'Europe/Paris', zoneSource: 'profile', now: '2026-04-14T12:50:00Z' },
  { fixture: 'no-links', timeZone: 'Europe/Paris', zoneSource: 'default', now: '2026-04-14T08:31:00Z' },
  { name: 'no-links-admin-access', fixture: 'no-links', timeZone: 'Europe/Paris', zoneSource: 'profile', now: '2026-04-14T08:31:00Z', noLinksCause: 'admin-access' },
  { name: 'no-links-prevent-downloading', fixture: 'no-links', timeZone: 'Europe/Paris', zoneSource: 'profile', now: '2026-04-14T08:31:00Z', noLinksCause: 'prevent-downloading' },
  { fixture: 'deleted', timeZone: 'UTC', zoneSource: 'utc', now: '2026-04-14T08:31:00Z' },
  { fixture: 'purged', timeZone: 'Europe/London', zoneSource: 'profile', now: '2026-04-14T08:31:00Z' },
  { fixture: 'customer-assist-call-queue', timeZone: 'America/Los_Angeles', zoneSource: 'profile', now: '2026-04-14T14:46:00Z' },
  { fixture: 'long-several-gb', timeZone: 'Europe/Paris', zoneSource: 'profile', now: '2026-04-14T08:31:00Z' },
  { fixture: 'dst-new-york', timeZone: 'America/New_York', zoneSource: 'profile', now: '2026-03-08T07:05:00Z' },
  { fixture: 'dst-berlin', timeZone: 'Europe/Berlin', zoneSource: 'override', now: '2026-10-25T01:31:00Z' },
  { fixture: 'kathmandu-workspace', timeZone: 'Asia/Kathmandu', zoneSource: 'profile', now: '2026-05-04T09:10:00Z' },
  { fixture: 'hostile-text', timeZone: 'Europe/Paris', zoneSource: 'profile', now: '2026-04-14T08:31:00Z' },
  { fixture: 'notes-only', timeZone: 'Europe/Paris', zoneSource: 'profile', now: '2026-04-14T08:31:00Z' },
];

/** Every URL in a recording's links object (what must never show in a private group card). */
export function linkUrls(recording: Recording): string[] {
  const links = recording.temporaryDirectDownloadLinks ?? {};
  return [
    links.audioDownloadLink,
    links.transcriptDownloadLink,
    links.suggestedNotesDownloadLink,
    links.shortNotesDownloadLink,
    links.actionItemsDownloadLink,
  ].filter((url): url is string => typeof url === 'string');
}

export function scenarioName(scenario: Scenario): string {
  return scenario.name ?? scenario.fixture;
}

/** Every string anywhere in a JSON value (keys excluded). */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** Every object in a JSON value whose `type` is the given one. */
export function elementsOfType(value: unknown, type: string): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap((item) => elementsOfType(item, type));
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const own = record.type === type ? [record] : [];
    return [...own, ...Object.values(record).flatMap((item) => elementsOfType(item, type))];
  }
  return [];
}
