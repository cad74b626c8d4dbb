import { FieldType, toDataFrame } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import {
  currentQuery,
  driftQuery,
  driftedQuery,
  numericReference,
  pValueQuery,
  promFrames,
  referenceQuery,
  type QuerySpec,
} from '../../test/fixtures';
import { buildModel, rankFeatures, type Feature } from './model';

function only(model: ReturnType<typeof buildModel>, name: string): Feature {
  const f = model.features.find((x) => x.name === name);
  if (!f) throw new Error(`feature ${name} not in the model`);
  return f;
}

/**
 * Numeric feature x with inner edges 10, 20: bins 00 = (-Inf, 10], 01 = (10, 20], 02 = (20, +Inf), missing.
 * Reference shares 0.25 / 0.5 / 0.2 / 0.05; production counts 30 / 40 / 20 / 10 (total 100).
 */
const numeric: QuerySpec[] = [
  currentQuery({ x: { '00': 30, '01': 40, '02': 20, missing: 10 } }),
  referenceQuery({ x: numericReference([10, 20], [0.25, 0.5, 0.2, 0.05]) }),
];

describe('numeric feature, checked by hand', () => {
  const model = buildModel(promFrames(numeric));
  const x = only(model, 'x');

  it('orders the bins by edge with missing last, labelled by their edges', () => {
    expect(model.status).toBe('ok');
    expect(x.kind).toBe('numeric');
    expect(x.bins.map((b) => b.key)).toEqual(['00', '01', '02', 'missing']);
    expect(x.bins.map((b) => b.label)).toEqual(['≤ 10', '(10, 20]', '> 20', 'missing']);
    expect(x.bins[1]?.lower).toBe(10);
    expect(x.bins[1]?.upper).toBe(20);
    expect(x.bins[0]?.lower).toBe(Number.NEGATIVE_INFINITY);
  });

  it('turns counts into shares and keeps the reference shares', () => {
    expect(x.total).toBe(100);
    expect(x.bins.map((b) => b.count)).toEqual([30, 40, 20, 10]);
    expect(x.bins.map((b) => b.currentShare)).toEqual([0.3, 0.4, 0.2, 0.1]);
    x.bins.forEach((b, i) => expect(b.referenceShare).toBeCloseTo([0.25, 0.5, 0.2, 0.05][i] as number, 15));
  });

  it('computes the PSI terms (c - r) ln(c / r) and their sum', () => {
    // 0.05 ln 1.2, -0.1 ln 0.8, 0, 0.05 ln 2
    const terms = [0.05 * Math.log(1.2), -0.1 * Math.log(0.8), 0, 0.05 * Math.log(2)];
    expect(terms[0]).toBeCloseTo(0.0091160778, 9);
    x.bins.forEach((b, i) => expect(b.psiTerm).toBeCloseTo(terms[i] as number, 12));
    expect(x.scores.psi).toBeCloseTo(0.066087792, 9);
  });

  it('computes JS (base 2) and Hellinger over the same bins', () => {
    // m = (c + r) / 2 = [0.275, 0.45, 0.2, 0.075];
    // JS = sqrt((sum c log2(c/m) + sum r log2(r/m)) / 2)
    const c = [0.3, 0.4, 0.2, 0.1];
    const r = [0.25, 0.5, 0.2, 0.05];
    const m = c.map((v, i) => (v + (r[i] as number)) / 2);
    const kl = (p: number[]) => p.reduce((s, v, i) => s + v * Math.log2(v / (m[i] as number)), 0);
    expect(x.scores.js).toBeCloseTo(Math.sqrt((kl(c) + kl(r)) / 2), 12);
    expect(x.scores.js).toBeCloseTo(0.1085600173, 9);
    // H = sqrt(1 - sum sqrt(c r))
    const bc = c.reduce((s, v, i) => s + Math.sqrt(v * (r[i] as number)), 0);
    expect(x.scores.hellinger).toBeCloseTo(Math.sqrt(1 - bc), 9);
    expect(x.scores.hellinger).toBeCloseTo(0.0906335900, 9);
  });

  it('builds the CDFs over the non-missing bins and finds the largest gap', () => {
    // current 30/90, 70/90, 1; reference 0.25/0.95, 0.75/0.95, 1 → gaps 0.0702, 0.0117, 0
    expect(x.cdf?.binIndex).toEqual([0, 1, 2]);
    expect(x.cdf?.current[0]).toBeCloseTo(1 / 3, 12);
    expect(x.cdf?.current[1]).toBeCloseTo(7 / 9, 12);
    expect(x.cdf?.reference[1]).toBeCloseTo(0.75 / 0.95, 12);
    expect(x.cdf?.current[2]).toBe(1);
    expect(x.cdf?.gapAt).toBe(0);
    expect(x.scores.ks).toBeCloseTo(1 / 3 - 0.25 / 0.95, 12);
  });

  it('reads the last finite point of a range query', () => {
    const ranged = only(buildModel(promFrames(numeric, 6)), 'x');
    expect(ranged.bins.map((b) => b.count)).toEqual([30, 40, 20, 10]);
    expect(ranged.scores.psi).toBeCloseTo(x.scores.psi as number, 12);
  });

  it('uses the PSI epsilon option for empty bins', () => {
    const q = [
      currentQuery({ y: { '00': 10, '01': 0, missing: 0 } }),
      referenceQuery({ y: numericReference([5], [0.5, 0.5, 0]) }),
    ];
    // bins: c = [1, 0, 0], r = [0.5, 0.5, 0]; zero shares become epsilon on both sides.
    const withEps = (e: number) =>
      (1 - 0.5) * Math.log(1 / 0.5) + (e - 0.5) * Math.log(e / 0.5) + (e - e) * Math.log(e / e);
    expect(only(buildModel(promFrames(q)), 'y').scores.psi).toBeCloseTo(withEps(1e-4), 12);
    expect(only(buildModel(promFrames(q), { psiEpsilon: 1e-3 }), 'y').scores.psi).toBeCloseTo(withEps(1e-3), 12);
  });
});

describe('categorical feature, checked by hand', () => {
  // Reference a .6, b .3, __other__ .1, __unseen__ 0, missing 0; production a 50, b 20, __unseen__ 25, missing 5.
  const q = [
    currentQuery({ c: { a: 50, b: 20, __other__: 0, __unseen__: 25, missing: 5 } }),
    referenceQuery({
      c: [
        { bin: 'a', ratio: 0.6 },
        { bin: 'b', ratio: 0.3 },
        { bin: '__other__', ratio: 0.1 },
        { bin: '__unseen__', ratio: 0 },
        { bin: 'missing', ratio: 0 },
      ],
    }),
  ];
  const c = only(buildModel(promFrames(q)), 'c');

  it('sorts categories by PSI contribution, special bins included', () => {
    // terms: a (0.5-0.6) ln(5/6) = 0.01823, b (0.2-0.3) ln(2/3) = 0.04055,
    // __other__ (1e-4 - 0.1) ln(1e-4/0.1) = 0.69008, __unseen__ (0.25 - 1e-4) ln(0.25/1e-4) = 1.95523,
    // missing (0.05 - 1e-4) ln(0.05/1e-4) = 0.31011
    expect(c.kind).toBe('categorical');
    expect(c.bins.map((b) => b.key)).toEqual(['__unseen__', '__other__', 'missing', 'b', 'a']);
    expect(c.bins.map((b) => b.kind)).toEqual(['unseen', 'other', 'missing', 'category', 'category']);
    expect(c.bins[0]?.psiTerm).toBeCloseTo((0.25 - 1e-4) * Math.log(0.25 / 1e-4), 12);
    expect(c.bins[4]?.psiTerm).toBeCloseTo(-0.1 * Math.log(5 / 6), 12);
    expect(c.scores.psi).toBeCloseTo(3.0142014611, 9);
    expect(c.scores.ks).toBeNull();
    expect(c.cdf).toBeNull();
  });
});

describe('recognising the queries', () => {
  it('finds the reference by its lower/upper labels when the metric name was aggregated away', () => {
    const ref = referenceQuery({ x: numericReference([10, 20], [0.25, 0.5, 0.2, 0.05]) });
    const aggregated: QuerySpec = {
      refId: 'B',
      expr: 'max by (feature, bin, lower, upper) (something)',
      series: ref.series.map((s) => {
        const { __name__: _n, instance: _i, job: _j, ...rest } = s.labels;
        return { ...s, labels: rest };
      }),
    };
    const model = buildModel(promFrames([numeric[0] as QuerySpec, aggregated], 1, false));
    expect(model.found.reference).toBe(4);
    expect(only(model, 'x').scores.psi).toBeCloseTo(0.066087792, 9);
  });

  it('finds an aggregated categorical reference by the metric name in the query text', () => {
    const q = [
      currentQuery({ c: { a: 1, b: 3 } }),
      {
        refId: 'R',
        expr: 'max by (feature, bin) (modelwatch_reference_feature_bin_ratio{model="m"})',
        series: [
          { labels: { feature: 'c', bin: 'a' }, value: 0.5 },
          { labels: { feature: 'c', bin: 'b' }, value: 0.5 },
        ],
      },
    ];
    // Without the executed query in the frames, the request's targets carry the text.
    const frames = promFrames(q, 1, false);
    const withTargets = buildModel(frames, { targets: q.map((x) => ({ refId: x.refId, expr: x.expr })) });
    expect(withTargets.found).toMatchObject({ current: 2, reference: 2 });
    expect(only(withTargets, 'c').bins.find((b) => b.key === 'b')?.referenceShare).toBe(0.5);
    // Without any text both look like counts: the second is reported, not guessed.
    const blind = buildModel(frames);
    expect(blind.found).toMatchObject({ current: 2, reference: 0 });
    expect(blind.notes.join(' ')).toMatch(/Query R looks like production counts too/);
    // Naming the reference query in the options settles it.
    const named = buildModel(frames, { referenceQuery: 'R' });
    expect(named.found).toMatchObject({ current: 2, reference: 2 });
  });

  it('reads table-format results (labels as columns)', () => {
    const frame = toDataFrame({
      refId: 'A',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 1, 1] },
        { name: 'bin', type: FieldType.string, values: ['00', '01', 'missing'] },
        { name: 'feature', type: FieldType.string, values: ['x', 'x', 'x'] },
        { name: 'Value #A', type: FieldType.number, values: [5, 15, 0] },
      ],
    });
    const model = buildModel([frame, ...promFrames([numeric[1] as QuerySpec])]);
    const x = only(model, 'x');
    expect(x.bins.find((b) => b.key === '01')?.count).toBe(15);
    expect(x.total).toBe(20);
  });

  it('joins series without a feature label to the only feature', () => {
    const q = [
      {
        refId: 'A',
        expr: 'sum by (bin) (increase(modelwatch_feature_values_total{feature="x"}[1h]))',
        series: [
          { labels: { bin: '00' }, value: 30 },
          { labels: { bin: '01' }, value: 40 },
          { labels: { bin: '02' }, value: 20 },
          { labels: { bin: 'missing' }, value: 10 },
        ],
      },
      numeric[1] as QuerySpec,
    ];
    const model = buildModel(promFrames(q));
    expect(model.features.map((f) => f.name)).toEqual(['x']);
    expect(only(model, 'x').scores.psi).toBeCloseTo(0.066087792, 9);
  });

  it('sums replicas in production and notes a raw counter', () => {
    const raw: QuerySpec = {
      refId: 'A',
      expr: 'modelwatch_feature_values_total',
      series: [
        { labels: { __name__: 'modelwatch_feature_values_total', instance: 'a', feature: 'x', bin: '00' }, value: 2 },
        { labels: { __name__: 'modelwatch_feature_values_total', instance: 'b', feature: 'x', bin: '00' }, value: 3 },
      ],
    };
    const model = buildModel(promFrames([raw, numeric[1] as QuerySpec]));
    expect(only(model, 'x').bins.find((b) => b.key === '00')?.count).toBe(5);
    expect(model.notes.join(' ')).toMatch(/raw counter/);
  });

  it('averages conflicting reference shares and says so; identical replicas pass silently', () => {
    const ref = numeric[1] as QuerySpec;
    const replica = { ...ref, series: ref.series.map((s) => ({ ...s, labels: { ...s.labels, instance: 'other' } })) };
    expect(buildModel(promFrames([numeric[0] as QuerySpec, ref, replica])).notes).toEqual([]);
    const other = { ...ref, series: ref.series.map((s) => ({ ...s, value: s.labels.bin === '00' ? 0.35 : s.value })) };
    const model = buildModel(promFrames([numeric[0] as QuerySpec, ref, other]));
    expect(model.notes.join(' ')).toMatch(/different shares for the same bin/);
    expect(only(model, 'x').bins[0]?.referenceShare).toBeCloseTo(0.3 / 1.05, 12);
  });
});

describe('states of the data', () => {
  it('no frames, or frames without fields, is no data', () => {
    expect(buildModel([]).status).toBe('no-data');
    expect(buildModel([toDataFrame({ refId: 'A', fields: [] })]).status).toBe('no-data');
  });

  it('series that are not distributions are the wrong shape, and say what they were', () => {
    const up: QuerySpec = { refId: 'A', expr: 'up', series: [{ labels: { __name__: 'up', job: 'x' }, value: 1 }] };
    const model = buildModel(promFrames([up]));
    expect(model.status).toBe('wrong-shape');
    expect(model.unrecognised).toEqual([{ refId: 'A', series: 1, labelNames: ['__name__', 'job'] }]);
  });

  it('without the reference: shares of production only, no scores', () => {
    const x = only(buildModel(promFrames([numeric[0] as QuerySpec])), 'x');
    expect(x.hasReference).toBe(false);
    expect(x.bins.every((b) => b.referenceShare === null && b.psiTerm === null)).toBe(true);
    expect(x.scores).toEqual({ psi: null, js: null, hellinger: null, ks: null });
    expect(x.kind).toBe('numeric');
    expect(x.bins.map((b) => b.key)).toEqual(['00', '01', '02', 'missing']);
  });

  it('without production values: the reference alone, no scores', () => {
    const zero = currentQuery({ x: { '00': 0, '01': 0, '02': 0, missing: 0 } });
    const x = only(buildModel(promFrames([zero, numeric[1] as QuerySpec])), 'x');
    expect(x.hasCurrent).toBe(true);
    expect(x.total).toBe(0);
    expect(x.scores.psi).toBeNull();
    expect(x.bins[1]?.referenceShare).toBeCloseTo(0.5, 15);
  });

  it('a single bin has PSI 0', () => {
    const q = [
      currentQuery({ s: { '00': 7 } }),
      referenceQuery({ s: [{ bin: '00', ratio: 1, lower: '-Inf', upper: '+Inf' }] }),
    ];
    const s = only(buildModel(promFrames(q)), 's');
    expect(s.bins).toHaveLength(1);
    expect(s.bins[0]?.label).toBe('all values');
    expect(s.scores.psi).toBe(0);
    expect(s.scores.js).toBe(0);
    expect(s.scores.ks).toBe(0);
  });
});

describe('exporter decision and ranking', () => {
  const q = [
    ...numeric,
    driftedQuery({ x: 1 }, '1h'),
    driftedQuery({ x: 0 }, '5m', 'C2'),
    driftQuery({ x: 0.07 }, 'psi', '1h'),
    driftQuery({ x: 0.11 }, 'js', '1h', 'D2'),
    pValueQuery({ x: 0.003 }, 'ks', '1h'),
  ];

  it('shows the longest window by default, or the one asked for', () => {
    const x = only(buildModel(promFrames(q)), 'x');
    expect(x.exporter.windows).toEqual(['5m', '1h']);
    expect(x.exporter.window).toBe('1h');
    expect(x.exporter.drifted).toBe(true);
    expect(x.exporter.scores).toEqual([
      { method: 'js', value: 0.11 },
      { method: 'psi', value: 0.07 },
    ]);
    expect(x.exporter.pValues).toEqual([{ test: 'ks', value: 0.003 }]);
    const five = only(buildModel(promFrames(q), { window: '5m' }), 'x');
    expect(five.exporter.drifted).toBe(false);
    expect(five.exporter.scores).toEqual([]);
  });

  it('ranks features by the chosen statistic, features without it last', () => {
    const many = [
      currentQuery({ a: { '00': 50, '01': 50 }, b: { '00': 90, '01': 10 }, c: { '00': 70, '01': 30 }, d: { '00': 1 } }),
      referenceQuery({
        a: numericReference([0], [0.5, 0.5, 0]),
        b: numericReference([0], [0.5, 0.5, 0]),
        c: numericReference([0], [0.5, 0.5, 0]),
      }),
    ];
    const model = buildModel(promFrames(many));
    expect(model.features.map((f) => f.name)).toEqual(['b', 'c', 'a', 'd']);
    expect(rankFeatures(model.features, 'js').map((f) => f.name)).toEqual(['b', 'c', 'a', 'd']);
    expect(model.features[3]?.scores.psi).toBeNull();
  });
});
