// http_ece ships no type declarations; only the decrypt path used by the push endpoint is typed.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  export interface EceParams {
    version?: 'aes128gcm' | 'aesgcm' | 'aesgcm128';
    /** Receiver's ECDH key pair (holds the private key). */
    privateKey?: ECDH;
    /** Sender's public key; only needed for the legacy aesgcm version (aes128gcm carries it as keyid). */
    dh?: Buffer | string;
    /** Buffer or base64url string. */
    authSecret?: Buffer | string;
    key?: Buffer | string;
    salt?: Buffer | string;
    rs?: number;
    keyid?: string;
  }

  export function decrypt(buffer: Buffer, params: EceParams): Buffer;
  export function encrypt(buffer: Buffer, params: EceParams): Buffer;
}
