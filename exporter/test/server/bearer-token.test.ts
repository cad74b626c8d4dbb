/**
 * The ingest token check is constant-time: whatever is presented, `crypto.timingSafeEqual` compares two
 * 32-byte SHA-256 digests, so neither a matching prefix nor the token's length changes the work done.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { timingSafeEqual } = await import('node:crypto');
const { BearerTokenVerifier } = await import('../../src/server/bearer-token.js');
const { Secret } = await import('../../src/server/secret.js');

describe('bearer token verifier', () => {
  it('accepts the token and nothing else, comparing fixed-length digests in constant time', () => {
    const token = 'a3f1c9e07b2d4c6a8e0f1b3d5c7e9a1b';
    const v = new BearerTokenVerifier(new Secret(token));
    const spy = vi.mocked(timingSafeEqual);
    spy.mockClear();
    const presented = [token, `${token.slice(0, -1)}0`, token.slice(0, 5), `${token}${token}`, '', 'x'.repeat(10_000), token.toUpperCase()];
    expect(presented.map((p) => v.verify(p))).toEqual([true, false, false, false, false, false, false]);
    expect(spy).toHaveBeenCalledTimes(presented.length);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });
});
