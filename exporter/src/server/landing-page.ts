/** The small HTML page served at `/`, like other Prometheus exporters: what runs here and where to look. */
import type { ModelRuntime } from '../model/model-runtime.js';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function landingPage(opts: { version: string; metricsPath: string; models: ReadonlyMap<string, ModelRuntime>; ready: boolean }): string {
  const rows = [...opts.models.values()]
    .map((m) => {
      const versions = [...m.versions.entries()].map(([v, s]) => `${esc(v)} (${s.predictions} predictions, ${s.labels} labels)`).join('<br>');
      return `<tr><td>${esc(m.name)}</td><td>${esc(m.config.task)}</td><td>${m.layout.features.length}</td><td><code>${esc(m.profile.referenceId)}</code> (${m.profile.rows} rows)</td><td>${m.config.windows.map((w) => esc(w.name)).join(', ')}</td><td>${versions}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>modelwatch</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>modelwatch</h1>
<p>ML model monitoring exporter, version ${esc(opts.version)}. Status: ${opts.ready ? 'ready' : 'starting (reference profiles loading)'}.</p>
<ul>
<li><a href="${esc(opts.metricsPath)}">Metrics</a></li>
<li><a href="/-/healthy">Health</a> and <a href="/-/ready">readiness</a></li>
<li>Ingest: <code>POST /api/v1/predictions</code>, <code>POST /api/v1/labels</code> (JSON object, JSON array or NDJSON)</li>
</ul>
<h2>Models</h2>
<table><thead><tr><th>Model</th><th>Task</th><th>Features</th><th>Reference</th><th>Windows</th><th>Versions seen</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
