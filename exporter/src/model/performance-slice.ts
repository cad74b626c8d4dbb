/**
 * Realized and estimated performance accumulators of one window slice. Joined labels add to the slice of
 * their prediction's receipt time (so realized metrics belong to prediction time); estimated performance
 * adds at prediction time. Everything is additive, so a window's performance is the merge of its live slices.
 */
import { ConfusionMatrix } from '../performance/classification.js';
import { ContingencyTable } from '../performance/association.js';
import { ExpectedConfusion, ExpectedScoreHistogram } from '../performance/estimation.js';
import { RegressionSums } from '../performance/regression.js';
import { ProbabilityLossSums, ScoreHistogram } from '../performance/scores.js';
import { ReservoirSample } from '../stats/reservoir.js';
import type { SliceExtra } from '../windows/sliced-window.js';

/** Score histogram resolution: AUC from it is within 1/(2·bins) of the exact value (see performance/scores.ts). */
export const SCORE_BINS = 200;
/** Absolute errors kept per slice for the median absolute error. */
export const ABS_ERROR_SAMPLE = 200;

export interface PerformanceShape {
  task: 'classification' | 'regression';
  classes: number;
  /** Binary classification with a positive class: scores, losses and estimation apply. */
  binary: boolean;
  estimate: boolean;
  labelCentre: number;
  /** Per feature: [feature bins, label bins] of its association table; empty without a label column. */
  association: [number, number][];
}

export class PerformanceSlice implements SliceExtra {
  readonly confusion: ConfusionMatrix | undefined;
  readonly scores: ScoreHistogram | undefined;
  readonly losses: ProbabilityLossSums | undefined;
  readonly regression: RegressionSums | undefined;
  readonly absErrors: ReservoirSample | undefined;
  readonly expected: ExpectedConfusion | undefined;
  readonly expectedScores: ExpectedScoreHistogram | undefined;
  readonly association: ContingencyTable[] | undefined;
  labelled = 0;

  constructor(shape: PerformanceShape, seed: number) {
    this.association = shape.association.length > 0 ? shape.association.map(([r, c]) => new ContingencyTable(r, c)) : undefined;
    if (shape.task === 'classification') {
      this.confusion = new ConfusionMatrix(shape.classes);
      if (shape.binary) {
        this.scores = new ScoreHistogram({ bins: SCORE_BINS });
        this.losses = new ProbabilityLossSums();
      }
      if (shape.estimate) {
        this.expected = new ExpectedConfusion();
        this.expectedScores = new ExpectedScoreHistogram({ bins: SCORE_BINS });
      }
    } else {
      this.regression = new RegressionSums(shape.labelCentre);
      this.absErrors = new ReservoirSample(ABS_ERROR_SAMPLE, seed);
    }
  }

  reset(): void {
    this.labelled = 0;
    this.confusion?.reset();
    this.scores?.reset();
    this.losses?.reset();
    this.regression?.reset();
    this.absErrors?.clear();
    this.expected?.reset();
    this.expectedScores?.reset();
    if (this.association) for (const t of this.association) t.reset();
  }
}
