/**
 * The U2C service catalog of websocket mode (see mercury.ts), in hostmap form: every service on the
 * emulator's host, in the one cluster the Webex SDK maps to the `us` of Webex IDs.
 */
export const CLUSTER = 'urn:TEAM:us-east-2_a';

export function serviceLinks(baseUrl: string): Record<string, string> {
  return {
    hydra: `${baseUrl}/v1`,
    u2c: `${baseUrl}/u2c/api/v1`,
    wdm: `${baseUrl}/wdm/api/v1`,
    conversation: `${baseUrl}/conversation/api/v1`,
    metrics: `${baseUrl}/metrics/api/v1`,
  };
}

/** The catalog in hostmap form; the limited (pre-sign-in) one has no device or conversation service. */
export function catalog(baseUrl: string, kind: 'limited' | 'full'): { serviceLinks: Record<string, string>; hostCatalog: Record<string, unknown[]>; format: 'hostmap' } {
  const links = serviceLinks(baseUrl);
  const names = kind === 'limited' ? ['hydra', 'u2c', 'metrics'] : Object.keys(links);
  const picked = Object.fromEntries(names.map((n) => [n, links[n]!]));
  const host = new URL(baseUrl).hostname;
  // The SDK names a host's service after its first entry and finds a URL's cluster by host name.
  const first = names.includes('conversation') ? 'conversation' : names[0]!;
  const hostCatalog = { [host]: [first, ...names.filter((n) => n !== first)].map((n) => ({ host, ttl: -1, priority: 5, id: `${CLUSTER}:${n}` })) };
  return { serviceLinks: picked, hostCatalog, format: 'hostmap' };
}
