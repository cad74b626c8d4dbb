/**
 * Builders for Grafana dashboard JSON (the v1 model, schemaVersion 39, so that Grafana 10.4 and later load
 * the files; newer Grafana versions migrate them forward on load).
 *
 * Why a generator rather than three hand-edited JSON files: the dashboards share a few dozen conventions
 * (the datasource reference on every panel and query, variable definitions, units, threshold colours,
 * panel ids, grid positions). Written out by hand they repeat hundreds of times and drift apart; here each
 * convention is written once. The generated JSON is committed, so importing or provisioning needs no build
 * step, and a test fails when the committed files differ from what the generator writes.
 *
 * Conventions enforced here:
 * - every panel and every query uses the `DS_PROMETHEUS` datasource variable (`${DS_PROMETHEUS}`); no
 *   datasource uid is written anywhere, so the same file works provisioned and imported;
 * - panel ids are assigned in layout order, grid positions are packed left to right on Grafana's 24-column
 *   grid, and rows start a new line;
 * - every panel gets a description (the builders throw without one).
 */

/** The datasource reference used by every panel and query. */
export const DS = Object.freeze({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });

/** Grafana's grid is 24 columns wide. */
export const GRID_WIDTH = 24;

const ds = () => ({ ...DS });

/**
 * Threshold steps from [colour, value] pairs; the first value must be null (Grafana's "base" step).
 * @param {Array<[string, number | null]>} steps
 */
export function thresholds(steps) {
  if (steps.length === 0 || steps[0]?.[1] !== null) throw new Error('the first threshold step is the base step (value null)');
  return { mode: 'absolute', steps: steps.map(([color, value]) => ({ color, value })) };
}

/** Value mappings: exact values to a text and a colour. @param {Record<string, [string, string]>} byValue */
export function valueMappings(byValue) {
  const options = {};
  Object.entries(byValue).forEach(([value, [text, color]], index) => {
    options[value] = { text, color, index };
  });
  return [{ type: 'value', options }];
}

// -------------------------------------------------------------------------------------------------------
// variables

/** The datasource variable every panel refers to as `${DS_PROMETHEUS}`. */
export function datasourceVariable() {
  return {
    name: 'DS_PROMETHEUS',
    label: 'Data source',
    description: 'The Prometheus that scrapes the modelwatch exporter.',
    type: 'datasource',
    query: 'prometheus',
    current: {},
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

/**
 * A variable filled by a Prometheus `label_values(...)` query.
 * @param {{ name: string, label: string, query: string, description: string, multi?: boolean, includeAll?: boolean, sort?: number }} v
 */
export function queryVariable(v) {
  if (!/^label_values\(/.test(v.query)) throw new Error(`variable ${v.name}: expected a label_values(...) query`);
  if (!v.description) throw new Error(`variable ${v.name} needs a description`);
  const multi = v.multi ?? false;
  const includeAll = v.includeAll ?? false;
  return {
    name: v.name,
    label: v.label,
    description: v.description,
    type: 'query',
    datasource: ds(),
    definition: v.query,
    query: { query: v.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    current: includeAll ? { selected: true, text: ['All'], value: ['$__all'] } : {},
    hide: 0,
    includeAll,
    multi,
    options: [],
    // 2: refresh the values when the time range changes (new models and versions appear).
    refresh: 2,
    regex: '',
    skipUrlSync: false,
    sort: v.sort ?? 1,
  };
}

// -------------------------------------------------------------------------------------------------------
// queries

/**
 * A PromQL query of a panel.
 * @param {string} expr
 * @param {{ legend?: string, instant?: boolean, format?: 'time_series' | 'table' | 'heatmap', hide?: boolean }} [o]
 */
export function q(expr, o = {}) {
  const instant = o.instant ?? false;
  return {
    datasource: ds(),
    editorMode: 'code',
    expr,
    format: o.format ?? 'time_series',
    instant,
    range: !instant,
    legendFormat: o.legend ?? '__auto',
    refId: '',
  };
}

function withRefIds(targets) {
  return targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i) }));
}

// -------------------------------------------------------------------------------------------------------
// panels (gridPos and id are filled in by dashboard())

function base(type, p) {
  if (!p.title) throw new Error(`a ${type} panel needs a title`);
  if (!p.description) throw new Error(`panel "${p.title}" needs a description`);
  return {
    type,
    title: p.title,
    description: p.description,
    datasource: ds(),
    gridPos: { h: p.h ?? 8, w: p.w ?? 12, x: 0, y: 0 },
    id: 0,
    targets: withRefIds(p.targets),
    ...(p.transformations ? { transformations: p.transformations } : {}),
  };
}

function fieldDefaults(p, custom) {
  return {
    ...(p.unit ? { unit: p.unit } : {}),
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
    ...(p.decimals !== undefined ? { decimals: p.decimals } : {}),
    ...(p.noValue !== undefined ? { noValue: p.noValue } : {}),
    color: p.colorMode ? { mode: p.colorMode } : { mode: 'palette-classic' },
    thresholds: p.thresholds ?? thresholds([['green', null]]),
    mappings: p.mappings ?? [],
    ...(p.links ? { links: p.links } : {}),
    ...(custom ? { custom } : {}),
  };
}

/**
 * A time series panel.
 * @param {object} p title, description, targets, unit, min, max, thresholds, thresholdsStyle ('off' | 'line' |
 *   'dashed' | 'line+area'), stack ('none' | 'normal' | 'percent'), draw ('line' | 'bars' | 'points'), fill,
 *   log (axis base), legendCalcs, links, overrides, w, h
 */
export function timeseries(p) {
  return {
    ...base('timeseries', p),
    fieldConfig: {
      defaults: fieldDefaults(p, {
        drawStyle: p.draw ?? 'line',
        lineInterpolation: 'linear',
        lineWidth: 1,
        fillOpacity: p.fill ?? (p.stack && p.stack !== 'none' ? 60 : 10),
        gradientMode: 'none',
        showPoints: 'never',
        pointSize: 4,
        spanNulls: false,
        axisPlacement: 'auto',
        axisLabel: p.axisLabel ?? '',
        axisSoftMin: p.softMin === null ? undefined : (p.softMin ?? (p.min === undefined && !p.log ? 0 : undefined)),
        scaleDistribution: p.log ? { type: 'log', log: p.log } : { type: 'linear' },
        stacking: { mode: p.stack ?? 'none', group: 'A' },
        thresholdsStyle: { mode: p.thresholdsStyle ?? 'off' },
        hideFrom: { legend: false, tooltip: false, viz: false },
      }),
      overrides: p.overrides ?? [],
    },
    options: {
      legend: {
        showLegend: true,
        displayMode: p.legendCalcs ? 'table' : 'list',
        placement: p.legendCalcs ? 'right' : 'bottom',
        calcs: p.legendCalcs ?? [],
      },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

/**
 * A stat panel (one or more big numbers, coloured by thresholds).
 * @param {object} p title, description, targets, unit, thresholds, mappings, graph (sparkline), textMode, links, w, h
 */
export function stat(p) {
  return {
    ...base('stat', p),
    fieldConfig: { defaults: fieldDefaults({ ...p, colorMode: 'thresholds' }), overrides: p.overrides ?? [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'auto',
      textMode: p.textMode ?? 'auto',
      colorMode: p.colorBackground === false ? 'value' : 'background',
      graphMode: p.graph === false ? 'none' : 'area',
      justifyMode: 'auto',
      wideLayout: true,
      showPercentChange: false,
    },
  };
}

/**
 * A horizontal bar gauge (one bar per series).
 * @param {object} p title, description, targets, unit, min, max, thresholds, w, h
 */
export function barGauge(p) {
  return {
    ...base('bargauge', p),
    fieldConfig: { defaults: fieldDefaults({ ...p, colorMode: 'thresholds' }), overrides: p.overrides ?? [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'horizontal',
      displayMode: 'gradient',
      valueMode: 'color',
      namePlacement: 'auto',
      showUnfilled: true,
      sizing: 'auto',
      minVizHeight: 16,
      minVizWidth: 8,
      maxVizHeight: 300,
    },
  };
}

/**
 * A table of instant queries merged on their labels (one row per label set, one column per query).
 * @param {object} p title, description, targets (instant, format table), columns: { [refId]: name },
 *   hide: label columns to hide, sortBy: column name (descending), overrides, links (on the first label
 *   column named in linkColumn), w, h
 */
export function table(p) {
  const renameByName = {};
  // Grafana names the value column `Value` when the table has one query, `Value #<refId>` otherwise.
  const single = p.targets.length === 1;
  for (const [refId, name] of Object.entries(p.columns ?? {})) renameByName[single ? 'Value' : `Value #${refId}`] = name;
  const excludeByName = { Time: true };
  for (const name of p.hide ?? []) excludeByName[name] = true;
  const transformations = [
    { id: 'merge', options: {} },
    { id: 'organize', options: { excludeByName, indexByName: {}, renameByName } },
    ...(p.then ?? []),
  ];
  return {
    ...base('table', { ...p, transformations }),
    fieldConfig: {
      defaults: {
        ...fieldDefaults({ ...p, colorMode: 'thresholds', links: undefined }),
        custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false, filterable: false },
      },
      overrides: p.overrides ?? [],
    },
    options: {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], countRows: false, fields: '' },
      sortBy: p.sortBy ? [{ displayName: p.sortBy, desc: p.sortDesc ?? true }] : [],
    },
  };
}

/** Override: properties of the column or series with this display name. */
export function byName(name, properties) {
  return { matcher: { id: 'byName', options: name }, properties };
}

/** Override: properties of every series of one query. */
export function byQuery(refId, properties) {
  return { matcher: { id: 'byFrameRefID', options: refId }, properties };
}

/** Override: the series of one query drawn as a dashed line without fill (bounds, objectives, references). */
export function dashed(refId) {
  return byQuery(refId, [
    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    { id: 'custom.fillOpacity', value: 0 },
  ]);
}

/**
 * Overrides drawing the series named `lower` and `upper` as a shaded band (no lines), e.g. a confidence
 * interval around the series it belongs to.
 */
export function band(lower, upper) {
  return [
    byName(lower, [
      { id: 'custom.lineWidth', value: 0 },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.hideFrom', value: { legend: true, tooltip: false, viz: false } },
    ]),
    byName(upper, [
      { id: 'custom.lineWidth', value: 0 },
      { id: 'custom.fillBelowTo', value: lower },
      { id: 'custom.fillOpacity', value: 20 },
    ]),
  ];
}

/** A table column drawn as a coloured cell (thresholds or mappings colour it). */
export function colouredCell(name, extra = []) {
  return byName(name, [{ id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } }, ...extra]);
}

/**
 * A state timeline (one lane per series; values mapped to named, coloured states).
 * @param {object} p title, description, targets, mappings, thresholds, w, h
 */
export function stateTimeline(p) {
  return {
    ...base('state-timeline', p),
    fieldConfig: {
      defaults: fieldDefaults({ ...p, colorMode: 'thresholds' }, { lineWidth: 0, fillOpacity: 80, hideFrom: { legend: false, tooltip: false, viz: false } }),
      overrides: [],
    },
    options: {
      mergeValues: true,
      showValue: 'never',
      alignValue: 'left',
      rowHeight: 0.9,
      legend: { showLegend: true, displayMode: 'list', placement: 'bottom' },
      tooltip: { mode: 'single', sort: 'none' },
    },
  };
}

/**
 * A heatmap of pre-bucketed Prometheus histogram data (`format: heatmap`, one series per `le`).
 * @param {object} p title, description, targets, unit (of the buckets), w, h
 */
export function heatmap(p) {
  return {
    ...base('heatmap', p),
    fieldConfig: {
      defaults: { custom: { hideFrom: { legend: false, tooltip: false, viz: false }, scaleDistribution: { type: 'linear' } } },
      overrides: [],
    },
    options: {
      calculate: false,
      cellGap: 1,
      color: { mode: 'scheme', scheme: 'Oranges', fill: 'dark-orange', scale: 'exponential', exponent: 0.5, steps: 64, reverse: false },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
      filterValues: { le: 1e-9 },
      legend: { show: true },
      rowsFrame: { layout: 'auto' },
      tooltip: { mode: 'single', yHistogram: false, showColorScale: false },
      yAxis: { axisPlacement: 'left', reverse: false, unit: p.unit ?? 'short' },
      showValue: 'never',
    },
  };
}

/**
 * The modelwatch distribution panel (plugin id `modelwatch-distribution-panel`): reference vs production
 * distributions per feature, with the exporter's decisions.
 * @param {object} p title, description, targets, options (the plugin's panel options), w, h
 */
export function distributionPanel(p) {
  return {
    ...base('modelwatch-distribution-panel', p),
    fieldConfig: {
      defaults: {
        // The plugin colours its chosen statistic (PSI by default) by these: the common PSI reading.
        thresholds: thresholds([['green', null], ['orange', 0.1], ['red', 0.25]]),
      },
      overrides: [],
    },
    options: p.options,
  };
}

/** A row header; the panels after it (up to the next row) belong to it. */
export function row(title) {
  return { type: 'row', title, collapsed: false, gridPos: { h: 1, w: GRID_WIDTH, x: 0, y: 0 }, id: 0, panels: [] };
}

// -------------------------------------------------------------------------------------------------------
// dashboard

/**
 * Packs panels on the grid in order: left to right, a new line when a panel does not fit, rows on a line of
 * their own. Assigns ids 1, 2, ... in the same order.
 */
function layout(panels) {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return panels.map((panel, index) => {
    const { w, h } = panel.gridPos;
    if (w < 1 || w > GRID_WIDTH) throw new Error(`panel "${panel.title}": width ${w} outside 1..${GRID_WIDTH}`);
    if (panel.type === 'row' || x + w > GRID_WIDTH) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { ...panel, id: index + 1, gridPos: { h, w, x, y } };
    x += w;
    lineHeight = Math.max(lineHeight, h);
    if (panel.type === 'row') {
      y += h;
      x = 0;
      lineHeight = 0;
    }
    return placed;
  });
}

/** Links shown at the top of every modelwatch dashboard: the other dashboards (by tag), keeping time and variables. */
export function dashboardLinks() {
  return [
    {
      title: 'modelwatch dashboards',
      type: 'dashboards',
      tags: ['modelwatch'],
      asDropdown: false,
      includeVars: true,
      keepTime: true,
      icon: 'external link',
      targetBlank: false,
      tooltip: '',
      url: '',
    },
  ];
}

/**
 * A complete dashboard.
 * @param {{ uid: string, title: string, description: string, tags?: string[], variables: object[],
 *   panels: object[], time?: { from: string, to: string }, refresh?: string }} d
 */
export function dashboard(d) {
  return {
    annotations: { list: [] },
    description: d.description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: dashboardLinks(),
    liveNow: false,
    panels: layout(d.panels),
    refresh: d.refresh ?? '30s',
    schemaVersion: 39,
    tags: ['modelwatch', ...(d.tags ?? [])],
    templating: { list: [datasourceVariable(), ...d.variables] },
    time: d.time ?? { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: d.title,
    uid: d.uid,
    version: 1,
    weekStart: '',
  };
}

/**
 * Link to the model dashboard; the parts after `?` are Grafana link variables, e.g.
 * `var-model=${__field.labels.model}`.
 * @param {string} title @param {string[]} params
 */
export function modelDashboardLink(title, params) {
  return {
    title,
    url: `/d/modelwatch-model/modelwatch-model?${[...params, '${DS_PROMETHEUS:queryparam}', '${__url_time_range}'].join('&')}`,
    targetBlank: false,
  };
}
