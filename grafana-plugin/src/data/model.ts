/**
 * Frames → one distribution model per feature: bins with production counts and shares, reference shares,
 * per-bin PSI terms, scores, and the exporter's own decision when its series are in the results.
 * Pure (no React); the charts only render what this produces.
 */
import type { DataFrame } from '@grafana/data';
import { classify, type Classified, type UnrecognisedQuery } from './classify';
import { durationSeconds, featureDisplayName, numericBinLabel, parseEdge } from './format';
import { MISSING_BIN, OTHER_BIN, UNSEEN_BIN } from './metrics';
import { computeScores, type Cdf, type Scores, type StatisticId } from './scores';
import { queryTextByRefId, samplesFromFrames, type Sample } from './series';

export type BinKind = 'numeric' | 'category' | 'other' | 'unseen' | 'missing';

export interface Bin {
  /** Value of the `bin` label. */
  key: string;
  kind: BinKind;
  /** Display label: edges for numeric bins, the category otherwise. */
  label: string;
  lower?: number;
  upper?: number;
  /** Production count over the time range (sum over the series with this feature and bin). */
  count: number;
  /** count / total over all bins of the feature (0 when nothing was counted). */
  currentShare: number;
  /** Reference share, or null when the reference is missing. */
  referenceShare: number | null;
  /** This bin's PSI term, or null when PSI cannot be computed. */
  psiTerm: number | null;
}

export interface ExporterView {
  /** Windows the exporter reported for this feature. */
  windows: string[];
  /** Window shown (the option, else the longest). */
  window: string | undefined;
  drifted: boolean | undefined;
  scores: Array<{ method: string; value: number }>;
  pValues: Array<{ test: string; value: number }>;
}

export interface Feature {
  name: string;
  displayName: string;
  kind: 'numeric' | 'categorical';
  /** Numeric: by edge, specials after, `missing` last. Categorical: by PSI contribution, largest first. */
  bins: Bin[];
  /** Production values counted over the range. */
  total: number;
  hasCurrent: boolean;
  hasReference: boolean;
  scores: Scores;
  /** Numeric features with both sides: CDFs over the non-missing bins and the largest gap. */
  cdf: Cdf | null;
  exporter: ExporterView;
}

export type ModelStatus = 'no-data' | 'wrong-shape' | 'ok';

export interface Model {
  status: ModelStatus;
  features: Feature[];
  /** Series found per role. */
  found: Record<'current' | 'reference' | 'drift' | 'pValue' | 'drifted', number>;
  unrecognised: UnrecognisedQuery[];
  notes: string[];
}

export interface BuildOptions {
  statistic?: StatisticId;
  /** Exporter window to show ('' = longest reported). */
  window?: string;
  currentQuery?: string;
  referenceQuery?: string;
  psiEpsilon?: number;
  /** Queries of the request, for recognising results by their query text. */
  targets?: ReadonlyArray<{ refId?: string; expr?: unknown }>;
}

interface RawBin {
  count: number;
  hasCurrent: boolean;
  refValues: number[];
  lower?: number;
  upper?: number;
}

function binKind(key: string, numeric: boolean): BinKind {
  if (key === MISSING_BIN) return 'missing';
  if (key === OTHER_BIN) return 'other';
  if (key === UNSEEN_BIN) return 'unseen';
  return numeric ? 'numeric' : 'category';
}

function featureOf(s: Sample): string {
  return s.labels.feature ?? '';
}

/** Series without a `feature` label (a query already filtered to one feature) join the only named feature. */
function resolveUnnamed(names: Set<string>): Map<string, string> {
  const map = new Map<string, string>();
  const named = [...names].filter((n) => n !== '');
  if (names.has('') && named.length === 1) map.set('', named[0] as string);
  return map;
}

function distinct(samples: readonly Sample[], label: string): string[] {
  return [...new Set(samples.map((s) => s.labels[label]).filter((v): v is string => v !== undefined))];
}

function pickWindow(windows: string[], wanted: string | undefined): string | undefined {
  if (windows.length === 0) return undefined;
  if (wanted && windows.includes(wanted)) return wanted;
  return [...windows].sort((a, b) => {
    const da = durationSeconds(a);
    const db = durationSeconds(b);
    if (Number.isNaN(da) || Number.isNaN(db)) return a.localeCompare(b);
    return db - da;
  })[0];
}

function exporterView(c: Classified, feature: string, alias: Map<string, string>, wanted: string | undefined): ExporterView {
  const mine = (s: Sample) => (alias.get(featureOf(s)) ?? featureOf(s)) === feature && s.value !== null;
  const drift = c.drift.filter(mine);
  const pValue = c.pValue.filter(mine);
  const drifted = c.drifted.filter(mine);
  const windows = distinct([...drift, ...pValue, ...drifted], 'window').sort(
    (a, b) => durationSeconds(a) - durationSeconds(b) || a.localeCompare(b),
  );
  const window = pickWindow(windows, wanted);
  const inWindow = (s: Sample) => (s.labels.window ?? undefined) === window;
  const decision = drifted.filter(inWindow);
  return {
    windows,
    window,
    drifted: decision.length > 0 ? decision.some((s) => (s.value as number) >= 0.5) : undefined,
    scores: drift
      .filter(inWindow)
      .map((s) => ({ method: s.labels.method ?? '?', value: s.value as number }))
      .sort((a, b) => a.method.localeCompare(b.method)),
    pValues: pValue
      .filter(inWindow)
      .map((s) => ({ test: s.labels.test ?? s.labels.method ?? '?', value: s.value as number }))
      .sort((a, b) => a.test.localeCompare(b.test)),
  };
}

function compareNumericBins(a: [string, RawBin], b: [string, RawBin]): number {
  const rank = (k: string) => (k === MISSING_BIN ? 3 : k === OTHER_BIN || k === UNSEEN_BIN ? 2 : 1);
  const ra = rank(a[0]);
  const rb = rank(b[0]);
  if (ra !== rb) return ra - rb;
  const la = a[1].lower ?? (a[1].upper !== undefined ? Number.NEGATIVE_INFINITY : undefined);
  const lb = b[1].lower ?? (b[1].upper !== undefined ? Number.NEGATIVE_INFINITY : undefined);
  if (la !== undefined && lb !== undefined && la !== lb) return la - lb;
  const na = Number(a[0]);
  const nb = Number(b[0]);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a[0].localeCompare(b[0]);
}

/** Categorical order: largest PSI term first; without PSI, largest share on either side first. */
export function compareByContribution(a: Bin, b: Bin): number {
  if (a.psiTerm !== null && b.psiTerm !== null && a.psiTerm !== b.psiTerm) return b.psiTerm - a.psiTerm;
  const sa = Math.max(a.currentShare, a.referenceShare ?? 0);
  const sb = Math.max(b.currentShare, b.referenceShare ?? 0);
  if (sa !== sb) return sb - sa;
  return a.key.localeCompare(b.key);
}

function buildFeature(name: string, raw: Map<string, RawBin>, hasReference: boolean, psiEpsilon: number | undefined): Omit<Feature, 'exporter'> {
  const numeric = [...raw.entries()].some(
    ([k, b]) => k !== MISSING_BIN && (b.lower !== undefined || b.upper !== undefined),
  )
    ? true
    : !hasReference &&
      [...raw.keys()].filter((k) => k !== MISSING_BIN).length > 0 &&
      [...raw.keys()].filter((k) => k !== MISSING_BIN).every((k) => /^\d{2,}$/.test(k));
  const entries = [...raw.entries()];
  if (numeric) entries.sort(compareNumericBins);
  const counts = entries.map(([, b]) => b.count);
  const refs = entries.map(([, b]) =>
    b.refValues.length === 0 ? 0 : b.refValues.reduce((x, y) => x + y, 0) / b.refValues.length,
  );
  const scored = computeScores(counts, hasReference ? refs : null, {
    numeric,
    missingIndex: entries.findIndex(([k]) => k === MISSING_BIN),
    psiEpsilon,
  });
  let bins: Bin[] = entries.map(([key, b], i) => ({
    key,
    kind: binKind(key, numeric),
    label: numeric && key !== MISSING_BIN ? numericBinLabel(b.lower, b.upper, key) : key,
    ...(b.lower !== undefined ? { lower: b.lower } : {}),
    ...(b.upper !== undefined ? { upper: b.upper } : {}),
    count: b.count,
    currentShare: scored.currentShares[i] as number,
    referenceShare: scored.referenceShares ? (scored.referenceShares[i] as number) : null,
    psiTerm: scored.psiTerms ? (scored.psiTerms[i] as number) : null,
  }));
  if (!numeric) bins = [...bins].sort(compareByContribution);
  const total = counts.reduce((x, y) => x + y, 0);
  return {
    name,
    displayName: featureDisplayName(name),
    kind: numeric ? 'numeric' : 'categorical',
    bins,
    total,
    hasCurrent: entries.some(([, b]) => b.hasCurrent),
    hasReference,
    scores: scored.scores,
    cdf: scored.cdf,
  };
}

/** Ranks features by a statistic, largest first; features without it go last, by name. */
export function rankFeatures(features: readonly Feature[], statistic: StatisticId): Feature[] {
  return [...features].sort((a, b) => {
    const va = a.scores[statistic];
    const vb = b.scores[statistic];
    if (va !== null && vb !== null && va !== vb) return vb - va;
    if (va !== null && vb === null) return -1;
    if (va === null && vb !== null) return 1;
    return a.name.localeCompare(b.name);
  });
}

export function buildModel(frames: readonly DataFrame[], options: BuildOptions = {}): Model {
  const samples = samplesFromFrames(frames);
  const c = classify(samples, queryTextByRefId(frames, options.targets), {
    current: options.currentQuery,
    reference: options.referenceQuery,
  });
  const found = {
    current: c.current.length,
    reference: c.reference.length,
    drift: c.drift.length,
    pValue: c.pValue.length,
    drifted: c.drifted.length,
  };
  const notes = [...c.notes];
  const base = { found, unrecognised: c.unrecognised, notes };
  if (samples.length === 0) return { status: 'no-data', features: [], ...base };

  const binSamples = [...c.current, ...c.reference].filter((s) => s.labels.bin !== undefined);
  const withoutBin = c.current.length + c.reference.length - binSamples.length;
  if (withoutBin > 0) {
    notes.push(`${withoutBin} series have no \`bin\` label and are ignored; keep \`bin\` in the query's \`by (...)\`.`);
  }
  const names = new Set(binSamples.map(featureOf));
  const alias = resolveUnnamed(names);
  const featureKey = (s: Sample) => alias.get(featureOf(s)) ?? featureOf(s);

  const perFeature = new Map<string, { bins: Map<string, RawBin>; hasReference: boolean }>();
  const entry = (feature: string, bin: string): RawBin => {
    let f = perFeature.get(feature);
    if (!f) {
      f = { bins: new Map(), hasReference: false };
      perFeature.set(feature, f);
    }
    let b = f.bins.get(bin);
    if (!b) {
      b = { count: 0, hasCurrent: false, refValues: [] };
      f.bins.set(bin, b);
    }
    return b;
  };
  for (const s of c.current) {
    if (s.labels.bin === undefined) continue;
    const b = entry(featureKey(s), s.labels.bin);
    b.hasCurrent = true;
    if (s.value !== null && s.value > 0) b.count += s.value;
  }
  let conflicting = 0;
  for (const s of c.reference) {
    if (s.labels.bin === undefined) continue;
    const key = featureKey(s);
    const b = entry(key, s.labels.bin);
    (perFeature.get(key) as { hasReference: boolean }).hasReference = true;
    const lower = parseEdge(s.labels.lower);
    const upper = parseEdge(s.labels.upper);
    if (lower !== undefined) b.lower = lower;
    if (upper !== undefined) b.upper = upper;
    if (s.value !== null) {
      if (b.refValues.length > 0 && Math.abs((b.refValues[0] as number) - s.value) > 1e-12) conflicting++;
      b.refValues.push(Math.max(0, s.value));
    }
  }
  if (conflicting > 0) {
    notes.push(
      `The reference has different shares for the same bin (${conflicting} series): several model versions? ` +
        `They were averaged; filter the reference query by model and model_version.`,
    );
  }
  const versions = distinct(c.current, 'model_version');
  if (versions.length > 1) {
    notes.push(`Production counts mix ${versions.length} model versions (${versions.join(', ')}); they are summed.`);
  }

  const features: Feature[] = [];
  for (const [name, f] of perFeature) {
    features.push({ ...buildFeature(name, f.bins, f.hasReference, options.psiEpsilon), exporter: exporterView(c, name, alias, options.window) });
  }
  // Features known only from the exporter's decision series still show up (without bins).
  for (const name of distinct([...c.drift, ...c.pValue, ...c.drifted], 'feature')) {
    if (perFeature.has(name)) continue;
    features.push({
      name,
      displayName: featureDisplayName(name),
      kind: 'categorical',
      bins: [],
      total: 0,
      hasCurrent: false,
      hasReference: false,
      scores: { psi: null, js: null, hellinger: null, ks: null },
      cdf: null,
      exporter: exporterView(c, name, alias, options.window),
    });
  }
  const ranked = rankFeatures(features, options.statistic ?? 'psi');
  const status: ModelStatus = perFeature.size > 0 ? 'ok' : 'wrong-shape';
  return { status, features: ranked, ...base };
}
