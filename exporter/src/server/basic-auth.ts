/**
 * Checking basic-auth credentials against the bcrypt hashes of `basic_auth_users`, as the Prometheus
 * exporter toolkit does, with two refinements:
 *
 * - Successful checks are remembered in a small LRU cache so a scrape every few seconds does not pay a
 *   bcrypt round (hundreds of milliseconds in JavaScript) each time. The cache key is an HMAC-SHA-256
 *   (with a per-process random key) of the user, the hash checked against and the presented password;
 *   the password itself is never stored. Failures are not cached: every wrong guess costs a bcrypt round.
 * - bcrypt rounds run one at a time (the toolkit holds a mutex too) and at most `maxPending` wait;
 *   beyond that the request is answered "busy" rather than queued without limit.
 *
 * An unknown user is checked against a configured user's hash and then refused, so the answer takes as
 * long as for a known user with a wrong password and user names cannot be probed by timing.
 */
import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

export type BasicAuthResult = 'ok' | 'denied' | 'busy';

export interface BasicAuthOptions {
  /** Successful (user, hash, password) checks remembered (default 64). */
  cacheSize?: number;
  /** bcrypt checks allowed to wait for their turn (default 32). */
  maxPending?: number;
  /** For tests: the bcrypt comparison. */
  compare?: (password: string, hash: string) => Promise<boolean>;
}

export class BasicAuthVerifier {
  private readonly cache = new Map<string, true>();
  private readonly hmacKey = randomBytes(32);
  private readonly decoyHash: string;
  private readonly cacheSize: number;
  private readonly maxPending: number;
  private readonly compare: (password: string, hash: string) => Promise<boolean>;
  private turn: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** bcrypt comparisons run so far (for tests and diagnostics). */
  bcryptChecks = 0;

  constructor(
    private readonly users: ReadonlyMap<string, string>,
    opts: BasicAuthOptions = {},
  ) {
    const first = users.values().next();
    if (first.done) throw new Error('BasicAuthVerifier needs at least one user');
    this.decoyHash = first.value;
    this.cacheSize = opts.cacheSize ?? 64;
    this.maxPending = opts.maxPending ?? 32;
    this.compare = opts.compare ?? ((password, hash) => bcrypt.compare(password, hash));
  }

  async verify(user: string, password: string): Promise<BasicAuthResult> {
    const hash = this.users.get(user);
    const against = hash ?? this.decoyHash;
    const key = createHmac('sha256', this.hmacKey).update(JSON.stringify([user, against, password])).digest('base64');
    if (hash !== undefined && this.cache.has(key)) {
      // Most recently used goes last; the first entry is the eviction candidate.
      this.cache.delete(key);
      this.cache.set(key, true);
      return 'ok';
    }
    if (this.pending >= this.maxPending) return 'busy';
    this.pending++;
    const run = this.turn.then(async () => {
      this.bcryptChecks++;
      try {
        return await this.compare(password, against);
      } catch {
        return false;
      }
    });
    this.turn = run;
    let matched: boolean;
    try {
      matched = await run;
    } finally {
      this.pending--;
    }
    if (!matched || hash === undefined) return 'denied';
    this.cache.set(key, true);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return 'ok';
  }
}

/** User and password of an `Authorization: Basic ...` header, or undefined when it is not one. */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
