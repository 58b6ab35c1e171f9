import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiRoleName } from '@beckon/config';

export type ApiRole = ApiRoleName;

interface StoredKey {
  role: ApiRole;
  digest: Buffer;
}

const digestOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * Looks up the role of a presented key in constant time. Keys are compared as SHA-256 digests so
 * every comparison has the same length, and every configured key is compared so the answer time
 * does not reveal which one (if any) was close.
 */
export class ApiKeyRegistry {
  private readonly keys: StoredKey[];

  constructor(keys: ReadonlyArray<{ role: ApiRole; key: string }>) {
    this.keys = keys.map(({ role, key }) => ({ role, digest: digestOf(key) }));
  }

  get size(): number {
    return this.keys.length;
  }

  roleOf(presented: string): ApiRole | null {
    const digest = digestOf(presented);
    let role: ApiRole | null = null;
    for (const stored of this.keys) {
      if (timingSafeEqual(stored.digest, digest) && role === null) role = stored.role;
    }
    return role;
  }
}
