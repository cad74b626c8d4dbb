/**
 * The harness page's host: plays Grafana's part. It exposes the shared packages (React, @grafana/*,
 * @emotion/css) to SystemJS under Grafana's import-map names, loads the BUILT dist/module.js through
 * SystemJS + the AMD extra, and renders the plugin's panel with the real @grafana/ui theme.
 * Bundled once per host (Grafana 12.4 / React 18, Grafana 13.2 / React 19) into harness/build/<host>/host.js.
 */
import * as EmotionCss from '@emotion/css';
import * as GrafanaData from '@grafana/data';
import * as GrafanaRuntime from '@grafana/runtime';
import * as GrafanaUi from '@grafana/ui';
import * as React from 'react';
import * as ReactDom from 'react-dom';
import * as ReactDomClient from 'react-dom/client';
import { promFrames } from '../test/fixtures';
import { CASES, THRESHOLDS } from './scenarios';

declare const HOST_VERSIONS: Record<string, string>;

interface SystemLike {
  set(id: string, module: object): void;
  import(id: string): Promise<Record<string, unknown>>;
}

type PanelComponent = React.ComponentType<Record<string, unknown>>;

const SHARED: Record<string, object> = {
  react: React,
  'react-dom': ReactDom,
  'react-dom/client': ReactDomClient,
  '@grafana/data': GrafanaData,
  '@grafana/ui': GrafanaUi,
  '@grafana/runtime': GrafanaRuntime,
  '@emotion/css': EmotionCss,
};

let root: ReactDomClient.Root | undefined;
let panel: PanelComponent | undefined;

async function load(): Promise<{ react: string; host: Record<string, string>; exports: string[]; panelType: string }> {
  const system = (window as unknown as { System: SystemLike }).System;
  // Same names as Grafana's import map: bare specifiers → `package:<name>` modules set from the host.
  for (const [name, module] of Object.entries(SHARED)) system.set(`package:${name}`, module);
  const exported = await system.import('/dist/module.js');
  const plugin = exported.plugin as { panel?: PanelComponent } | undefined;
  panel = plugin?.panel;
  return {
    react: React.version,
    host: HOST_VERSIONS,
    exports: Object.keys(exported),
    panelType: typeof panel,
  };
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

async function render(caseId: string, mode: 'light' | 'dark'): Promise<Record<string, string>> {
  const c = CASES.find((x) => x.id === caseId);
  if (!c) throw new Error(`unknown case ${caseId}`);
  if (!panel) throw new Error('plugin not loaded');
  const theme = GrafanaData.createTheme({ colors: { mode } });
  document.body.style.background = theme.colors.background.canvas;
  const stage = document.getElementById('stage') as HTMLElement;
  stage.style.background = theme.colors.background.primary;
  stage.style.width = `${c.width}px`;
  stage.style.height = `${c.height}px`;
  const queries = c.queries();
  const timeRange = GrafanaData.getDefaultTimeRange();
  const search = new URLSearchParams(window.location.search);
  const props = {
    id: 1,
    data: {
      state: GrafanaData.LoadingState.Done,
      series: promFrames(queries, c.points),
      timeRange,
      request: { targets: queries.map((q) => ({ refId: q.refId, expr: q.expr })) },
    },
    timeRange,
    timeZone: 'browser',
    options: c.options,
    transparent: false,
    width: c.width,
    height: c.height,
    fieldConfig: { defaults: { thresholds: THRESHOLDS }, overrides: [] },
    renderCounter: 1,
    title: c.id,
    eventBus: new GrafanaData.EventBusSrv(),
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: (s: string) => s.replace(/\$(\w+)/g, (m: string, name: string) => search.get(`var-${name}`) ?? m),
    onChangeTimeRange: () => {},
  };
  root?.unmount();
  root = ReactDomClient.createRoot(stage);
  root.render(React.createElement(GrafanaUi.ThemeContext.Provider, { value: theme }, React.createElement(panel, props)));
  await nextFrame();
  await nextFrame();
  const color = (name: string) => theme.visualization.getColorByName(name);
  return { reference: color('blue'), current: color('orange'), red: color('red'), green: color('green'), text: theme.colors.text.primary };
}

(window as unknown as { harness: object }).harness = { load, render };
