#!/usr/bin/env node
// Expected values for the recording rules, computed independently of PromQL, and the promtool test
// files that check them.
//
//   node alert-rules/tests/expected.mjs           write tests/<area>.rules.test.yml
//   node alert-rules/tests/expected.mjs --check   exit 1 when a written file is out of date
//   node alert-rules/tests/expected.mjs --json    print the fixtures' statistics as JSON
//
// Every fixture is described as what the exporters counted: per series, the increment of each one-minute
// step (and the steps at which the replica restarted). The generator turns that into promtool series
// notation, and computes the expected statistics from the raw counts or raw observations with textbook
// formulas (not the additive tricks the rules use). The test evaluates at 60m; the 1h window then holds
// steps 1..60 and the 5m window steps 56..60, with samples exactly on both window edges, so `increase()`
// needs no extrapolation and equals the sum of the increments.
//
// promtool compares sample values with exact float equality, so every value check is written as
// `abs(<expr> - <expected>) < bool 1e-12` (times |expected| when that is above 1) and expects 1.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const STEPS = 60; // one-minute steps; samples at 0..60m
const EVAL = '60m';
const JOB = 'modelwatch';
const WINDOWS = { '5m': 5, '1h': 60 };
const TOL = '1e-12';
const EPS = 1e-4;

// ---------------------------------------------------------------------------------------------------------
// series helpers

/** Per-step increments: `early` for steps 1..55, `late` for steps 56..60. */
function twoPhase(early, late) {
  return Array.from({ length: STEPS }, (_, i) => (i + 1 <= STEPS - 5 ? early : late));
}

/** Cumulative counter samples at 0..60m from increments; at a reset step the counter restarts from 0. */
function samples(start, increments, resets = []) {
  const v = [start];
  for (let s = 1; s <= STEPS; s++) {
    const inc = increments[s - 1];
    v.push(resets.includes(s) ? inc : v[s - 1] + inc);
  }
  for (const s of resets) {
    if (!(v[s] < v[s - 1])) throw new Error(`reset at step ${s} would not be visible as a reset`);
  }
  return v;
}

/** The true count of a window: the sum of the increments of its last `minutes` steps. */
function windowSum(increments, minutes) {
  let sum = 0;
  for (let s = STEPS - minutes + 1; s <= STEPS; s++) sum += increments[s - 1];
  return sum;
}

/** promtool expanding notation (`a+bxn` gives n+1 samples) for a list of numbers. */
function notation(values) {
  const parts = [];
  let i = 0;
  while (i < values.length) {
    if (i === values.length - 1) {
      parts.push(num(values[i]));
      break;
    }
    const d = values[i + 1] - values[i];
    let j = i + 1;
    while (j + 1 < values.length && values[j + 1] - values[j] === d) j++;
    parts.push(`${num(values[i])}${d < 0 ? '-' : '+'}${num(Math.abs(d))}x${j - i}`);
    i = j + 1;
  }
  return parts.join(' ');
}

function num(v) {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return String(v);
}

/** `{a="x",b="y"}`; with dropEmpty, labels with an empty value are left out (Prometheus has no such label). */
function labelString(labels, dropEmpty = false) {
  return `{${Object.entries(labels)
    .filter(([, v]) => !dropEmpty || v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
    .join(',')}}`;
}

function selector(name, labels) {
  return `${name}${labelString(labels)}`;
}

/** Deterministic pseudo-random integers (a small LCG), so the fixtures never change between runs. */
function lcg(seed) {
  let state = seed >>> 0;
  return (lo, hi) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + (state % (hi - lo + 1));
  };
}

// ---------------------------------------------------------------------------------------------------------
// test file writer

class TestFile {
  constructor(title, ruleFiles) {
    this.title = title;
    this.ruleFiles = ruleFiles;
    this.series = [];
    this.exprTests = [];
  }

  counter(name, labels, increments, { start = 0, resets = [] } = {}) {
    this.series.push({ series: selector(name, labels), values: notation(samples(start, increments, resets)) });
  }

  gauge(name, labels, value) {
    this.series.push({ series: selector(name, labels), values: `${num(value)}+0x${STEPS}` });
  }

  /**
   * Value check within TOL relative to the expected magnitude (at least TOL absolute); `labels` are the
   * labels of the recorded series (without __name__).
   */
  value(comment, name, labels, expected) {
    const tol = Math.abs(expected) > 1 ? `${TOL} * ${num(Math.abs(expected))}` : TOL;
    this.exprTests.push({
      comment,
      expr: `abs(${selector(name, labels)} - ${num(expected)}) < bool ${tol}`,
      samples: [{ labels: labelString(labels, true), value: 1 }],
    });
  }

  /** the selector must return nothing (guard, undefined statistic). */
  absent(comment, name, labels) {
    this.exprTests.push({ comment, expr: selector(name, labels), samples: [] });
  }

  /** the number of series of a recorded metric (catches extra or missing series). */
  count(comment, name, expected) {
    this.exprTests.push({ comment, expr: `count(${name})`, samples: [{ labels: '{}', value: expected }] });
  }

  render() {
    const out = [];
    out.push(`# GENERATED by expected.mjs from its fixtures -- do not edit; run \`node alert-rules/tests/expected.mjs\`.`);
    out.push(`# ${this.title}`);
    out.push(`rule_files:`);
    for (const f of this.ruleFiles) out.push(`  - ${f}`);
    out.push(`evaluation_interval: 1m`);
    out.push(`tests:`);
    out.push(`  - interval: 1m`);
    out.push(`    input_series:`);
    for (const s of this.series) {
      out.push(`      - series: '${s.series}'`);
      out.push(`        values: '${s.values}'`);
    }
    out.push(`    promql_expr_test:`);
    for (const t of this.exprTests) {
      out.push(`      # ${t.comment}`);
      out.push(`      - expr: '${t.expr}'`);
      out.push(`        eval_time: ${EVAL}`);
      if (t.samples.length === 0) {
        out.push(`        exp_samples: []`);
      } else {
        out.push(`        exp_samples:`);
        for (const s of t.samples) {
          out.push(`          - labels: '${s.labels}'`);
          out.push(`            value: ${num(s.value)}`);
        }
      }
    }
    return out.join('\n') + '\n';
  }
}

// ---------------------------------------------------------------------------------------------------------
// statistics, textbook forms

export function psi(cur, ref, eps = EPS) {
  let s = 0;
  for (let i = 0; i < cur.length; i++) {
    const c = cur[i] > 0 ? cur[i] : eps;
    const r = ref[i] > 0 ? ref[i] : eps;
    s += (c - r) * Math.log(c / r);
  }
  return s;
}

export function jsDistance(cur, ref) {
  const kl = (p, q) => p.reduce((s, pi, i) => (pi > 0 ? s + pi * Math.log2(pi / q[i]) : s), 0);
  const m = cur.map((c, i) => (c + ref[i]) / 2);
  return Math.sqrt(Math.max(0.5 * kl(cur, m) + 0.5 * kl(ref, m), 0));
}

export function hellinger(cur, ref) {
  let s = 0;
  for (let i = 0; i < cur.length; i++) s += (Math.sqrt(cur[i]) - Math.sqrt(ref[i])) ** 2;
  return Math.sqrt(0.5 * s);
}

/** Prometheus's histogram_quantile on cumulative bucket counts (linear interpolation in the bucket). */
function histogramQuantile(q, les, cumulative) {
  const total = cumulative[cumulative.length - 1];
  const rank = q * total;
  for (const c of cumulative) {
    if (Math.abs(c - rank) < 1e-9 * total) throw new Error('fixture puts a quantile on a bucket edge');
  }
  let b = 0;
  while (b < les.length - 1 && cumulative[b] < rank) b++;
  if (b === les.length - 1) return les[les.length - 2];
  const start = b === 0 ? 0 : les[b - 1];
  const below = b === 0 ? 0 : cumulative[b - 1];
  return start + (les[b] - start) * ((rank - below) / (cumulative[b] - below));
}

// ---------------------------------------------------------------------------------------------------------
// drift

const DRIFT_RULES = '../rules/drift.rules.yml';
const INSTANCES = ['10.0.0.1:9464', '10.0.0.2:9464'];

const driftFixture = [
  {
    model: 'fraud', version: 'v3', feature: 'amount',
    bins: ['00', '01', '02', '03', '04', 'missing'],
    edges: [['-Inf', '10'], ['10', '25'], ['25', '60'], ['60', '200'], ['200', '+Inf'], ['', '']],
    ref: [0.2, 0.25, 0.25, 0.15, 0.1, 0.05],
    // per replica: per-minute counts for steps 1..55 and 56..60; the second replica restarts at step 30
    replicas: [
      { early: [4, 5, 5, 3, 2, 1], late: [1, 2, 5, 7, 4, 1] },
      { early: [2, 3, 2, 2, 1, 0], late: [0, 1, 3, 4, 2, 0], resets: [30], start: 500 },
    ],
  },
  {
    // categorical: the reference never saw __unseen__ (PSI epsilon on the reference side), the window
    // has no missing values (epsilon on the current side); exactly 100 values in 5m (the guard's edge)
    model: 'fraud', version: 'v3', feature: 'country',
    bins: ['DE', 'FR', 'US', '__other__', '__unseen__', 'missing'],
    edges: [['', ''], ['', ''], ['', ''], ['', ''], ['', ''], ['', '']],
    ref: [0.4, 0.3, 0.2, 0.08, 0, 0.02],
    replicas: [
      { early: [8, 6, 4, 1, 1, 0], late: [6, 5, 4, 2, 3, 0] },
      { early: [0, 0, 0, 0, 0, 0], late: [0, 0, 0, 0, 0, 0] },
    ],
  },
  {
    // identical to the reference over 1h (every statistic exactly 0); 40 values in 5m (no series)
    model: 'fraud', version: 'v3', feature: 'age',
    bins: ['00', '01', '02', '03', 'missing'],
    edges: [['-Inf', '25'], ['25', '40'], ['40', '55'], ['55', '+Inf'], ['', '']],
    ref: [0.25, 0.25, 0.25, 0.25, 0],
    replicas: [
      { early: [1, 1, 1, 1, 0], late: [1, 1, 1, 1, 0] },
      { early: [1, 1, 1, 1, 0], late: [1, 1, 1, 1, 0] },
    ],
  },
  {
    // prediction drift uses the same family
    model: 'fraud', version: 'v3', feature: '__prediction__',
    bins: ['0', '1'],
    edges: [['', ''], ['', '']],
    ref: [0.9, 0.1],
    replicas: [
      { early: [17, 3], late: [12, 8] },
      { early: [9, 1], late: [5, 5], resets: [30], start: 300 },
    ],
  },
  {
    // a model with a reference and no traffic: no series at all
    model: 'churn', version: 'v1', feature: 'tenure',
    bins: ['00', '01', '02', 'missing'],
    edges: [['-Inf', '12'], ['12', '36'], ['36', '+Inf'], ['', '']],
    ref: [0.3, 0.4, 0.29, 0.01],
    replicas: [{ early: [0, 0, 0, 0], late: [0, 0, 0, 0] }],
  },
];

function driftStats() {
  const out = [];
  for (const f of driftFixture) {
    for (const [w, minutes] of Object.entries(WINDOWS)) {
      const counts = f.bins.map((_, i) =>
        f.replicas.reduce((s, r) => s + windowSum(twoPhase(r.early[i], r.late[i]), minutes), 0));
      const n = counts.reduce((a, b) => a + b, 0);
      const entry = { model: f.model, version: f.version, feature: f.feature, window: w, bins: f.bins, counts, n, ref: f.ref };
      if (n >= 100) {
        const cur = counts.map((c) => c / n);
        Object.assign(entry, { cur, psi: psi(cur, f.ref), js: jsDistance(cur, f.ref), hellinger: hellinger(cur, f.ref) });
      }
      out.push(entry);
    }
  }
  return out;
}

function driftTests() {
  const t = new TestFile('Drift recording rules (PSI, JS, Hellinger) over two replicas, with resets, zero bins and the guard.', [DRIFT_RULES]);
  for (const f of driftFixture) {
    f.replicas.forEach((r, ri) => {
      f.bins.forEach((bin, i) => {
        const labels = { job: JOB, instance: INSTANCES[ri], model: f.model, model_version: f.version, feature: f.feature, bin };
        t.counter('modelwatch_feature_values_total', labels, twoPhase(r.early[i], r.late[i]), { start: r.start ?? 0, resets: r.resets ?? [] });
        t.gauge('modelwatch_reference_feature_bin_ratio', { ...labels, lower: f.edges[i][0], upper: f.edges[i][1] }, f.ref[i]);
      });
    });
  }
  const stats = driftStats();
  let withSeries = { '5m': 0, '1h': 0 };
  for (const s of stats) {
    const base = { job: JOB, model: s.model, model_version: s.version, feature: s.feature };
    const w = s.window;
    t.value(`${s.model}/${s.feature} ${w}: values in the window (sum over replicas)`, `model_version_feature:modelwatch_feature_values:increase${w}`, base, s.n);
    s.bins.forEach((bin, i) => {
      t.value(`${s.model}/${s.feature} ${w} bin ${bin}: count over both replicas`, `model_version_feature_bin:modelwatch_feature_values:increase${w}`, { ...base, bin }, s.counts[i]);
    });
    if (s.cur === undefined) {
      t.absent(`${s.model}/${s.feature} ${w}: ${s.n} < 100 values, no share`, `model_version_feature_bin:modelwatch_feature_values:ratio${w}`, base);
      for (const stat of ['psi', 'js', 'hellinger']) {
        t.absent(`${s.model}/${s.feature} ${w}: ${s.n} < 100 values, no ${stat}`, `model_version_feature:modelwatch_feature_values:${stat}${w}`, base);
      }
      continue;
    }
    withSeries[w]++;
    s.bins.forEach((bin, i) => {
      t.value(`${s.model}/${s.feature} ${w} bin ${bin}: ${s.counts[i]}/${s.n}`, `model_version_feature_bin:modelwatch_feature_values:ratio${w}`, { ...base, bin }, s.cur[i]);
    });
    t.value(`${s.model}/${s.feature} ${w}: PSI (epsilon 1e-4 for zero shares only)`, `model_version_feature:modelwatch_feature_values:psi${w}`, base, s.psi);
    t.value(`${s.model}/${s.feature} ${w}: Jensen-Shannon distance, bits`, `model_version_feature:modelwatch_feature_values:js${w}`, base, s.js);
    t.value(`${s.model}/${s.feature} ${w}: Hellinger distance`, `model_version_feature:modelwatch_feature_values:hellinger${w}`, base, s.hellinger);
  }
  for (const f of driftFixture) {
    f.bins.forEach((bin, i) => {
      t.value(`reference share ${f.model}/${f.feature}/${bin}, one series for both replicas`, 'model_version_feature_bin:modelwatch_reference_feature_bin_ratio:max',
        { job: JOB, model: f.model, model_version: f.version, feature: f.feature, bin }, f.ref[i]);
    });
  }
  for (const w of Object.keys(WINDOWS)) {
    for (const stat of ['psi', 'js', 'hellinger']) {
      t.count(`${w}: only the features with >= 100 values have a ${stat}`, `model_version_feature:modelwatch_feature_values:${stat}${w}`, withSeries[w]);
    }
  }
  t.count('one reference share series per model version, feature and bin', 'model_version_feature_bin:modelwatch_reference_feature_bin_ratio:max',
    driftFixture.reduce((s, f) => s + f.bins.length, 0));
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// classification

const CLASSIFICATION_RULES = '../rules/classification.rules.yml';

const classificationFixture = [
  {
    model: 'intent', version: 'v2', classes: ['buy', 'browse', 'leave'],
    // confusion increments per minute, rows = actual, columns = predicted
    replicas: [
      { early: [[3, 1, 0], [1, 4, 0], [0, 1, 2]], late: [[2, 2, 0], [1, 3, 0], [0, 2, 0]] },
      // nothing predicted as "leave" in the last 5 minutes: no precision for it in 5m
      { early: [[1, 0, 0], [0, 2, 1], [0, 0, 1]], late: [[1, 1, 0], [0, 1, 0], [1, 0, 0]], resets: [20], start: 40 },
    ],
  },
  {
    // 10 labelled predictions in 5m (< 30: nothing), 120 in 1h
    model: 'spam', version: 'v1', classes: ['no', 'yes'],
    replicas: [{ early: [[1, 0], [1, 0]], late: [[1, 0], [1, 0]] }],
  },
];

/** Metrics straight from the list of (actual, predicted) pairs, as scikit-learn defines them. */
function classificationMetrics(classes, pairs) {
  const n = pairs.length;
  const per = {};
  for (const c of classes) {
    const tp = pairs.filter(([a, p]) => a === c && p === c).length;
    const predicted = pairs.filter(([, p]) => p === c).length;
    const actual = pairs.filter(([a]) => a === c).length;
    per[c] = {
      precision: predicted > 0 ? tp / predicted : undefined,
      recall: actual > 0 ? tp / actual : undefined,
      f1: predicted + actual > 0 ? (2 * tp) / (predicted + actual) : undefined,
    };
  }
  const f1s = classes.map((c) => per[c].f1).filter((v) => v !== undefined);
  return {
    n,
    accuracy: pairs.filter(([a, p]) => a === p).length / n,
    macroF1: f1s.reduce((a, b) => a + b, 0) / f1s.length,
    per,
  };
}

function classificationStats() {
  const out = [];
  for (const f of classificationFixture) {
    for (const [w, minutes] of Object.entries(WINDOWS)) {
      const pairs = [];
      for (const r of f.replicas) {
        for (let s = STEPS - minutes + 1; s <= STEPS; s++) {
          const m = s <= STEPS - 5 ? r.early : r.late;
          f.classes.forEach((a, ai) => f.classes.forEach((p, pi) => {
            for (let k = 0; k < m[ai][pi]; k++) pairs.push([a, p]);
          }));
        }
      }
      const cell = (a, p) => pairs.filter(([x, y]) => x === a && y === p).length;
      out.push({ model: f.model, version: f.version, window: w, classes: f.classes, cell, ...classificationMetrics(f.classes, pairs) });
    }
  }
  return out;
}

function classificationTests() {
  const t = new TestFile('Classification recording rules (precision, recall, F1, accuracy, macro F1) from confusion-matrix counters.', [CLASSIFICATION_RULES]);
  for (const f of classificationFixture) {
    f.replicas.forEach((r, ri) => {
      f.classes.forEach((a, ai) => f.classes.forEach((p, pi) => {
        t.counter('modelwatch_classifications_total',
          { job: JOB, instance: INSTANCES[ri], model: f.model, model_version: f.version, actual: a, predicted: p },
          twoPhase(r.early[ai][pi], r.late[ai][pi]), { start: r.start ?? 0, resets: r.resets ?? [] });
      }));
    });
  }
  const counts = {};
  for (const s of classificationStats()) {
    const base = { job: JOB, model: s.model, model_version: s.version };
    const w = s.window;
    t.value(`${s.model} ${w}: labelled predictions`, `model_version:modelwatch_classifications:increase${w}`, base, s.n);
    for (const a of s.classes) {
      for (const p of s.classes) {
        t.value(`${s.model} ${w}: cell actual=${a} predicted=${p}`, `model_version_actual_predicted:modelwatch_classifications:increase${w}`, { ...base, actual: a, predicted: p }, s.cell(a, p));
      }
      const cl = { ...base, class: a };
      t.value(`${s.model} ${w} class ${a}: true positives`, `model_version_class:modelwatch_classifications_true_positives:increase${w}`, cl, s.cell(a, a));
      t.value(`${s.model} ${w} class ${a}: predicted as ${a}`, `model_version_class:modelwatch_classifications_predicted:increase${w}`, cl, s.classes.reduce((n, x) => n + s.cell(x, a), 0));
      t.value(`${s.model} ${w} class ${a}: actually ${a}`, `model_version_class:modelwatch_classifications_actual:increase${w}`, cl, s.classes.reduce((n, x) => n + s.cell(a, x), 0));
    }
    if (s.n < 30) {
      t.absent(`${s.model} ${w}: ${s.n} < 30, no accuracy`, `model_version:modelwatch_classifications:accuracy${w}`, base);
      t.absent(`${s.model} ${w}: ${s.n} < 30, no macro F1`, `model_version:modelwatch_classifications:macro_f1_${w}`, base);
      for (const m of ['precision', 'recall']) t.absent(`${s.model} ${w}: ${s.n} < 30, no ${m}`, `model_version_class:modelwatch_classifications:${m}${w}`, base);
      t.absent(`${s.model} ${w}: ${s.n} < 30, no f1`, `model_version_class:modelwatch_classifications:f1_${w}`, base);
      continue;
    }
    t.value(`${s.model} ${w}: accuracy`, `model_version:modelwatch_classifications:accuracy${w}`, base, s.accuracy);
    t.value(`${s.model} ${w}: macro F1 over the classes that occur`, `model_version:modelwatch_classifications:macro_f1_${w}`, base, s.macroF1);
    for (const c of s.classes) {
      const cl = { ...base, class: c };
      for (const [m, rec] of [['precision', `precision${w}`], ['recall', `recall${w}`], ['f1', `f1_${w}`]]) {
        const name = `model_version_class:modelwatch_classifications:${rec}`;
        const v = s.per[c][m];
        counts[name] = (counts[name] ?? 0) + (v === undefined ? 0 : 1);
        if (v === undefined) t.absent(`${s.model} ${w} class ${c}: ${m} undefined`, name, cl);
        else t.value(`${s.model} ${w} class ${c}: ${m}`, name, cl, v);
      }
    }
  }
  for (const [name, c] of Object.entries(counts)) t.count('no extra per-class series', name, c);
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// regression

const REGRESSION_RULES = '../rules/regression.rules.yml';
const REFERENCE_LABEL_MEAN = 50;

function regressionObservations(seed, perMinuteEarly, perMinuteLate, errEarly, errLate) {
  const rnd = lcg(seed);
  const steps = [];
  for (let s = 1; s <= STEPS; s++) {
    const late = s > STEPS - 5;
    const k = late ? perMinuteLate : perMinuteEarly;
    const spread = late ? errLate : errEarly;
    const obs = [];
    for (let i = 0; i < k; i++) {
      const y = rnd(20, 90);
      obs.push([y, y + rnd(-spread, spread)]);
    }
    steps.push(obs);
  }
  return steps;
}

const regressionFixture = [
  {
    model: 'price', version: 'v5',
    replicas: [
      { steps: regressionObservations(7, 3, 4, 3, 12) },
      { steps: regressionObservations(11, 2, 3, 4, 15), resets: [40], start: 0 },
    ],
  },
  {
    // one labelled prediction a minute: nothing in 5m, values in 1h
    model: 'rent', version: 'v1',
    replicas: [{ steps: regressionObservations(23, 1, 1, 5, 5) }],
  },
];

function regressionCounters(steps) {
  const per = (fn) => steps.map((obs) => obs.reduce((s, o) => s + fn(o), 0));
  return {
    modelwatch_regression_predictions_total: per(() => 1),
    modelwatch_regression_absolute_error_total: per(([y, p]) => Math.abs(p - y)),
    modelwatch_regression_squared_error_total: per(([y, p]) => (p - y) ** 2),
    modelwatch_regression_label_squared_deviation_total: per(([y]) => (y - REFERENCE_LABEL_MEAN) ** 2),
    positive: per(([y]) => Math.max(y - REFERENCE_LABEL_MEAN, 0)),
    negative: per(([y]) => Math.max(REFERENCE_LABEL_MEAN - y, 0)),
  };
}

function regressionStats() {
  const out = [];
  for (const f of regressionFixture) {
    for (const [w, minutes] of Object.entries(WINDOWS)) {
      const obs = f.replicas.flatMap((r) => r.steps.slice(STEPS - minutes).flat());
      const n = obs.length;
      const sums = {
        absolute_error: obs.reduce((a, [y, p]) => a + Math.abs(p - y), 0),
        squared_error: obs.reduce((a, [y, p]) => a + (p - y) ** 2, 0),
        label_squared_deviation: obs.reduce((a, [y]) => a + (y - REFERENCE_LABEL_MEAN) ** 2, 0),
        label_deviation: obs.reduce((a, [y]) => a + (y - REFERENCE_LABEL_MEAN), 0),
      };
      const entry = { model: f.model, version: f.version, window: w, n, sums };
      if (n >= 30) {
        const mean = obs.reduce((s, [y]) => s + y, 0) / n;
        const sse = obs.reduce((s, [y, p]) => s + (p - y) ** 2, 0);
        const sst = obs.reduce((s, [y]) => s + (y - mean) ** 2, 0);
        entry.mae = obs.reduce((s, [y, p]) => s + Math.abs(p - y), 0) / n;
        entry.rmse = Math.sqrt(sse / n);
        entry.r2 = 1 - sse / sst;
      }
      out.push(entry);
    }
  }
  return out;
}

function regressionTests() {
  const t = new TestFile('Regression recording rules (MAE, RMSE, R2) from additive sums; expected values from the raw observations.', [REGRESSION_RULES]);
  for (const f of regressionFixture) {
    f.replicas.forEach((r, ri) => {
      const base = { job: JOB, instance: INSTANCES[ri], model: f.model, model_version: f.version };
      const c = regressionCounters(r.steps);
      const opts = { start: r.start ?? 0, resets: r.resets ?? [] };
      for (const name of ['modelwatch_regression_predictions_total', 'modelwatch_regression_absolute_error_total',
        'modelwatch_regression_squared_error_total', 'modelwatch_regression_label_squared_deviation_total']) {
        t.counter(name, base, c[name], opts);
      }
      t.counter('modelwatch_regression_label_deviation_total', { ...base, sign: 'positive' }, c.positive, opts);
      t.counter('modelwatch_regression_label_deviation_total', { ...base, sign: 'negative' }, c.negative, opts);
    });
  }
  for (const s of regressionStats()) {
    const base = { job: JOB, model: s.model, model_version: s.version };
    const w = s.window;
    t.value(`${s.model} ${w}: labelled predictions`, `model_version:modelwatch_regression_predictions:increase${w}`, base, s.n);
    for (const [sum, v] of Object.entries(s.sums)) {
      t.value(`${s.model} ${w}: sum of ${sum.replaceAll('_', ' ')} (signed for the label deviation)`, `model_version:modelwatch_regression_${sum}:increase${w}`, base, v);
    }
    for (const m of ['mae', 'rmse', 'r2']) {
      const name = `model_version:modelwatch_regression:${m === 'r2' ? `r2_${w}` : `${m}${w}`}`;
      if (s[m] === undefined) t.absent(`${s.model} ${w}: ${s.n} < 30, no ${m}`, name, base);
      else t.value(`${s.model} ${w}: ${m} from the raw observations`, name, base, s[m]);
    }
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// operations: throughput, errors, latency quantiles, label delay

const OPERATIONS_RULES = '../rules/operations.rules.yml';
const LATENCY_LES = [0.05, 0.1, 0.25, 0.5, 1, Infinity];
const DELAY_LES = [60, 600, 3600, 86400, Infinity];

const operationsFixture = {
  traffic: [
    {
      model: 'fraud', version: 'v3',
      replicas: [
        { requests: [60, 60], predictions: [59, 58], errors: { timeout: [1, 2] },
          latency: { early: [10, 30, 15, 4, 1, 0], late: [2, 10, 20, 15, 8, 5] } },
        { requests: [30, 30], predictions: [30, 27], errors: { timeout: [0, 0], internal: [0, 3] }, resets: [45], start: 900,
          latency: { early: [5, 15, 8, 2, 0, 0], late: [1, 4, 10, 9, 4, 2] } },
      ],
    },
    {
      // one request a minute: 5 in 5m (< 20, no error ratio, no quantile), 60 in 1h
      model: 'spam', version: 'v1',
      replicas: [{ requests: [1, 1], predictions: [1, 1], errors: { timeout: [0, 1] }, latency: { early: [0, 1, 0, 0, 0, 0], late: [0, 0, 1, 0, 0, 0] } }],
    },
  ],
  rejected: [
    { model: '', reason: 'malformed_json', replicas: [[2, 4], [0, 1]] },
    { model: 'fraud', reason: 'invalid_field', replicas: [[1, 0], [1, 1]] },
  ],
  labelDelay: { model: 'fraud', version: 'v3', replicas: [{ early: [3, 10, 5, 2, 0], late: [0, 2, 4, 6, 1] }, { early: [1, 5, 4, 1, 1], late: [0, 1, 2, 3, 1] }] },
};

function cumulative(counts) {
  const out = [];
  let s = 0;
  for (const c of counts) out.push((s += c));
  return out;
}

function leString(le) {
  return le === Infinity ? '+Inf' : String(le);
}

function operationsTests() {
  const t = new TestFile('Operations recording rules: throughput, error ratio, latency and label-delay quantiles.', [OPERATIONS_RULES]);
  const stats = [];
  for (const m of operationsFixture.traffic) {
    m.replicas.forEach((r, ri) => {
      const base = { job: JOB, instance: INSTANCES[ri], model: m.model, model_version: m.version };
      const opts = { start: r.start ?? 0, resets: r.resets ?? [] };
      t.counter('modelwatch_requests_total', base, twoPhase(...r.requests), opts);
      t.counter('modelwatch_predictions_total', base, twoPhase(...r.predictions), opts);
      for (const [error, inc] of Object.entries(r.errors)) t.counter('modelwatch_prediction_errors_total', { ...base, error }, twoPhase(...inc), opts);
      LATENCY_LES.forEach((le, i) => {
        const cumEarly = cumulative(r.latency.early)[i];
        const cumLate = cumulative(r.latency.late)[i];
        t.counter('modelwatch_prediction_latency_seconds_bucket', { ...base, le: leString(le) }, twoPhase(cumEarly, cumLate), opts);
      });
      const totalEarly = r.latency.early.reduce((a, b) => a + b, 0);
      const totalLate = r.latency.late.reduce((a, b) => a + b, 0);
      t.counter('modelwatch_prediction_latency_seconds_count', base, twoPhase(totalEarly, totalLate), opts);
    });
    for (const [w, minutes] of Object.entries(WINDOWS)) {
      const secs = minutes * 60;
      const sum = (pick) => m.replicas.reduce((s, r) => s + windowSum(twoPhase(...pick(r)), minutes), 0);
      const requests = sum((r) => r.requests);
      const predictions = sum((r) => r.predictions);
      const errors = m.replicas.reduce((s, r) => s + Object.values(r.errors).reduce((e, inc) => e + windowSum(twoPhase(...inc), minutes), 0), 0);
      const perBucket = LATENCY_LES.map((_, i) => m.replicas.reduce((s, r) => s + windowSum(twoPhase(r.latency.early[i], r.latency.late[i]), minutes), 0));
      const observed = perBucket.reduce((a, b) => a + b, 0);
      stats.push({ model: m.model, version: m.version, window: w, requests, predictions, errors, perBucket, observed, secs });
    }
  }
  for (const s of stats) {
    const base = { job: JOB, model: s.model, model_version: s.version };
    const w = s.window;
    t.value(`${s.model} ${w}: ${s.requests} requests / ${s.secs} s`, `model_version:modelwatch_requests:rate${w}`, base, s.requests / s.secs);
    t.value(`${s.model} ${w}: ${s.predictions} predictions / ${s.secs} s`, `model_version:modelwatch_predictions:rate${w}`, base, s.predictions / s.secs);
    t.value(`${s.model} ${w}: ${s.errors} errors / ${s.secs} s (all classes)`, `model_version:modelwatch_prediction_errors:rate${w}`, base, s.errors / s.secs);
    if (s.requests >= 20) {
      t.value(`${s.model} ${w}: ${s.errors}/${s.requests} requests failed`, `model_version:modelwatch_prediction_errors_per_request:ratio_rate${w}`, base, s.errors / s.requests);
    } else {
      t.absent(`${s.model} ${w}: ${s.requests} < 20 requests, no error ratio`, `model_version:modelwatch_prediction_errors_per_request:ratio_rate${w}`, base);
    }
    const cum = cumulative(s.perBucket);
    t.value(`${s.model} ${w}: ${s.observed} latency observations`, `model_version:modelwatch_prediction_latency_seconds_count:increase${w}`, base, s.observed);
    LATENCY_LES.forEach((le, i) => {
      t.value(`${s.model} ${w}: le=${leString(le)} bucket rate`, `model_version_le:modelwatch_prediction_latency_seconds_bucket:rate${w}`, { ...base, le: leString(le) }, cum[i] / s.secs);
    });
    for (const [p, q] of [['50', 0.5], ['90', 0.9], ['95', 0.95], ['99', 0.99]]) {
      const name = `model_version:modelwatch_prediction_latency_seconds:histogram_quantile${w}`;
      if (s.observed >= 20) t.value(`${s.model} ${w}: p${p} latency of ${s.observed} observations`, name, { ...base, percentile: p }, histogramQuantile(q, LATENCY_LES, cum));
      else t.absent(`${s.model} ${w}: ${s.observed} < 20 observations, no p${p}`, name, { ...base, percentile: p });
    }
  }
  // rejected records (no model_version: a rejected record may not name one)
  for (const rj of operationsFixture.rejected) {
    rj.replicas.forEach((inc, ri) => {
      t.counter('modelwatch_records_rejected_total', { job: JOB, instance: INSTANCES[ri], model: rj.model, reason: rj.reason }, twoPhase(...inc));
    });
    for (const [w, minutes] of Object.entries(WINDOWS)) {
      const n = rj.replicas.reduce((s, inc) => s + windowSum(twoPhase(...inc), minutes), 0);
      t.value(`rejected ${rj.model || '(unknown model)'}/${rj.reason} ${w}: ${n} / ${minutes * 60} s`, `model_reason:modelwatch_records_rejected:rate${w}`,
        { job: JOB, model: rj.model, reason: rj.reason }, n / (minutes * 60));
    }
  }
  // label delay
  const ld = operationsFixture.labelDelay;
  ld.replicas.forEach((r, ri) => {
    const base = { job: JOB, instance: INSTANCES[ri], model: ld.model, model_version: ld.version };
    DELAY_LES.forEach((le, i) => {
      t.counter('modelwatch_label_delay_seconds_bucket', { ...base, le: leString(le) }, twoPhase(cumulative(r.early)[i], cumulative(r.late)[i]));
    });
    t.counter('modelwatch_label_delay_seconds_count', base, twoPhase(r.early.reduce((a, b) => a + b, 0), r.late.reduce((a, b) => a + b, 0)));
  });
  const perBucket = DELAY_LES.map((_, i) => ld.replicas.reduce((s, r) => s + windowSum(twoPhase(r.early[i], r.late[i]), 60), 0));
  const ldBase = { job: JOB, model: ld.model, model_version: ld.version };
  t.value('label delay: labels in 1h', 'model_version:modelwatch_label_delay_seconds_count:increase1h', ldBase, perBucket.reduce((a, b) => a + b, 0));
  DELAY_LES.forEach((le, i) => {
    t.value(`label delay: le=${leString(le)} bucket rate over 1h`, 'model_version_le:modelwatch_label_delay_seconds_bucket:rate1h', { ...ldBase, le: leString(le) }, cumulative(perBucket)[i] / 3600);
  });
  t.value(`label delay p95 over 1h (${perBucket.reduce((a, b) => a + b, 0)} labels)`, 'model_version:modelwatch_label_delay_seconds:histogram_quantile1h',
    { job: JOB, model: ld.model, model_version: ld.version, percentile: '95' }, histogramQuantile(0.95, DELAY_LES, cumulative(perBucket)));
  return t;
}

// ---------------------------------------------------------------------------------------------------------

const FILES = {
  'drift.rules.test.yml': driftTests,
  'classification.rules.test.yml': classificationTests,
  'regression.rules.test.yml': regressionTests,
  'operations.rules.test.yml': operationsTests,
};

function main(argv) {
  if (argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ drift: driftStats(), classification: classificationStats(), regression: regressionStats() }, null, 2) + '\n');
    return 0;
  }
  const check = argv.includes('--check');
  let stale = 0;
  for (const [file, build] of Object.entries(FILES)) {
    const path = join(HERE, file);
    const text = build().render();
    if (check) {
      let current;
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        current = '';
      }
      if (current !== text) {
        console.error(`${file} is out of date: run node alert-rules/tests/expected.mjs`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${file}`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
