/**
 * Webex pages its lists with an RFC 8288 `Link` header:
 * `<https://webexapis.com/v1/convergedRecordings?max=10&cursor=…>; rel="next"`.
 */
export interface LinkRelations {
  next?: string;
  prev?: string;
  first?: string;
  last?: string;
  [rel: string]: string | undefined;
}

/** Maps each `rel` of a `Link` header (one value or several) to its URL, as written. */
export function parseLinkHeader(value: string | string[] | undefined | null): LinkRelations {
  const result: LinkRelations = {};
  if (!value) return result;
  const text = Array.isArray(value) ? value.join(', ') : value;
  const entry = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const match of text.matchAll(entry)) {
    const url = match[1]!.trim();
    const params = match[2] ?? '';
    const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    for (const name of rels) {
      if (result[name] === undefined) result[name] = url;
    }
  }
  return result;
}
