/** Small HTML pages shown in the browser at the end of sign-in. */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The most of a value from a URL (e.g. an OAuth `error`) shown on a page or written to a log. */
export const ECHO_LIMIT = 80;

/**
 * A value someone else put in a URL, made fit to show back: control characters removed,
 * whitespace collapsed, cut at `limit` characters with an ellipsis. Escaping is the page's job.
 */
export function boundedEcho(value: string, limit = ECHO_LIMIT): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length <= limit ? clean : `${chars.slice(0, limit).join('')}…`;
}

export function resultPage(status: number, title: string, message: string): { status: number; html: string } {
  const ok = status < 300;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Webex Recording Bot</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.4rem;color:${ok ? '#0a7b34' : '#b3261e'}}p{line-height:1.5}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return { status, html };
}
