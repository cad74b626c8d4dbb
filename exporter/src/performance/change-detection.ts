/**
 * Streaming change detection on a model's error stream (or its score mean): the Page-Hinkley test, with the
 * definition and defaults of River's `river.drift.PageHinkley` (River >= 0.15, which added `mode`).
 *
 * State after t values x_1..x_t since the last reset (all sums start at 0):
 *   mean_t = mean_{t-1} + (x_t - mean_{t-1}) / t                      (running mean, including x_t)
 *   U_t = alpha U_{t-1} + (x_t - mean_t) - delta,  m_t = min(m_{t-1}, U_t), m_0 = +Infinity
 *   L_t = alpha L_{t-1} + (x_t - mean_t) + delta,  M_t = max(M_{t-1}, L_t), M_0 = -1
 * Once t >= minInstances: an increase is detected when U_t - m_t > threshold, a decrease when M_t - L_t >
 * threshold; `mode` selects which ("up", "down" or "both"). After a detection the next update first resets
 * the state, so the value that follows a change point starts the new segment.
 *
 * Parameters (River's defaults): minInstances = 30; delta = 0.005, the magnitude of change tolerated;
 * threshold (lambda) = 50; alpha = 1 - 1e-4, the forgetting factor of the cumulative sums. M_0 = -1 is River's
 * starting value, kept for identical behaviour (for the decrease test it only matters while every L_t < -1).
 *
 * The threshold is in the units of the stream. With alpha < 1 a stationary stream does not drift away: U_t
 * settles around -delta / (1 - alpha) (-50 at the defaults) with a standard deviation of about
 * sigma / sqrt(1 - alpha^2) (~71 sigma), sigma the stream's standard deviation, and false alarms come from its
 * excursions over ~1 / (1 - alpha) = 10,000 values. In simulations of 200,000 stationary values the defaults gave
 * no alarm for sigma <= 0.1 (e.g. a 0/1 error stream with <= 1% errors) but several for sigma >= 0.2 (a 0/1
 * stream with 10% errors alarms every ~30,000 values). For noisier signals feed averages over small batches or
 * rescaled values (divide by ~10 sigma), or raise the threshold.
 */

export type PageHinkleyMode = 'up' | 'down' | 'both';

export interface PageHinkleyOptions {
  minInstances?: number;
  delta?: number;
  threshold?: number;
  alpha?: number;
  mode?: PageHinkleyMode;
}

/** Serialised detector: parameters and state (+Infinity / -Infinity written as null). */
export interface PageHinkleyState {
  minInstances: number;
  delta: number;
  threshold: number;
  alpha: number;
  mode: PageHinkleyMode;
  count: number;
  mean: number;
  sumIncrease: number;
  sumDecrease: number;
  minIncrease: number | null;
  maxDecrease: number | null;
  driftDetected: boolean;
}

export const PAGE_HINKLEY_DEFAULTS: Required<PageHinkleyOptions> = {
  minInstances: 30,
  delta: 0.005,
  threshold: 50,
  alpha: 1 - 0.0001,
  mode: 'both',
};

export class PageHinkley {
  readonly minInstances: number;
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly mode: PageHinkleyMode;
  private count = 0;
  private mean = 0;
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Number.POSITIVE_INFINITY;
  private maxDecrease = -1;
  private detected = false;

  constructor(options: PageHinkleyOptions = {}) {
    const o = { ...PAGE_HINKLEY_DEFAULTS, ...options };
    if (!(Number.isInteger(o.minInstances) && o.minInstances >= 1)) throw new RangeError(`minInstances must be a positive integer, got ${o.minInstances}`);
    if (!(o.delta >= 0 && Number.isFinite(o.delta))) throw new RangeError(`delta must be finite and >= 0, got ${o.delta}`);
    if (!(o.threshold > 0 && Number.isFinite(o.threshold))) throw new RangeError(`threshold must be finite and > 0, got ${o.threshold}`);
    if (!(o.alpha > 0 && o.alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${o.alpha}`);
    if (o.mode !== 'up' && o.mode !== 'down' && o.mode !== 'both') throw new RangeError(`mode must be up, down or both, got ${String(o.mode)}`);
    this.minInstances = o.minInstances;
    this.delta = o.delta;
    this.threshold = o.threshold;
    this.alpha = o.alpha;
    this.mode = o.mode;
  }

  /** Forgets the stream (parameters kept). */
  reset(): void {
    this.count = 0;
    this.mean = 0;
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Number.POSITIVE_INFINITY;
    this.maxDecrease = -1;
    this.detected = false;
  }

  /**
   * Feeds one value; returns true when it completes a detected change (then the next call starts afresh).
   * Non-finite values are ignored (return false, state unchanged).
   */
  update(x: number): boolean {
    if (!Number.isFinite(x)) return false;
    if (this.detected) this.reset();
    this.count++;
    this.mean += (x - this.mean) / this.count;
    const dev = x - this.mean;
    this.sumIncrease = this.alpha * this.sumIncrease + dev - this.delta;
    this.sumDecrease = this.alpha * this.sumDecrease + dev + this.delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    if (this.count >= this.minInstances) {
      const up = this.sumIncrease - this.minIncrease > this.threshold;
      const down = this.maxDecrease - this.sumDecrease > this.threshold;
      this.detected = this.mode === 'up' ? up : this.mode === 'down' ? down : up || down;
    }
    return this.detected;
  }

  /** Whether the last update detected a change. */
  get driftDetected(): boolean {
    return this.detected;
  }

  /** Values since the last reset. */
  get samples(): number {
    return this.count;
  }

  /** Current test statistics U_t - m_t (increase) and M_t - L_t (decrease); 0 before the first value. */
  statistics(): { increase: number; decrease: number; mean: number } {
    if (this.count === 0) return { increase: 0, decrease: 0, mean: 0 };
    return { increase: this.sumIncrease - this.minIncrease, decrease: this.maxDecrease - this.sumDecrease, mean: this.mean };
  }

  toJSON(): PageHinkleyState {
    const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return {
      minInstances: this.minInstances,
      delta: this.delta,
      threshold: this.threshold,
      alpha: this.alpha,
      mode: this.mode,
      count: this.count,
      mean: this.mean,
      sumIncrease: this.sumIncrease,
      sumDecrease: this.sumDecrease,
      minIncrease: finiteOrNull(this.minIncrease),
      maxDecrease: finiteOrNull(this.maxDecrease),
      driftDetected: this.detected,
    };
  }

  static fromJSON(state: PageHinkleyState): PageHinkley {
    const ph = new PageHinkley({
      minInstances: state.minInstances,
      delta: state.delta,
      threshold: state.threshold,
      alpha: state.alpha,
      mode: state.mode,
    });
    if (!(Number.isInteger(state.count) && state.count >= 0)) throw new RangeError(`Page-Hinkley count must be a non-negative integer, got ${state.count}`);
    ph.count = state.count;
    ph.mean = state.mean;
    ph.sumIncrease = state.sumIncrease;
    ph.sumDecrease = state.sumDecrease;
    ph.minIncrease = state.minIncrease ?? Number.POSITIVE_INFINITY;
    ph.maxDecrease = state.maxDecrease ?? Number.NEGATIVE_INFINITY;
    ph.detected = state.driftDetected;
    return ph;
  }
}
