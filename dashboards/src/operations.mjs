/**
 * modelwatch / Operations: the model service and the exporter as services. Requests, failures and latency
 * against the objective, ingest throughput and refusals, label joins, tailed files, the watched
 * model-server processes, per-request resources and inference cost, the exporter's own resources, and how
 * long Prometheus's scrapes of it take, and the requests it refused for missing or wrong credentials.
 */
import {
  byQuery,
  dashboard,
  dashed,
  q,
  queryVariable,
  row,
  stat,
  stateTimeline,
  table,
  thresholds,
  timeseries,
  valueMappings,
} from './grafana.mjs';

const T = 'job=~"$job",instance=~"$instance"';
const TM = `${T},model=~"$model"`;

export default dashboard({
  uid: 'modelwatch-operations',
  title: 'modelwatch / Operations',
  description: 'The model service and the modelwatch exporter: requests, failures, latency, ingest, label joins, model-server processes, cost, exporter resources and scrapes.',
  tags: ['operations'],
  variables: [
    queryVariable({
      name: 'job',
      label: 'Job',
      description: 'Prometheus scrape job(s) of the modelwatch exporters.',
      query: 'label_values(modelwatch_build_info, job)',
      multi: true,
      includeAll: true,
    }),
    queryVariable({
      name: 'instance',
      label: 'Instance',
      description: 'Exporter replicas.',
      query: 'label_values(modelwatch_build_info{job=~"$job"}, instance)',
      multi: true,
      includeAll: true,
    }),
    queryVariable({
      name: 'model',
      label: 'Model',
      description: 'Models, for the per-model ingest panels.',
      query: 'label_values(modelwatch_predictions_total{job=~"$job"}, model)',
      multi: true,
      includeAll: true,
    }),
  ],
  panels: [
    row('Requests'),
    timeseries({
      title: 'Requests and failures per second',
      description: 'Requests the model service reported, and the failed ones by error class (status error or HTTP ≥ 400, or an error class), per model.',
      w: 8,
      unit: 'reqps',
      targets: [
        q(`sum by (model) (rate(modelwatch_requests_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} requests' }),
        q(`sum by (model, error) (rate(modelwatch_prediction_errors_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} {{error}}' }),
      ],
    }),
    timeseries({
      title: 'Failed request share',
      description: 'Failed requests over all requests, per model version. Orange from 1 %, red from 5 % (the prediction-error alerts).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      thresholds: thresholds([['green', null], ['orange', 0.01], ['red', 0.05]]),
      thresholdsStyle: 'line',
      targets: [
        q(
          // a version without failures has no error series: 0, not missing
          `(sum by (model, model_version) (rate(modelwatch_prediction_errors_total{${TM}}[$__rate_interval])) or sum by (model, model_version) (rate(modelwatch_requests_total{${TM}}[$__rate_interval])) * 0) / (sum by (model, model_version) (rate(modelwatch_requests_total{${TM}}[$__rate_interval])) > 0)`,
          { legend: '{{model}} {{model_version}}' },
        ),
      ],
    }),
    timeseries({
      title: 'Latency p95 against the objective',
      description: '95th percentile of the latency the model service reported, per model version; dashed: the configured objective (`slo: {latency_p95_ms: …}`).',
      w: 8,
      unit: 's',
      targets: [
        q(`histogram_quantile(0.95, sum by (model, model_version, le) (rate(modelwatch_prediction_latency_seconds_bucket{${TM}}[$__rate_interval])))`, {
          legend: '{{model}} {{model_version}} p95',
        }),
        q(`max by (model, model_version) (modelwatch_latency_slo_seconds{${TM},percentile="95"})`, { legend: '{{model}} {{model_version}} objective' }),
      ],
      overrides: [dashed('B')],
    }),

    row('Ingest'),
    timeseries({
      title: 'Records accepted per second',
      description: 'Prediction and ground-truth label records accepted per second, per model (all selected replicas summed).',
      w: 8,
      unit: 'reqps',
      targets: [
        q(`sum by (model) (rate(modelwatch_predictions_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} predictions' }),
        q(`sum by (model) (rate(modelwatch_labels_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} labels' }),
      ],
    }),
    timeseries({
      title: 'Records refused per second, by reason',
      description:
        'Records refused at ingest, by reason: malformed_json, invalid_record, unknown_model (the record named no configured model; model is empty), invalid_field, too_large, not_ready. All models.',
      w: 8,
      unit: 'reqps',
      stack: 'normal',
      targets: [q(`sum by (reason, model) (rate(modelwatch_records_rejected_total{${T}}[$__rate_interval]))`, { legend: '{{reason}} {{model}}' })],
    }),
    timeseries({
      title: 'Schema violations per second',
      description: 'Fields violating the reference schema per second, by kind and model.',
      w: 8,
      unit: 'short',
      stack: 'normal',
      targets: [q(`sum by (kind, model) (rate(modelwatch_schema_violations_total{${TM}}[$__rate_interval]))`, { legend: '{{kind}} {{model}}' })],
    }),
    timeseries({
      title: 'Time since the last record',
      description: 'Seconds since each model version last received a prediction record. Orange after 5 minutes, red after 15.',
      w: 12,
      unit: 's',
      min: 0,
      thresholds: thresholds([['green', null], ['orange', 300], ['red', 900]]),
      thresholdsStyle: 'line',
      targets: [
        q(`time() - max by (model, model_version) (modelwatch_last_record_timestamp_seconds{${TM}})`, {
          legend: '{{model}} {{model_version}}',
        }),
      ],
    }),
    timeseries({
      title: 'Records in the sliding windows',
      description: 'Prediction records held in each model version\'s sliding windows (what drift and quality are computed on; memory grows with it).',
      w: 12,
      unit: 'short',
      targets: [
        q(`max by (model, model_version, window) (modelwatch_window_samples{${TM}})`, { legend: '{{model}} {{model_version}} {{window}}' }),
      ],
    }),

    row('Label joins'),
    timeseries({
      title: 'Waiting in the join store',
      description: 'Predictions waiting for their label, per model, and labels waiting for their prediction (all models). Both wait up to the label TTL.',
      w: 8,
      unit: 'short',
      min: 0,
      targets: [
        q(`sum by (model) (modelwatch_predictions_awaiting_label{${TM}})`, { legend: '{{model}} predictions awaiting a label' }),
        q(`sum(modelwatch_labels_awaiting_prediction{${T}})`, { legend: 'labels awaiting a prediction' }),
      ],
    }),
    timeseries({
      title: 'Joins per second',
      description: 'Predictions joined with their label per second, per model.',
      w: 8,
      unit: 'reqps',
      targets: [q(`sum by (model) (rate(modelwatch_joined_predictions_total{${TM}}[$__rate_interval]))`, { legend: '{{model}}' })],
    }),
    timeseries({
      title: 'Expired joins and duplicate labels',
      description:
        'Per interval: unjoined predictions or labels dropped by the TTL or the store cap (by side), and labels for an id that already had one (last write wins).',
      w: 8,
      unit: 'short',
      min: 0,
      targets: [
        q(`sum by (model, side) (increase(modelwatch_joins_expired_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} expired {{side}}' }),
        q(`sum by (model) (increase(modelwatch_label_duplicates_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} duplicate labels' }),
      ],
    }),

    row('Tailed files'),
    timeseries({
      title: 'Lines read per second',
      description: 'Lines read from each tailed prediction log and handed to ingest.',
      w: 8,
      unit: 'short',
      targets: [q(`sum by (path) (rate(modelwatch_file_source_lines_total{${T}}[$__rate_interval]))`, { legend: '{{path}}' })],
    }),
    timeseries({
      title: 'Read lag',
      description: 'Bytes of each tailed file not yet read (file size minus the committed offset). Growing lag: ingest cannot keep up.',
      w: 8,
      unit: 'bytes',
      min: 0,
      targets: [q(`max by (path) (modelwatch_file_source_lag_bytes{${T}})`, { legend: '{{path}}' })],
    }),
    timeseries({
      title: 'Rotations, truncations, oversized lines',
      description: 'Events on tailed files per interval: rotations followed, truncations (read again from the start), lines skipped for exceeding the maximum length.',
      w: 8,
      unit: 'short',
      targets: [
        q(`sum by (path) (increase(modelwatch_file_source_rotations_total{${T}}[$__rate_interval]))`, { legend: 'rotations {{path}}' }),
        q(`sum by (path) (increase(modelwatch_file_source_truncations_total{${T}}[$__rate_interval]))`, { legend: 'truncations {{path}}' }),
        q(`sum by (path) (increase(modelwatch_file_source_oversized_lines_total{${T}}[$__rate_interval]))`, { legend: 'oversized {{path}}' }),
      ],
    }),

    row('Model server processes'),
    stat({
      title: 'Model server up',
      description: 'Whether at least one watched process of each model is running, and how many (configured with `processes:` per model).',
      w: 6,
      h: 8,
      graph: false,
      mappings: valueMappings({ 0: ['down', 'red'] }),
      thresholds: thresholds([['red', null], ['green', 1]]),
      targets: [q(`min by (model) (modelwatch_model_process_count{${TM}})`, { legend: '{{model}} processes', instant: true })],
    }),
    timeseries({
      title: 'Model server CPU',
      description: 'CPU time of the watched processes per second of wall time, per model (100 % = one core; workers summed).',
      w: 9,
      unit: 'percentunit',
      min: 0,
      targets: [q(`sum by (model) (rate(modelwatch_model_process_cpu_seconds_total{${TM}}[$__rate_interval]))`, { legend: '{{model}}' })],
    }),
    timeseries({
      title: 'Model server memory',
      description: 'Resident and virtual memory of the watched processes, per model (workers summed).',
      w: 9,
      unit: 'bytes',
      min: 0,
      targets: [
        q(`sum by (model) (modelwatch_model_process_resident_memory_bytes{${TM}})`, { legend: '{{model}} resident' }),
        q(`sum by (model) (modelwatch_model_process_virtual_memory_bytes{${TM}})`, { legend: '{{model}} virtual' }),
      ],
      overrides: [byQuery('B', [{ id: 'custom.hideFrom', value: { legend: false, tooltip: false, viz: true } }])],
    }),
    timeseries({
      title: 'Model server I/O',
      description:
        'Bytes per second the watched processes read and wrote at the storage layer, and through all read/write calls (sockets included), per model. Writes are drawn below the axis.',
      w: 8,
      unit: 'Bps',
      targets: [
        q(`sum by (model) (rate(modelwatch_model_process_read_bytes_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} disk read' }),
        q(`sum by (model) (rate(modelwatch_model_process_written_bytes_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} disk written' }),
        q(`sum by (model) (rate(modelwatch_model_process_syscall_read_bytes_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} all reads' }),
        q(`sum by (model) (rate(modelwatch_model_process_syscall_written_bytes_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} all writes' }),
      ],
      overrides: ['B', 'D'].map((r) => byQuery(r, [{ id: 'custom.transform', value: 'negative-Y' }])),
    }),
    timeseries({
      title: 'Model server descriptors, threads and exits',
      description:
        'Highest share of its open-file limit any watched process uses (left), threads of the watched processes, and processes that exited per interval (right), per model.',
      w: 8,
      unit: 'percentunit',
      min: 0,
      thresholds: thresholds([['green', null], ['orange', 0.8], ['red', 0.9]]),
      thresholdsStyle: 'dashed',
      targets: [
        q(`max by (model) (modelwatch_model_process_max_fd_usage_ratio{${TM}})`, { legend: '{{model}} descriptors used' }),
        q(`sum by (model) (modelwatch_model_process_threads{${TM}})`, { legend: '{{model}} threads' }),
        q(`sum by (model) (increase(modelwatch_model_process_exits_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} exits' }),
      ],
      overrides: ['B', 'C'].map((r) => byQuery(r, [
        { id: 'unit', value: 'short' },
        { id: 'custom.axisPlacement', value: 'right' },
      ])),
    }),
    timeseries({
      title: 'Model server disks',
      description: 'Used share of the file systems holding the configured `disk_paths` (like df), and the bytes allocated under each path (like du; right axis, refreshed at most every 5 minutes).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      thresholds: thresholds([['green', null], ['orange', 0.8], ['red', 0.9]]),
      thresholdsStyle: 'dashed',
      targets: [
        q(`1 - max by (model, path) (modelwatch_model_disk_available_bytes{${TM}}) / max by (model, path) (modelwatch_model_disk_size_bytes{${TM}})`, { legend: '{{model}} {{path}} used' }),
        q(`max by (model, path) (modelwatch_model_disk_used_bytes{${TM}})`, { legend: '{{model}} {{path}} allocated' }),
      ],
      overrides: [byQuery('B', [
        { id: 'unit', value: 'bytes' },
        { id: 'custom.axisPlacement', value: 'right' },
      ])],
    }),
    timeseries({
      title: 'Model server GPU',
      description: 'Utilisation of each GPU the watched processes hold memory on (left) and their GPU memory (right), per model. Needs nvidia-smi on the exporter\'s host; empty otherwise.',
      w: 24,
      unit: 'percentunit',
      min: 0,
      targets: [
        q(`max by (model, gpu) (modelwatch_model_gpu_utilization_ratio{${TM}})`, { legend: '{{model}} GPU {{gpu}}' }),
        q(`sum by (model) (modelwatch_model_process_gpu_memory_bytes{${TM}})`, { legend: '{{model}} GPU memory' }),
      ],
      overrides: [byQuery('B', [
        { id: 'unit', value: 'bytes' },
        { id: 'custom.axisPlacement', value: 'right' },
      ])],
    }),

    row('Per-request resources and cost'),
    timeseries({
      title: 'CPU and GPU time of requests',
      description: 'CPU and GPU seconds the model service reported per request (`cpu_ms`, `gpu_ms`), summed per second of wall time, per model (100 % = one core or GPU busy).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      targets: [
        q(`sum by (model) (rate(modelwatch_request_cpu_seconds_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} CPU' }),
        q(`sum by (model) (rate(modelwatch_request_gpu_seconds_total{${TM}}[$__rate_interval]))`, { legend: '{{model}} GPU' }),
      ],
    }),
    timeseries({
      title: 'Memory per request p95',
      description: '95th percentile of the memory the model service reported per request (`memory_bytes`), per model.',
      w: 8,
      unit: 'bytes',
      targets: [
        q(`histogram_quantile(0.95, sum by (model, le) (rate(modelwatch_request_memory_bytes_bucket{${TM}}[$__rate_interval])))`, { legend: '{{model}}' }),
      ],
    }),
    timeseries({
      title: 'Inference cost',
      description:
        'Cost per hour at the current rate (left) and per 1000 predictions (right), per model, from the configured rates (`cost:`) and the measured usage. In the currency of the rates.',
      w: 8,
      unit: 'short',
      min: 0,
      targets: [
        q(`sum by (model) (rate(modelwatch_inference_cost_total{${TM}}[$__rate_interval])) * 3600`, { legend: '{{model}} per hour' }),
        q(
          `sum by (model) (rate(modelwatch_inference_cost_total{${TM}}[$__rate_interval])) / (sum by (model) (rate(modelwatch_predictions_total{${TM}}[$__rate_interval])) > 0) * 1000`,
          { legend: '{{model}} per 1000 predictions' },
        ),
      ],
      overrides: [byQuery('B', [{ id: 'custom.axisPlacement', value: 'right' }])],
    }),

    row('Exporter'),
    stat({
      title: 'Targets up',
      description: 'Whether Prometheus\'s last scrape of each exporter replica succeeded.',
      w: 6,
      h: 6,
      graph: false,
      mappings: valueMappings({ 0: ['down', 'red'], 1: ['up', 'green'] }),
      thresholds: thresholds([['red', null], ['green', 1]]),
      targets: [q(`up{${T}}`, { legend: '{{instance}}', instant: true })],
    }),
    table({
      title: 'Build',
      description: 'Version, revision and Node.js version of each exporter replica.',
      w: 18,
      h: 6,
      targets: [q(`max by (instance, version, revision, nodejs_version) (modelwatch_build_info{${T}})`, { instant: true, format: 'table' })],
      hide: ['Value'],
    }),
    timeseries({
      title: 'CPU',
      description: 'CPU time the exporter process uses per second of wall time (100 % = one core).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      targets: [q(`sum by (instance) (rate(process_cpu_seconds_total{${T}}[$__rate_interval]))`, { legend: '{{instance}}' })],
    }),
    timeseries({
      title: 'Memory',
      description: 'Resident memory of the exporter process, and the part of the JavaScript heap in use.',
      w: 8,
      unit: 'bytes',
      min: 0,
      targets: [
        q(`max by (instance) (process_resident_memory_bytes{${T}})`, { legend: '{{instance}} resident' }),
        q(`max by (instance) (nodejs_heap_size_used_bytes{${T}})`, { legend: '{{instance}} heap used' }),
      ],
    }),
    timeseries({
      title: 'Event loop lag p99',
      description: 'How late the exporter\'s event loop runs callbacks (99th percentile). Sustained lag delays ingest and scrapes.',
      w: 8,
      unit: 's',
      min: 0,
      thresholds: thresholds([['green', null], ['orange', 0.1], ['red', 0.5]]),
      thresholdsStyle: 'line',
      targets: [q(`max by (instance) (nodejs_eventloop_lag_p99_seconds{${T}})`, { legend: '{{instance}}' })],
    }),
    timeseries({
      title: 'Garbage collection',
      description: 'Share of wall time spent in garbage collection, by kind.',
      w: 8,
      unit: 'percentunit',
      min: 0,
      stack: 'normal',
      targets: [q(`sum by (instance, kind) (rate(nodejs_gc_duration_seconds_sum{${T}}[$__rate_interval]))`, { legend: '{{instance}} {{kind}}' })],
    }),
    timeseries({
      title: 'Open file descriptors',
      description: 'Open file descriptors as a share of the process limit.',
      w: 8,
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: thresholds([['green', null], ['orange', 0.8], ['red', 0.9]]),
      thresholdsStyle: 'line',
      targets: [q(`max by (instance) (process_open_fds{${T}} / process_max_fds{${T}})`, { legend: '{{instance}}' })],
    }),
    timeseries({
      title: 'Restarts',
      description: 'Exporter process starts in each interval (from the process start time). A restart clears the sliding windows.',
      w: 8,
      unit: 'short',
      min: 0,
      targets: [q(`sum by (instance) (changes(process_start_time_seconds{${T}}[$__rate_interval]))`, { legend: '{{instance}}' })],
    }),

    row('Access control'),
    timeseries({
      title: 'Unauthorized requests by endpoint',
      description:
        'Requests the exporter refused with 401 per second, by endpoint class: `metrics` (scrapes), `ingest` (prediction and label posts), `other`. Refused scrapes mean a Prometheus with wrong credentials; refused ingest, a client with a wrong or missing token; steady `other`, probing. See docs/security.md.',
      w: 16,
      unit: 'reqps',
      min: 0,
      targets: [q(`sum by (endpoint) (rate(modelwatch_http_unauthorized_total{${T}}[$__rate_interval]))`, { legend: '{{endpoint}}' })],
    }),
    stat({
      title: 'Unauthorized requests (time range)',
      description: 'Requests refused with 401 over the dashboard time range, by endpoint class. Orange from one.',
      w: 8,
      unit: 'short',
      decimals: 0,
      graph: false,
      thresholds: thresholds([['green', null], ['orange', 1]]),
      targets: [q(`sum by (endpoint) (increase(modelwatch_http_unauthorized_total{${T}}[$__range]))`, { legend: '{{endpoint}}', instant: true })],
    }),

    row('Scrapes'),
    timeseries({
      title: 'Scrape duration',
      description: 'How long Prometheus\'s scrapes of each exporter replica take. Keep well below the scrape timeout (10 s by default).',
      w: 8,
      unit: 's',
      min: 0,
      targets: [q(`max by (instance) (scrape_duration_seconds{${T}})`, { legend: '{{instance}}' })],
    }),
    timeseries({
      title: 'Collector time per scrape',
      description: 'Time each of the exporter\'s collectors took in the last scrape (drift scores are the costly part).',
      w: 8,
      unit: 's',
      min: 0,
      stack: 'normal',
      targets: [q(`max by (collector) (modelwatch_scrape_collector_duration_seconds{${T}})`, { legend: '{{collector}}' })],
    }),
    timeseries({
      title: 'Series per scrape',
      description: 'Samples returned by each scrape of the exporter: its series count (grows with models, versions, features, bins and windows).',
      w: 8,
      unit: 'short',
      min: 0,
      targets: [q(`max by (instance) (scrape_samples_scraped{${T}})`, { legend: '{{instance}}' })],
    }),
    stateTimeline({
      title: 'Collector success',
      description: 'Whether each collector succeeded in the last scrape; a failed collector\'s samples are left out of the scrape.',
      w: 24,
      h: 6,
      mappings: valueMappings({ 0: ['failed', 'red'], 1: ['ok', 'green'] }),
      thresholds: thresholds([['red', null], ['green', 1]]),
      targets: [q(`min by (collector) (modelwatch_scrape_collector_success{${T}})`, { legend: '{{collector}}' })],
    }),
  ],
});
