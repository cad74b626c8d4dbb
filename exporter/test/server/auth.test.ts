/**
 * The pieces of access control on their own: the basic-auth verifier (bcrypt, success cache, one check
 * at a time, decoy checks for unknown users), header parsing, endpoint classes, SAN parsing and the
 * unauthorized-requests collector.
 */
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { authCollector } from '../../src/metrics/collectors/auth.js';
import { AuthStats } from '../../src/server/auth-stats.js';
import { endpointOf } from '../../src/server/auth.js';
import { BasicAuthVerifier, parseBasicAuthorization } from '../../src/server/basic-auth.js';
import { parseBearerAuthorization } from '../../src/server/bearer-token.js';
import { subjectAltNames } from '../../src/server/tls-options.js';

const HASHES = { alice: bcrypt.hashSync('alice-pw', 4), bob: bcrypt.hashSync('bob-pw', 4), carol: bcrypt.hashSync('carol-pw', 4) };
const USERS = new Map(Object.entries(HASHES));

/** A bcrypt stand-in that records what it was asked, optionally held until released. */
function recordingCompare() {
  const calls: { password: string; hash: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const gates: (() => void)[] = [];
  let hold = false;
  return {
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    holdAll() {
      hold = true;
    },
    releaseAll() {
      hold = false;
      for (const g of gates.splice(0)) g();
    },
    async compare(password: string, hash: string): Promise<boolean> {
      calls.push({ password, hash });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (hold) await new Promise<void>((resolve) => gates.push(resolve));
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return bcrypt.compareSync(password, hash);
    },
  };
}

describe('basic auth verifier', () => {
  it('checks the password against the bcrypt hash and caches only successes', async () => {
    const v = new BasicAuthVerifier(USERS);
    expect(await v.verify('alice', 'alice-pw')).toBe('ok');
    expect(v.bcryptChecks).toBe(1);
    // A scrape every few seconds: no more bcrypt rounds.
    for (let i = 0; i < 20; i++) expect(await v.verify('alice', 'alice-pw')).toBe('ok');
    expect(v.bcryptChecks).toBe(1);
    // Wrong guesses are never cached: each one costs a bcrypt round.
    for (let i = 0; i < 3; i++) expect(await v.verify('alice', 'guess')).toBe('denied');
    expect(v.bcryptChecks).toBe(4);
    // Another user's password is not this user's.
    expect(await v.verify('alice', 'bob-pw')).toBe('denied');
    expect(await v.verify('bob', 'bob-pw')).toBe('ok');
  });

  it('runs a full bcrypt check for an unknown user, against a configured hash, and refuses it', async () => {
    const rec = recordingCompare();
    const v = new BasicAuthVerifier(USERS, { compare: (p, h) => rec.compare(p, h) });
    // Even with a password that matches the decoy hash, an unknown user is refused.
    expect(await v.verify('mallory', 'alice-pw')).toBe('denied');
    expect(await v.verify('mallory', 'alice-pw')).toBe('denied');
    expect(rec.calls).toEqual([
      { password: 'alice-pw', hash: HASHES.alice },
      { password: 'alice-pw', hash: HASHES.alice },
    ]);
  });

  it('keys the cache by a keyed SHA-256 digest, never the password', async () => {
    const v = new BasicAuthVerifier(USERS);
    await v.verify('alice', 'alice-pw');
    const keys = [...(v as unknown as { cache: Map<string, true> }).cache.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(keys[0]).not.toContain('alice');
  });

  it('evicts the least recently used success when the cache is full', async () => {
    const v = new BasicAuthVerifier(USERS, { cacheSize: 2 });
    await v.verify('alice', 'alice-pw');
    await v.verify('bob', 'bob-pw');
    await v.verify('alice', 'alice-pw'); // alice is now the most recent
    await v.verify('carol', 'carol-pw'); // evicts bob
    expect(v.bcryptChecks).toBe(3);
    await v.verify('alice', 'alice-pw');
    await v.verify('carol', 'carol-pw');
    expect(v.bcryptChecks).toBe(3);
    await v.verify('bob', 'bob-pw');
    expect(v.bcryptChecks).toBe(4);
  });

  it('runs one bcrypt check at a time and answers "busy" beyond the waiting limit', async () => {
    const rec = recordingCompare();
    rec.holdAll();
    const v = new BasicAuthVerifier(USERS, { compare: (p, h) => rec.compare(p, h), maxPending: 3 });
    const waiting = [v.verify('alice', 'x'), v.verify('bob', 'bob-pw'), v.verify('carol', 'carol-pw')];
    expect(await v.verify('alice', 'alice-pw')).toBe('busy');
    expect(rec.calls).toHaveLength(1); // the other two wait for their turn
    rec.releaseAll();
    expect(await Promise.all(waiting)).toEqual(['denied', 'ok', 'ok']);
    expect(rec.calls).toHaveLength(3);
    expect(rec.maxInFlight).toBe(1);
    expect(await v.verify('alice', 'alice-pw')).toBe('ok');
  });
});

describe('Authorization header parsing', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('reads basic credentials; the password may contain ":"', () => {
    expect(parseBasicAuthorization(`Basic ${b64('alice:pa:ss')}`)).toEqual({ user: 'alice', password: 'pa:ss' });
    expect(parseBasicAuthorization(`basic  ${b64('alice:')}`)).toEqual({ user: 'alice', password: '' });
    expect(parseBasicAuthorization(`Basic ${b64('no-colon')}`)).toBeUndefined();
    expect(parseBasicAuthorization('Basic !!!')).toBeUndefined();
    expect(parseBasicAuthorization('Bearer abc')).toBeUndefined();
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
  });

  it('reads bearer tokens', () => {
    expect(parseBearerAuthorization('Bearer abc.def')).toBe('abc.def');
    expect(parseBearerAuthorization('BEARER   abc')).toBe('abc');
    expect(parseBearerAuthorization('Bearer a b')).toBeUndefined();
    expect(parseBearerAuthorization('Bearer ')).toBeUndefined();
    expect(parseBearerAuthorization(`Basic ${b64('a:b')}`)).toBeUndefined();
  });
});

describe('endpoint classes', () => {
  it('are metrics, ingest or other, whatever the path', () => {
    expect(endpointOf('/metrics', '/metrics')).toBe('metrics');
    expect(endpointOf('/METRICS/', '/metrics')).toBe('metrics');
    expect(endpointOf('/custom/path', '/custom/path')).toBe('metrics');
    expect(endpointOf('/api/v1/predictions', '/metrics')).toBe('ingest');
    expect(endpointOf('/Api/v2/anything', '/metrics')).toBe('ingest');
    expect(endpointOf('/apix', '/metrics')).toBe('other');
    expect(endpointOf('/-/healthy', '/metrics')).toBe('other');
    expect(endpointOf(`/${'x'.repeat(1000)}`, '/metrics')).toBe('other');
  });

  it('are exported as modelwatch_http_unauthorized_total, zero included', () => {
    const stats = new AuthStats();
    stats.countUnauthorized('ingest');
    stats.countUnauthorized('ingest');
    stats.countUnauthorized('metrics');
    const out: [string, Record<string, string>, number][] = [];
    authCollector(stats).collect((family, labels, value) => out.push([family, labels, value]), 0);
    expect(out).toEqual([
      ['modelwatch_http_unauthorized_total', { endpoint: 'metrics' }, 1],
      ['modelwatch_http_unauthorized_total', { endpoint: 'ingest' }, 2],
      ['modelwatch_http_unauthorized_total', { endpoint: 'other' }, 0],
    ]);
  });
});

describe('subject alternative names', () => {
  it("reads DNS, IP, e-mail and URI entries of Node's subjectAltName text, quoted ones included", () => {
    expect(subjectAltNames('DNS:scraper.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, email:ops@example.org, URI:spiffe://cluster/ns/monitoring, DirName:CN=x')).toEqual([
      'scraper.example',
      '127.0.0.1',
      '0:0:0:0:0:0:0:1',
      'ops@example.org',
      'spiffe://cluster/ns/monitoring',
    ]);
    expect(subjectAltNames('DNS:"a, b.example", DNS:c.example')).toEqual(['a, b.example', 'c.example']);
    expect(subjectAltNames(undefined)).toEqual([]);
  });
});
