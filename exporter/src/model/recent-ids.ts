/**
 * Remembers recently seen prediction ids to count duplicates, with bounded memory: two generations of
 * sets; the older one is dropped when the newer one is older than `horizonMs` or holds `capacity / 2` ids.
 * A duplicate is therefore detected if its first copy arrived within roughly the horizon (at least half of
 * it, and at least the last capacity/2 ids).
 */
export class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  private currentSince: number;

  constructor(
    private readonly horizonMs: number,
    private readonly capacity = 1_000_000,
    now = Date.now(),
  ) {
    this.currentSince = now;
  }

  /** Records `id`; true when it was seen before (within the horizon). */
  seen(id: string, now: number): boolean {
    if (now - this.currentSince > this.horizonMs || this.current.size >= this.capacity / 2) {
      this.previous = this.current;
      this.current = new Set();
      this.currentSince = now;
    }
    if (this.current.has(id) || this.previous.has(id)) return true;
    this.current.add(id);
    return false;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
