/**
 * Checking the ingest API's bearer token in constant time: both the expected and the presented token
 * are hashed with SHA-256 and the fixed-length digests compared with `crypto.timingSafeEqual`, so
 * neither the content nor the length of the token leaks through response times.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from './secret.js';

export class BearerTokenVerifier {
  private readonly expected: Buffer;

  constructor(token: Secret) {
    this.expected = digest(token.reveal());
  }

  verify(presented: string): boolean {
    return timingSafeEqual(digest(presented), this.expected);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The token of an `Authorization: Bearer ...` header, or undefined when it is not one. */
export function parseBearerAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^bearer +(\S+) *$/i.exec(header);
  return m ? m[1] : undefined;
}
