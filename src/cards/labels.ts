/** Words for the API's enumerations and for where the requester's time zone came from. */
import { escapeMarkdown } from '../format';
import type { TextColor } from './schema';

export type ZoneSource = 'override' | 'profile' | 'default' | 'utc';

export interface StatusWords {
  /** Sentence case, for the card's status line: "Available". */
  title: string;
  /** Lower case, for running text and list rows: "in the recycle bin". */
  phrase: string;
  color: TextColor;
}

/** `available` / `deleted` / `purged`; another value is shown as it came; none as unknown. */
export function statusWords(status: string): StatusWords {
  switch (status) {
    case '':
      return { title: 'Status unknown', phrase: 'status unknown', color: 'Default' };
    case 'available':
      return { title: 'Available', phrase: 'available', color: 'Good' };
    case 'deleted':
      return { title: 'In the recycle bin', phrase: 'in the recycle bin', color: 'Warning' };
    case 'purged':
      return { title: 'Purged', phrase: 'purged', color: 'Attention' };
    default:
      return { title: status, phrase: status, color: 'Default' };
  }
}

export function serviceWords(serviceType: string): string {
  switch (serviceType) {
    case 'calling':
      return 'Webex Calling';
    case 'customerAssist':
      return 'Customer Assist';
    default:
      return serviceType;
  }
}

/** The owner type in words, or `undefined` for a user (the usual case, not worth a line) or none. */
export function ownerTypeWords(ownerType: string): string | undefined {
  switch (ownerType) {
    case 'user':
    case '':
      return undefined;
    case 'place':
      return 'Workspace';
    case 'virtualLine':
      return 'Virtual line';
    case 'callQueue':
      return 'Call queue';
    default:
      return ownerType;
  }
}

/** Why this zone: "your time-zone setting", "your Webex profile", ... */
export function zoneSourceWords(source: ZoneSource): string {
  switch (source) {
    case 'override':
      return 'your time-zone setting';
    case 'profile':
      return 'your Webex profile';
    case 'default':
      return "the bot's default time zone";
    case 'utc':
      return 'no time zone is set for you; "timezone Europe/Paris" would set one';
  }
}

/** "Times in Asia/Singapore (your Webex profile)" */
export function zoneLine(timeZone: string, source: ZoneSource): string {
  return `Times in ${timeZone} (${zoneSourceWords(source)})`;
}

/** The zone line for a markdown text: only the zone name is data (the rest is the bot's wording). */
export function zoneLineMarkdown(timeZone: string, source: ZoneSource): string {
  return `Times in ${escapeMarkdown(timeZone)} (${zoneSourceWords(source)})`;
}
