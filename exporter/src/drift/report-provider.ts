/**
 * Builds the window reports of every model version once per scrape (collectors of the same scrape share
 * them: they are memoised on the scrape's timestamp).
 */
import type { DriftConfig } from '../config/load.js';
import type { ModelRuntime } from '../model/model-runtime.js';
import type { VersionState } from '../model/version-state.js';
import { windowReport, type WindowReport } from './window-report.js';

export class DriftReports {
  private at = Number.NaN;
  private reports = new Map<VersionState, WindowReport[]>();

  constructor(
    private readonly models: ReadonlyMap<string, ModelRuntime>,
    readonly settings: DriftConfig,
  ) {}

  get(now: number): Map<VersionState, WindowReport[]> {
    if (now !== this.at) {
      const out = new Map<VersionState, WindowReport[]>();
      for (const model of this.models.values()) {
        for (const state of model.versions.values()) {
          out.set(
            state,
            state.windows.map((w) => windowReport(state, w, this.settings, now)),
          );
        }
      }
      this.reports = out;
      this.at = now;
    }
    return this.reports;
  }
}
