/**
 * The one escaping of text that is data (what a person typed, anything Webex sent: topics,
 * emails, IDs, scopes, tracking IDs) before it goes into a markdown message, so that it shows
 * literally and does nothing: no mention, no link, no formatting.
 *
 * - Every ASCII punctuation character markdown gives a meaning to is backslash-escaped (CommonMark
 *   shows the character itself after a backslash): emphasis, code, links and images, headings,
 *   lists, quotes, tables, strikethrough, entities and HTML.
 * - A word joiner (U+2060, invisible, no width) is put after `<` and `:`, between two `/`, and on
 *   both sides of `@` and of a `.` inside a word, so that what a person or Webex reads in the raw
 *   text or on the screen is no mention (`<@all>`, `<@personEmail:…>`, `<@personId:…>`) and no
 *   link a client would make of bare text (`https://…`, `//host`, `www.…`, `name.com`,
 *   `name@host.com`, `mailto:…`). A copy of the text carries the joiners; they cannot be seen.
 * - Line breaks and other control characters become single spaces (a line break could start a
 *   heading, list or quote), and direction overrides are dropped (they could disguise the text).
 */
const WORD_JOINER = '\u2060';
const SPECIALS = /[\\`*_{}[\]()#+\-.!|~<>&:@/]/g;

function escapeCharacter(ch: string, offset: number, text: string): string {
  switch (ch) {
    case '.':
      // Only inside a word can a dot join a domain name.
      return /\S/.test(text[offset + 1] ?? '') ? `${WORD_JOINER}\\.${WORD_JOINER}` : '\\.';
    case '@':
      return `${WORD_JOINER}\\@${WORD_JOINER}`;
    case '<':
    case ':':
      return `\\${ch}${WORD_JOINER}`;
    case '/':
      return text[offset + 1] === '/' ? `/${WORD_JOINER}` : '/';
    default:
      return `\\${ch}`;
  }
}

export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(SPECIALS, escapeCharacter)
    .replace(/\u2060{2,}/g, WORD_JOINER);
}

/** One plain token: letters, digits, `_`, `-` and `:` (no mention, no link, no markup possible). */
const PLAIN_TOKEN = /^[A-Za-z0-9_:-]{1,128}$/;

/**
 * A value such as an ID, a scope or a tracking ID: inline code when it is one plain token
 * (`spark:recordings_read`, `ROUTER_5F3A…`), else escaped text like any other data.
 */
export function markdownValue(text: string): string {
  const value = String(text);
  return PLAIN_TOKEN.test(value) ? `\`${value}\`` : escapeMarkdown(value);
}

/** `text` cut to at most `max` characters (code points), for echoing what a person typed. */
export function echoTyped(text: string, max = 60): string {
  const chars = Array.from(String(text));
  return escapeMarkdown(chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`);
}

/**
 * A URL made safe to sit in a markdown link destination `[label](url)`: characters that would end
 * or break the destination are percent-encoded. Only http(s) URLs are accepted; anything else
 * gives `undefined`.
 */
export function markdownLinkTarget(url: string): string | undefined {
  if (!isHttpUrl(url)) return undefined;
  return url.replace(/[()<>\s\\`"']/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** True for an absolute http: or https: URL (the only kind the bot puts behind a button). */
export function isHttpUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length === 0 || url.length > 4096) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}
