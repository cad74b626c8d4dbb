import React from 'react';
import {
  EventBusSrv,
  LoadingState,
  ThemeContext,
  ThresholdsMode,
  createTheme,
  getDefaultTimeRange,
  type PanelProps,
  type ThresholdsConfig,
} from '@grafana/data';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  categoricalScenario,
  currentQuery,
  manyCategoriesScenario,
  manyFeaturesScenario,
  numericReference,
  numericScenario,
  promFrames,
  referenceQuery,
  type QuerySpec,
} from '../../test/fixtures';
import { DEFAULT_OPTIONS, DEFAULT_THRESHOLDS } from '../options';
import type { DistributionOptions } from '../types';
import { DistributionPanel } from './DistributionPanel';

const partial = vi.fn();
vi.mock('@grafana/runtime', () => ({ locationService: { partial: (...args: unknown[]) => partial(...args) } }));

const theme = createTheme({ colors: { mode: 'dark' } });

interface RenderArgs {
  options?: Partial<DistributionOptions>;
  thresholds?: ThresholdsConfig;
  state?: LoadingState;
  variables?: Record<string, string>;
  width?: number;
  height?: number;
}

function renderPanel(queries: QuerySpec[], args: RenderArgs = {}) {
  const timeRange = getDefaultTimeRange();
  const props: PanelProps<DistributionOptions> = {
    id: 1,
    data: { state: args.state ?? LoadingState.Done, series: promFrames(queries), timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...args.options },
    transparent: false,
    width: args.width ?? 800,
    height: args.height ?? 400,
    fieldConfig: { defaults: { thresholds: args.thresholds ?? DEFAULT_THRESHOLDS }, overrides: [] },
    renderCounter: 0,
    title: 'distribution',
    eventBus: new EventBusSrv(),
    onOptionsChange: vi.fn(),
    onFieldConfigChange: vi.fn(),
    replaceVariables: (s: string) => s.replace(/\$(\w+)/g, (m, name: string) => args.variables?.[name] ?? m),
    onChangeTimeRange: vi.fn(),
  };
  return render(
    <ThemeContext.Provider value={theme}>
      <DistributionPanel {...props} />
    </ThemeContext.Provider>,
  );
}

const num = (el: Element, attr: string) => Number(el.getAttribute(attr));

beforeEach(() => partial.mockClear());
afterEach(() => {
  // Without vitest globals Testing Library cannot register its own cleanup.
  cleanup();
  vi.clearAllMocks();
});

describe('numeric feature', () => {
  it('draws reference and current bars per bin, missing apart, with exact tooltips', () => {
    renderPanel(numericScenario());
    const chart = screen.getByTestId('numeric-chart');
    const bins = within(chart).getAllByTestId('bin');
    expect(bins.map((b) => b.getAttribute('data-bin'))).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '08', '09']);
    const missing = within(chart).getByTestId('missing-bin');
    // The missing bin sits right of the last numeric bin, with a gap wider than the bars' own spacing.
    const slot = num(bins[1]!.querySelector('.mw-hit')!, 'x') - num(bins[0]!.querySelector('.mw-hit')!, 'x');
    const lastX = num(bins[9]!.querySelector('.mw-hit')!, 'x');
    expect(num(missing.querySelector('.mw-hit')!, 'x') - lastX).toBeCloseTo(1.6 * slot, 6);

    // Linear heights: current bin 09 holds 1500 of 10000 production values, reference 9.8 %.
    const cur = within(bins[9]!).getByTestId('bar-current');
    const ref = within(bins[9]!).getByTestId('bar-reference');
    expect(num(cur, 'height') / num(ref, 'height')).toBeCloseTo(1500 / 10000 / 0.098, 6);
    expect(bins[9]!.querySelector('title')?.textContent).toContain('current: 15.0% (1,500 of 10,000)');
    expect(bins[9]!.querySelector('title')?.textContent).toContain('reference: 9.8% (expected 980 of 10,000)');
    expect(bins[0]!.getAttribute('aria-label')).toMatch(/^≤ 22: reference 9\.8%, current 3\.1% \(310\)/);
    // Every bin contributes a PSI bar in the strip below.
    expect(within(chart).getAllByTestId('contribution-bar')).toHaveLength(11);
  });

  it('shows PSI coloured by the thresholds, JS, and the exporter decision and p-value', () => {
    renderPanel(numericScenario());
    const psi = screen.getByTestId('score-psi');
    // PSI by hand over the 11 bins (shares c_i = count_i / 10000, r_i as listed).
    const counts = [310, 420, 560, 720, 880, 1040, 1190, 1320, 1460, 1500, 600];
    const ref = [0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.02];
    const total = counts.reduce((a, b) => a + b, 0);
    const expected = counts.reduce((s, c, i) => s + (c / total - ref[i]!) * Math.log(c / total / ref[i]!), 0);
    expect(total).toBe(10000);
    expect(psi.textContent).toBe(`PSI ${expected.toFixed(3)}`);
    expect(expected).toBeGreaterThan(0.25);
    expect(psi.style.color).toBe(hexToRgb(theme.visualization.getColorByName('red')));
    expect(screen.getByTestId('score-js').textContent).toMatch(/^JS 0\.\d{3}$/);
    expect(screen.getByTestId('exporter-decision').textContent).toBe('drifted');
    expect(screen.getByTestId('exporter-line').textContent).toMatch(/^exporter \(1h\):driftedpsi 0\.310p\(ks\) 2\.4e-9$/);
    expect(screen.getByTestId('exporter-p-value').textContent).toBe('p(ks) 2.4e-9');
    expect(screen.getByTestId('feature-total').textContent).toBe('numeric · n = 10,000');
  });

  it('takes its colours from the panel thresholds', () => {
    const thresholds: ThresholdsConfig = { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'blue' }, { value: 5, color: 'red' }] };
    renderPanel(numericScenario(), { thresholds });
    expect(screen.getByTestId('score-psi').style.color).toBe(hexToRgb(theme.visualization.getColorByName('blue')));
  });

  it('mirrors: current above the axis, reference below', () => {
    renderPanel(numericScenario(), { options: { barStyle: 'mirrored' } });
    const chart = screen.getByTestId('numeric-chart');
    expect(chart.getAttribute('data-style')).toBe('mirrored');
    const cur = within(chart).getAllByTestId('bar-current');
    const ref = within(chart).getAllByTestId('bar-reference');
    const curBottom = Math.max(...cur.map((r) => num(r, 'y') + num(r, 'height')));
    const refTop = Math.min(...ref.map((r) => num(r, 'y')));
    expect(curBottom).toBeLessThan(refTop);
  });

  it('CDF view marks the largest gap', () => {
    renderPanel(numericScenario(), { options: { chart: 'cdf' } });
    const chart = screen.getByTestId('cdf-chart');
    expect(within(chart).getByTestId('cdf-current').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){10}$/);
    // Cumulative shares without missing: current counts over 9400, reference k × 0.098 / 0.98 = k / 10.
    const counts = [310, 420, 560, 720, 880, 1040, 1190, 1320, 1460, 1500];
    const gaps = counts.map((_, k) => Math.abs(counts.slice(0, k + 1).reduce((a, b) => a + b, 0) / 9400 - (k + 1) / 10));
    const at = gaps.indexOf(Math.max(...gaps));
    expect(at).toBe(4); // bin 04 = (35, 39]: 2890 / 9400 against 0.5
    expect(within(chart).getByTestId('ks-gap').textContent).toContain(`KS ${gaps[at]!.toFixed(3)} at ≤ 39`);
  });

  it('log scale lifts small bars that the linear scale flattens', () => {
    const q = [
      currentQuery({ z: { '00': 1, '01': 9999, missing: 0 } }),
      referenceQuery({ z: numericReference([0], [0.5, 0.5, 0]) }),
    ];
    const height = (logScale: boolean) => {
      const { unmount } = renderPanel(q, { options: { logScale } });
      const h = num(within(screen.getAllByTestId('bin')[0]!).getByTestId('bar-current'), 'height');
      unmount();
      return h;
    };
    expect(height(false)).toBeLessThan(0.1);
    expect(height(true)).toBeGreaterThan(10);
  });

  it('a single bin renders one bar and PSI 0', () => {
    const q = [currentQuery({ s: { '00': 7 } }), referenceQuery({ s: [{ bin: '00', ratio: 1, lower: '-Inf', upper: '+Inf' }] })];
    renderPanel(q);
    expect(screen.getAllByTestId('bin')).toHaveLength(1);
    expect(screen.queryByTestId('missing-bin')).toBeNull();
    expect(screen.getByTestId('score-psi').textContent).toBe('PSI 0.000');
  });
});

describe('categorical feature', () => {
  it('lists categories by PSI contribution, special bins included', () => {
    renderPanel(categoricalScenario());
    const rows = within(screen.getByTestId('categorical-chart')).getAllByTestId('category-row');
    // Order worked out from the scenario by the definition (zero shares → 1e-4).
    const ref: Record<string, number> = { US: 0.42, DE: 0.18, FR: 0.12, GB: 0.1, ES: 0.06, __other__: 0.1, __unseen__: 0, missing: 0.02 };
    const cur: Record<string, number> = { US: 3100, DE: 1650, FR: 700, GB: 820, ES: 410, __other__: 900, __unseen__: 560, missing: 160 };
    const total = Object.values(cur).reduce((a, b) => a + b, 0);
    const term = (k: string) => {
      const c = cur[k]! / total || 1e-4;
      const r = ref[k]! || 1e-4;
      return (c - r) * Math.log(c / r);
    };
    const expected = Object.keys(ref).sort((a, b) => term(b) - term(a));
    expect(rows.map((r) => r.getAttribute('data-bin'))).toEqual(expected);
    expect(expected[0]).toBe('__unseen__');
    expect(rows[0]!.querySelector('title')?.textContent).toContain(`current: ${((560 / total) * 100).toFixed(1)}% (560 of 8,300)`);
  });

  it('hundreds of categories: the top ones, then one folded row that expands', () => {
    renderPanel(manyCategoriesScenario(500), { height: 300 });
    const chart = screen.getByTestId('categorical-chart');
    expect(within(chart).getAllByTestId('category-row')).toHaveLength(25);
    const more = screen.getByTestId('more-categories');
    expect(more.textContent).toMatch(/^\+ 476 more categories/);
    // The rows are sorted: contributions never increase down the list.
    const terms = within(chart)
      .getAllByTestId('category-row')
      .map((r) => Number(/PSI term ([\d.e-]+)/.exec(r.getAttribute('aria-label') ?? '')?.[1]));
    expect(terms.every((t, i) => i === 0 || t <= terms[i - 1]!)).toBe(true);
    fireEvent.click(within(more).getByRole('button', { name: 'Show all 501' }));
    expect(within(chart).getAllByTestId('category-row')).toHaveLength(501);
    // The list scrolls inside the panel instead of growing it.
    const scroll = screen.getByTestId('category-scroll');
    expect(Number.parseFloat(scroll.style.maxHeight)).toBeLessThanOrEqual(300);
  });
});

describe('states', () => {
  it('loading', () => {
    renderPanel([], { state: LoadingState.Loading });
    expect(screen.getByTestId('state-loading')).toBeTruthy();
  });

  it('no data names the series it expects', () => {
    renderPanel([]);
    const state = screen.getByTestId('state-no-data');
    expect(state.textContent).toContain('modelwatch_feature_values_total');
    expect(state.textContent).toContain('modelwatch_reference_feature_bin_ratio');
    expect(state.textContent).toContain('sum by (feature, bin) (increase(');
  });

  it('wrong shape says what came back', () => {
    renderPanel([{ refId: 'A', expr: 'up', series: [{ labels: { __name__: 'up', job: 'node' }, value: 1 }] }]);
    const state = screen.getByTestId('state-wrong-shape');
    expect(within(state).getByTestId('found').textContent).toContain('query A: 1 series with labels __name__, job, not recognised');
    expect(state.textContent).toContain('modelwatch_reference_feature_bin_ratio');
  });

  it('reference missing: production bars only, no scores, and a note naming the query to add', () => {
    renderPanel([numericScenario()[0]!]);
    expect(screen.getByTestId('reference-missing').textContent).toContain('modelwatch_reference_feature_bin_ratio');
    expect(screen.queryAllByTestId('bar-reference')).toHaveLength(0);
    expect(screen.getAllByTestId('bar-current')).toHaveLength(11);
    expect(screen.queryByTestId('score-psi')).toBeNull();
  });
});

describe('many features', () => {
  it('ranked list: sorted by drift, a click sets the dashboard variable', () => {
    renderPanel(manyFeaturesScenario(40), { options: { mode: 'ranked' }, variables: { feature: 'feature_016' } });
    const rows = screen.getAllByTestId('ranked-row');
    expect(rows).toHaveLength(40);
    const values = screen.getAllByTestId('ranked-value').map((v) => Number(v.textContent));
    expect(values.every((v, i) => i === 0 || v <= values[i - 1]!)).toBe(true);
    expect(values[0]).toBeGreaterThan(values[39]!);
    // feature_016 and feature_033 have the largest shift (16/16).
    expect(['feature_016', 'feature_033']).toContain(rows[0]!.getAttribute('data-feature'));
    expect(screen.getByRole('button', { current: true }).getAttribute('data-feature')).toBe('feature_016');
    fireEvent.click(rows[3]!);
    expect(partial).toHaveBeenCalledWith({ 'var-feature': rows[3]!.getAttribute('data-feature') }, true);
  });

  it('small multiples: one tile per feature, click sets the configured variable', () => {
    renderPanel(manyFeaturesScenario(12), { options: { mode: 'grid', variable: 'col' } });
    const tiles = screen.getAllByTestId('tile');
    expect(tiles).toHaveLength(12);
    fireEvent.click(tiles[0]!);
    expect(partial).toHaveBeenCalledWith({ 'var-col': tiles[0]!.getAttribute('data-feature') }, true);
  });

  it('feature mode follows the variable, and says when the feature is absent', () => {
    const q = manyFeaturesScenario(5);
    const { unmount } = renderPanel(q, { options: { feature: '$feature' }, variables: { feature: 'feature_002' } });
    expect(screen.getByTestId('feature-name').textContent).toBe('feature_002');
    unmount();
    renderPanel(q, { options: { feature: 'nope' } });
    expect(screen.getByTestId('feature-name').textContent).toBe('feature_004');
    expect(screen.getByTestId('note').textContent).toContain('Feature "nope" is not in the results');
  });
});

function hexToRgb(color: string): string {
  const el = document.createElement('span');
  el.style.color = color;
  return el.style.color;
}

describe('panel options (module.ts)', () => {
  it('registers an editor for every option, with the defaults the panel falls back to', async () => {
    const { PanelOptionsEditorBuilder, standardEditorsRegistry } = await import('@grafana/data');
    // Grafana registers its standard editors at start-up; the builder only needs them to exist here.
    standardEditorsRegistry.setInit(() =>
      ['radio', 'text', 'boolean', 'color', 'number', 'select'].map((id) => ({ id, name: id, editor: () => null })),
    );
    const { plugin } = await import('../module');
    const builder = new PanelOptionsEditorBuilder<DistributionOptions>();
    plugin.getPanelOptionsSupplier()(builder, { data: [] });
    const items = builder.getItems();
    expect(items.map((i) => i.path).sort()).toEqual(Object.keys(DEFAULT_OPTIONS).sort());
    for (const item of items) expect(item.defaultValue, item.path).toEqual(DEFAULT_OPTIONS[item.path as keyof DistributionOptions]);
    const showIf = (path: string, o: Partial<DistributionOptions>) => items.find((i) => i.path === path)?.showIf?.({ ...DEFAULT_OPTIONS, ...o }) ?? true;
    expect(showIf('feature', { mode: 'single' })).toBe(true);
    expect(showIf('feature', { mode: 'ranked' })).toBe(false);
    expect(showIf('variable', { mode: 'ranked' })).toBe(true);
    expect(showIf('barStyle', { chart: 'cdf' })).toBe(false);
  });
});
