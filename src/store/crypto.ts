import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption of tokens at rest: AES-256-GCM, a random 12-byte IV per value, stored as
 * `v1:<iv b64>:<tag b64>:<ciphertext b64>`. A context string (for example the field and the
 * person id) is bound as additional authenticated data, so a value copied to another row or
 * column does not decrypt.
 */

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** A stored value could not be decrypted: wrong key, tampered or malformed value. Never carries the value. */
export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`Stored token could not be decrypted: ${reason}`);
    this.name = 'TokenDecryptionError';
  }
}

export class TokenCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new Error(`The token encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    this.key = Buffer.from(key);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(stored: string, context: string): string {
    const parts = stored.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new TokenDecryptionError(`not in the ${VERSION} format`);
    }
    const iv = Buffer.from(parts[1], 'base64');
    const tag = Buffer.from(parts[2], 'base64');
    const ciphertext = Buffer.from(parts[3], 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new TokenDecryptionError('malformed IV or tag');
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptionError('wrong key or altered value');
    }
  }
}
