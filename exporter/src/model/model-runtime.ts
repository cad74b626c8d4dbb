/**
 * A configured model at run time: its settings, its reference profile and bin layout, and the state of
 * each model_version seen. Versions are created on first sight (up to a cap; later ones pool into
 * `__other__`) and forgotten after `version_expiry` without records, so series stay bounded.
 */
import type { ModelConfig } from '../config/load.js';
import type { ReferenceProfile } from '../reference/profile-types.js';
import { buildLayout, type ColumnLayout } from './column-layout.js';
import { RecentIds } from './recent-ids.js';
import { ClassIndex } from './class-index.js';
import { DEFAULT_LATENCY_BUCKETS, VersionState } from './version-state.js';
import { isotonicCalibrator } from '../performance/calibration.js';
import type { PerformanceShape } from './performance-slice.js';

export const OVERFLOW_VERSION = '__other__';

export interface ModelSettings {
  maxVersions: number;
  versionExpiryMs: number;
  /** Target size of each window's merged sample per numeric column. */
  windowSampleSize: number;
  /** A record is an outlier when at least this share of its present features is out of distribution. */
  outlierMinShare: number;
}

/** Per numeric column: reference range and the 0.5–99.5 percentile band used for outlier scoring. */
export interface NumericBounds {
  min: number;
  max: number;
  low: number;
  high: number;
  feature: boolean;
}

export class ModelRuntime {
  readonly layout: ColumnLayout;
  readonly versions = new Map<string, VersionState>();
  readonly latencyBuckets: number[] = DEFAULT_LATENCY_BUCKETS;
  /** Feature names in the reference (for unexpected-field detection). */
  readonly featureNames: Set<string>;
  readonly numericBounds: NumericBounds[];
  readonly recentIds: RecentIds;
  /** Classification: the confusion matrix's classes. */
  readonly classes: ClassIndex | undefined;
  /** Regression: the reference label mean, the centre of the label deviation sums (NaN: no label column; 0 is used). */
  readonly labelCentre: number;
  /** Scale of the regression error signal for change detection (reference label std, or 1). */
  readonly labelScale: number;
  readonly performanceShape: PerformanceShape;
  /** Binary classification: calibrated probability of the positive class from a score (CBPE). */
  readonly calibrate: ((score: number) => number) | undefined;

  constructor(
    readonly config: ModelConfig,
    readonly profile: ReferenceProfile,
    readonly settings: ModelSettings,
  ) {
    this.layout = buildLayout(profile);
    this.featureNames = new Set(this.layout.features.map((c) => c.profile.name));
    this.numericBounds = this.layout.numeric.map((c) => {
      const p = c.profile;
      if (p.kind !== 'numeric') throw new Error('numeric column expected');
      return { min: p.min, max: p.max, low: p.quantiles['p0.5'] ?? p.min, high: p.quantiles['p99.5'] ?? p.max, feature: p.role === 'feature' };
    });
    this.classes = config.task === 'classification' ? new ClassIndex(this.layout, config.positiveClass) : undefined;
    const labelProfile = this.layout.label?.profile;
    this.labelCentre = labelProfile && labelProfile.kind === 'numeric' && Number.isFinite(labelProfile.mean) ? labelProfile.mean : 0;
    this.labelScale = labelProfile && labelProfile.kind === 'numeric' && labelProfile.std > 0 ? labelProfile.std : 1;
    const binary = config.task === 'classification' && config.positiveClass !== undefined;
    this.calibrate = binary && profile.calibration && profile.calibration.x.length > 0 ? isotonicCalibrator(profile.calibration) : undefined;
    this.performanceShape = {
      task: config.task,
      classes: this.classes?.size ?? 0,
      binary,
      estimate: this.calibrate !== undefined,
      labelCentre: this.labelCentre,
      association: this.layout.label ? this.layout.features.map((f) => [f.binCount, this.layout.label!.binCount] as [number, number]) : [],
    };
    const longest = Math.max(...config.windows.map((w) => w.durationMs));
    this.recentIds = new RecentIds(longest);
    this.version(config.version, Date.now());
  }

  get name(): string {
    return this.config.name;
  }

  /** The state of a version, created on first use; past the cap, new versions share `__other__`. */
  version(version: string, now: number): VersionState {
    let state = this.versions.get(version);
    if (state) return state;
    if (this.versions.size >= this.settings.maxVersions && version !== OVERFLOW_VERSION) {
      return this.version(OVERFLOW_VERSION, now);
    }
    state = new VersionState(this, version, now);
    this.versions.set(version, state);
    return state;
  }

  /**
   * Forgets versions without records for longer than the expiry (never the configured version, whose
   * series exist from start-up); returns the expired names.
   */
  expireVersions(now: number): string[] {
    const expired: string[] = [];
    for (const [name, state] of this.versions) {
      if (name !== this.config.version && now - state.lastSeenMs > this.settings.versionExpiryMs) {
        this.versions.delete(name);
        expired.push(name);
      }
    }
    return expired;
  }
}
