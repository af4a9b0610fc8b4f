// Types for `http_ece` (encrypted content-encoding, RFC 8188), which ships without them: only what
// the tests' Web Push service uses to read messages as a browser would.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  export interface EceParams {
    version?: 'aes128gcm' | 'aesgcm' | 'aesgcm128';
    /** The receiver's key pair (a subscription's p256dh). */
    privateKey?: ECDH;
    /** The subscription's auth secret, base64url. */
    authSecret?: string;
    key?: string;
    salt?: string;
    keyid?: string;
    dh?: string;
    rs?: number;
  }

  export function decrypt(buffer: Buffer, params: EceParams): Buffer;
  export function encrypt(buffer: Buffer, params: EceParams): Buffer;
}
