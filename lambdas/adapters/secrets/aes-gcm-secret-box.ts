import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../ports/secret-box.js';

const version = 'v1';
const info = 'switchboard webhook secrets v1';

/**
 * AES-256-GCM with a key derived (HKDF-SHA256) from key material kept elsewhere: Secrets
 * Manager deployed, a file of the data folder locally. `context` is authenticated data, so a
 * sealed value opens only for the record it was sealed for. The material is read once, on
 * first use. Sealed form: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class AesGcmSecretBox implements SecretBox {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly material: () => Promise<string>) {}

  async seal(plaintext: string, context: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.keyOnce(), iv).setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [version, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  async open(sealed: string, context: string): Promise<string> {
    const [prefix, iv, tag, ciphertext] = sealed.split('.');
    if (prefix !== version || iv === undefined || tag === undefined || ciphertext === undefined) throw new Error('The value is not a sealed secret.');
    const decipher = createDecipheriv('aes-256-gcm', await this.keyOnce(), Buffer.from(iv, 'base64url'))
      .setAAD(Buffer.from(context))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`The secret sealed for ${context} does not open with this key: was the webhook key replaced?`);
    }
  }

  private keyOnce(): Promise<Buffer> {
    this.key ??= this.material().then(
      (material) => {
        if (material.length < 32) throw new Error('The webhook key material is shorter than 32 characters.');
        return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, 32));
      },
      (error: unknown) => {
        this.key = undefined;
        throw error;
      },
    );
    return this.key;
  }
}
