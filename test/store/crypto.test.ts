import { randomBytes } from 'node:crypto';
import { TokenCipher, TokenDecryptionError } from '../../src/store/crypto';

describe('TokenCipher', () => {
  const key = randomBytes(32);
  const cipher = new TokenCipher(key);

  it('round-trips a value in the v1 format with a fresh IV each time', () => {
    const a = cipher.encrypt('secret-token', 'ctx');
    const b = cipher.encrypt('secret-token', 'ctx');
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toEqual(b);
    const [, iv, tag] = a.split(':');
    expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
    expect(a).not.toContain('secret-token');
    expect(cipher.decrypt(a, 'ctx')).toBe('secret-token');
    expect(cipher.decrypt(cipher.encrypt('', 'ctx'), 'ctx')).toBe('');
    expect(cipher.decrypt(cipher.encrypt('ünïcødé ✓', 'ctx'), 'ctx')).toBe('ünïcødé ✓');
  });

  it('throws TokenDecryptionError with the wrong key, without the value in the message', () => {
    const stored = cipher.encrypt('secret-token', 'ctx');
    const other = new TokenCipher(randomBytes(32));
    expect(() => other.decrypt(stored, 'ctx')).toThrow(TokenDecryptionError);
    try {
      other.decrypt(stored, 'ctx');
    } catch (err) {
      expect((err as Error).name).toBe('TokenDecryptionError');
      expect((err as Error).message).not.toContain(stored);
      expect((err as Error).message).not.toContain('secret-token');
    }
  });

  it('refuses a value moved to another context, altered, or malformed', () => {
    const stored = cipher.encrypt('secret-token', 'accounts.access_token:alice');
    expect(() => cipher.decrypt(stored, 'accounts.access_token:bob')).toThrow(TokenDecryptionError);
    const parts = stored.split(':');
    const body = Buffer.from(parts[3], 'base64');
    body[0] ^= 1;
    parts[3] = body.toString('base64');
    expect(() => cipher.decrypt(parts.join(':'), 'accounts.access_token:alice')).toThrow(TokenDecryptionError);
    for (const bad of ['secret-token', 'v2:a:b:c', 'v1:a:b', 'v1:AAAA:BBBB:CCCC']) {
      expect(() => cipher.decrypt(bad, 'ctx')).toThrow(TokenDecryptionError);
    }
  });

  it('needs a 32-byte key', () => {
    expect(() => new TokenCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
