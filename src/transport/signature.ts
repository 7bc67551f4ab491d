import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webex signs each webhook body with HMAC-SHA1 keyed by the webhook's secret and sends the hex
 * digest in `X-Spark-Signature`. The check runs over the raw bytes as received (re-serialised
 * JSON can differ), in constant time.
 */
export function signBody(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha1', secret).update(rawBody).digest('hex');
}

export function isValidSignature(secret: string, rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !/^[0-9a-fA-F]{40}$/.test(header)) return false;
  const expected = Buffer.from(signBody(secret, rawBody), 'hex');
  const given = Buffer.from(header, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
