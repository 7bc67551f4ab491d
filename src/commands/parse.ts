/**
 * Text → command, for the README's "Commands" table. Pure: no I/O. The bot's mention is already stripped.
 */

export const RECORDING_ID = /^[A-Za-z0-9_-]{1,128}$/;
export const MAX_IDS_PER_MESSAGE = 5;
export const DEFAULT_LIST_SIZE = 10;
export const MAX_LIST_SIZE = 50;

export type Command =
  | { name: 'recording'; ids: string[]; invalid: string[]; tooMany: boolean }
  | { name: 'recordings'; count: number; days: number | null; problem?: string }
  | { name: 'connect' }
  | { name: 'disconnect' }
  | { name: 'timezone'; argument: string | null }
  | { name: 'whoami' }
  | { name: 'help' }
  | { name: 'unknown'; text: string };

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

function parseIds(words: string[]): { ids: string[]; invalid: string[]; tooMany: boolean } {
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

function parseRecordingsArgs(args: string[]): Command {
  let count = DEFAULT_LIST_SIZE;
  let days: number | null = null;
  for (const arg of args) {
    const n = /^(\d{1,4})$/.exec(arg);
    const d = /^(\d{1,3})d(ays?)?$/i.exec(arg);
    if (n) count = Number(n[1]);
    else if (d) days = Number(d[1]);
    else return { name: 'recordings', count, days, problem: `I don't understand "${arg}". Try \`recordings 20\` or \`recordings 30d\`.` };
  }
  if (count < 1) return { name: 'recordings', count: 1, days, problem: 'Ask for at least one recording, e.g. `recordings 5`.' };
  if (days !== null && (days < 1 || days > 365)) {
    return { name: 'recordings', count, days: null, problem: 'The window must be between 1 and 365 days, e.g. `recordings 30d`.' };
  }
  return { name: 'recordings', count: Math.min(count, MAX_LIST_SIZE), days };
}

export function parseCommand(input: string): Command {
  const text = input.trim().replace(/^\/+/, '').trim();
  const words = text.split(/\s+/).filter(Boolean);
  const head = (words[0] ?? '').toLowerCase();
  const args = words.slice(1);
  switch (head) {
    case 'recording':
    case 'rec':
      return { name: 'recording', ...parseIds(args) };
    case 'recordings':
      return parseRecordingsArgs(args);
    case 'connect':
    case 'login':
    case 'signin':
      return { name: 'connect' };
    case 'disconnect':
    case 'logout':
    case 'signout':
      return { name: 'disconnect' };
    case 'timezone':
    case 'tz':
      return { name: 'timezone', argument: args.length ? args.join(' ') : null };
    case 'whoami':
    case 'status':
      return { name: 'whoami' };
    case 'help':
    case '?':
      return { name: 'help' };
    case '':
      return { name: 'unknown', text };
  }
  // A message that is only a recording ID or a Webex recording URL.
  if (words.length === 1) {
    const only = words[0]!;
    if (/^https?:\/\//i.test(only)) {
      const id = recordingIdFromUrl(only);
      if (id) return { name: 'recording', ids: [id], invalid: [], tooMany: false };
    } else if (looksLikeBareId(only)) {
      return { name: 'recording', ids: [only], invalid: [], tooMany: false };
    }
  }
  return { name: 'unknown', text };
}
