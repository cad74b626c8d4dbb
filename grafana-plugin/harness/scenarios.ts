/**
 * What the browser harness renders: query results like Prometheus returns them, panel options and size.
 * Shared by the page (bundled with each host's packages) and the test that checks the page.
 */
import {
  categoricalScenario,
  manyCategoriesScenario,
  manyFeaturesScenario,
  numericScenario,
  type QuerySpec,
} from '../test/fixtures';

export interface HarnessCase {
  id: string;
  queries: () => QuerySpec[];
  options: Record<string, unknown>;
  width: number;
  height: number;
  /** Points per series (1 = instant query, more = range query). */
  points: number;
}

export const CASES: HarnessCase[] = [
  { id: 'numeric', queries: numericScenario, options: {}, width: 760, height: 360, points: 1 },
  { id: 'mirrored', queries: numericScenario, options: { barStyle: 'mirrored', logScale: true }, width: 760, height: 360, points: 8 },
  { id: 'cdf', queries: numericScenario, options: { chart: 'cdf' }, width: 760, height: 360, points: 1 },
  { id: 'categorical', queries: categoricalScenario, options: {}, width: 760, height: 300, points: 1 },
  { id: 'many-categories', queries: () => manyCategoriesScenario(300), options: {}, width: 760, height: 360, points: 1 },
  { id: 'ranked', queries: () => manyFeaturesScenario(24), options: { mode: 'ranked' }, width: 760, height: 420, points: 1 },
  { id: 'grid', queries: () => manyFeaturesScenario(12), options: { mode: 'grid' }, width: 760, height: 420, points: 1 },
  { id: 'no-data', queries: () => [], options: {}, width: 760, height: 300, points: 1 },
];

export const THRESHOLDS = {
  mode: 'absolute',
  steps: [
    { value: -Infinity, color: 'green' },
    { value: 0.1, color: 'orange' },
    { value: 0.25, color: 'red' },
  ],
};
