import { echoTyped } from '../format';

/**
 * The commands' shapes and their argument parsers, for the README's "Commands" table. Pure: no
 * I/O. Which word names which command is the registry's (`registry.ts`).
 */

import { RECORDING_ID } from '../webex/recording-id';

export const MAX_IDS_PER_MESSAGE = 5;
export const DEFAULT_LIST_SIZE = 10;
export const MAX_LIST_SIZE = 50;

export type Command =
  | { name: 'recording'; ids: string[]; invalid: string[]; tooMany: boolean }
  | { name: 'recordings'; count: number; days: number | null; problem?: string; filters?: ListFilters; asked?: number }
  | { name: 'connect' }
  | { name: 'disconnect' }
  | { name: 'timezone'; argument: string | null }
  | { name: 'whoami' }
  | { name: 'notify'; action: NotifyAction | null; problem?: string }
  | { name: 'help' }
  | { name: 'unknown'; text: string };

/** `notify` (state), `notify on`, `notify off`, `notify here`, `notify off here`. */
export type NotifyAction = 'on' | 'off' | 'here' | 'off-here';

export function parseNotifyArgs(args: string[]): Extract<Command, { name: 'notify' }> {
  const words = args.map((a) => a.toLowerCase()).join(' ');
  const actions: Record<string, NotifyAction | null> = { '': null, on: 'on', off: 'off', here: 'here', 'on here': 'here', 'off here': 'off-here', 'here off': 'off-here' };
  const action = actions[words];
  if (action === undefined) {
    return { name: 'notify', action: null, problem: 'Try `notify on`, `notify off`, `notify here` (in a group space), `notify off here`, or `notify` to see what is on.' };
  }
  return { name: 'notify', action };
}

/** What `recordings` narrows the list to, besides N and Nd. */
export interface ListFilters {
  /** `owner:<email>`: that person's recordings, from the organisation's list (admins, compliance). */
  owner?: string;
  /** `deleted`: the recycle bin. */
  deleted?: boolean;
  /** `topic:<words>`: topics containing these words. */
  topic?: string;
}

/** The organisation's list spans at most 30 days. */
export const MAX_OWNER_WINDOW_DAYS = 30;

const EMAIL = /^[^\s@<>()"'`]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;

const UUID_IN_TEXT = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\b[0-9a-fA-F]{32}\b/;

/**
 * A recording ID from a pasted Webex recording URL: a `recordUUID`/`recordingId`/`id` query
 * parameter, else the last path segment that looks like an ID, else a UUID anywhere in it.
 */
export function recordingIdFromUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  for (const key of ['recordUUID', 'recordingId', 'recording_id', 'id']) {
    const value = url.searchParams.get(key);
    if (value && RECORDING_ID.test(value)) return value;
  }
  const segments = url.pathname.split('/').filter(Boolean).reverse();
  for (const segment of segments) {
    const decoded = safeDecode(segment);
    if (UUID_IN_TEXT.test(decoded) && RECORDING_ID.test(decoded)) return decoded;
  }
  const anywhere = UUID_IN_TEXT.exec(safeDecode(text));
  return anywhere ? anywhere[0] : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function looksLikeBareId(word: string): boolean {
  return UUID_IN_TEXT.test(word) && RECORDING_ID.test(word) && (word.length === 32 || word.length === 36);
}

export function parseIds(words: string[]): { ids: string[]; invalid: string[]; tooMany: boolean } {
  const ids: string[] = [];
  const invalid: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/^[<(]+|[>),.;]+$/g, '');
    if (!word) continue;
    const fromUrl = /^https?:\/\//i.test(word) ? recordingIdFromUrl(word) : null;
    const id = fromUrl ?? word;
    if (RECORDING_ID.test(id)) {
      if (!ids.includes(id)) ids.push(id);
    } else {
      invalid.push(raw);
    }
  }
  return { ids: ids.slice(0, MAX_IDS_PER_MESSAGE), invalid, tooMany: ids.length > MAX_IDS_PER_MESSAGE };
}

export function parseRecordingsArgs(args: string[]): Extract<Command, { name: 'recordings' }> {
  let count = DEFAULT_LIST_SIZE;
  let days: number | null = null;
  const filters: ListFilters = {};
  const topicWords: string[] = [];
  let inTopic = false;
  const problem = (text: string): Extract<Command, { name: 'recordings' }> => ({ name: 'recordings', count, days, problem: text });
  for (const arg of args) {
    const n = /^(\d{1,4})$/.exec(arg);
    const d = /^(\d{1,3})d(ays?)?$/i.exec(arg);
    const owner = /^owner:(.*)$/i.exec(arg);
    const topic = /^topic:(.*)$/i.exec(arg);
    if (n) count = Number(n[1]);
    else if (d) days = Number(d[1]);
    else if (/^(deleted|bin|trash)$/i.test(arg)) filters.deleted = true;
    else if (owner) {
      const email = owner[1]!.replace(/^<|>$/g, '').replace(/^mailto:/i, '');
      if (!EMAIL.test(email)) return problem(`\`owner:\` needs an email address, e.g. \`recordings owner:alice@example.com\`.`);
      filters.owner = email.toLowerCase();
    } else if (topic) {
      inTopic = true;
      if (topic[1]) topicWords.push(topic[1]);
      continue;
    } else if (inTopic) topicWords.push(arg);
    else return problem(`I don't understand "${echoTyped(arg)}". Try \`recordings 20\`, \`recordings 30d\`, \`recordings deleted\` or \`recordings topic:budget\`.`);
    // A topic's words run up to the next option.
    inTopic = false;
  }
  if (topicWords.length > 0 || inTopic) {
    const words = topicWords.join(' ').replace(/^["“”']+|["“”']+$/g, '').trim().slice(0, 100);
    if (!words) return problem('`topic:` needs some words, e.g. `recordings topic:budget review`.');
    filters.topic = words;
  }
  if (count < 1) return { name: 'recordings', count: 1, days, problem: 'Ask for at least one recording, e.g. `recordings 5`.' };
  if (days !== null && (days < 1 || days > 365)) {
    return { name: 'recordings', count, days: null, problem: 'The window must be between 1 and 365 days, e.g. `recordings 30d`.' };
  }
  if (filters.owner && days !== null && days > MAX_OWNER_WINDOW_DAYS) {
    return problem(`Webex searches someone's recordings at most ${MAX_OWNER_WINDOW_DAYS} days back: try \`recordings owner:<email> 30d\`.`);
  }
  const hasFilters = filters.owner !== undefined || filters.deleted || filters.topic !== undefined;
  // More than the maximum is shown as the maximum, and the list says so (`asked`).
  return { name: 'recordings', count: Math.min(count, MAX_LIST_SIZE), days, ...(hasFilters ? { filters } : {}), ...(count > MAX_LIST_SIZE ? { asked: count } : {}) };
}

/** A message that is only a recording ID or a Webex recording URL: that recording, else null. */
export function bareRecording(words: string[]): Command | null {
  if (words.length !== 1) return null;
  const only = words[0]!;
  if (/^https?:\/\//i.test(only)) {
    const id = recordingIdFromUrl(only);
    return id ? { name: 'recording', ids: [id], invalid: [], tooMany: false } : null;
  }
  return looksLikeBareId(only) ? { name: 'recording', ids: [only], invalid: [], tooMany: false } : null;
}
