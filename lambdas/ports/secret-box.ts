/**
 * Seals secrets the gateway must be able to read back (webhook signing secrets) with a key
 * kept apart from the data: deployed, in Secrets Manager; locally, in the data folder.
 * `context` binds a sealed value to its owner, so it cannot be moved to another record.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): Promise<string>;
  /** Rejects when the value was not sealed with this key and context. */
  open(sealed: string, context: string): Promise<string>;
}
