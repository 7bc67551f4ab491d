/**
 * Escaping of text that came from the Webex API (topics, emails, regions, ids) before it goes into
 * a markdown message, so that it shows literally: no emphasis, no links, no headings or lists, no
 * mentions.
 *
 * - Every ASCII punctuation character that markdown gives a meaning to is backslash-escaped
 *   (CommonMark allows a backslash before any ASCII punctuation and then shows the character):
 *   emphasis, code, links and images, headings, lists, quotes, tables, strikethrough, entities,
 *   and `:` and `@`, which start emoji shortcodes, autolinks and mentions in some clients.
 * - `<` becomes the entity `&lt;`, which shows as `<` but leaves no `<@…>` in the raw text for
 *   Webex to read as a mention (`<@all>`, `<@personEmail:…>`), and opens no HTML tag or autolink.
 * - Line breaks and other control characters become single spaces: these values are one-liners,
 *   and a line break could start a heading, list or quote on the next line.
 */
const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|~>&:@]/g;

export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(MARKDOWN_SPECIALS, (ch) => `\\${ch}`)
    .replace(/</g, '&lt;');
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
