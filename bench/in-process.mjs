/**
 * The exporter's own pieces, wired in-process from the built modules (exporter/dist) the way `Exporter.start()`
 * wires them, but with an injectable clock: reference profiles (built or loaded from the cache), model
 * runtimes, the ingest service (optionally with the label join store), drift reports and the scrape registry
 * with every collector. Used by workloads that need simulated time or direct access to the state.
 */
import { dist } from './lib.mjs';

export async function loadExporterModules() {
  const [load, buildProfile, runtime, exporter, ingest, body, logger, joins, reports, registry, collectors] = await Promise.all([
    dist('config/load.js'),
    dist('reference/build-profile.js'),
    dist('model/model-runtime.js'),
    dist('exporter.js'),
    dist('ingest/ingest-service.js'),
    dist('ingest/parse-body.js'),
    dist('log/logger.js'),
    dist('labels/join-store.js').catch(() => ({})),
    dist('drift/report-provider.js'),
    dist('metrics/scrape-registry.js'),
    dist('metrics/collectors/index.js'),
  ]);
  return {
    parseConfigText: load.parseConfigText,
    loadOrBuildProfile: buildProfile.loadOrBuildProfile,
    ModelRuntime: runtime.ModelRuntime,
    modelSettings: exporter.modelSettings,
    IngestService: ingest.IngestService,
    parseNdjson: body.parseNdjson,
    silentLogger: logger.silentLogger,
    JoinStore: joins.JoinStore,
    DriftReports: reports.DriftReports,
    ScrapeRegistry: registry.ScrapeRegistry,
    collectors,
  };
}

/**
 * Builds the models of a configuration in-process. `clock()` is the time every part sees. With `joinFile`
 * (a path, or `null` for memory only) predictions with an id wait in the label join store as in the exporter.
 */
export async function createInProcess(yaml, configFile, { clock = Date.now, joinFile, logger } = {}) {
  const m = await loadExporterModules();
  const config = m.parseConfigText(yaml, configFile);
  const log = logger ?? m.silentLogger();
  const models = new Map();
  for (const mc of config.models) {
    const { profile } = await m.loadOrBuildProfile(mc, config.storagePath, log);
    models.set(mc.name, new m.ModelRuntime(mc, profile, m.modelSettings(config)));
  }
  let joins;
  if (joinFile !== undefined && m.JoinStore) {
    joins = new m.JoinStore({ file: joinFile ?? undefined, ttlMs: config.labelTtlMs, maxPending: config.maxPendingLabels, logger: log, clock });
  }
  const ingest = new m.IngestService(models, log, clock, joins);
  return { m, config, models, ingest, joins, logger: log };
}

/** The scrape registry with the collectors `Exporter.start()` adds (those that exist in this build). */
export function createRegistry(m, models, ingest, joins, drift, clock) {
  const reports = new m.DriftReports(models, drift);
  const registry = new m.ScrapeRegistry(m.silentLogger(), clock);
  const c = m.collectors;
  const add = (factory, ...args) => {
    if (typeof factory === 'function') registry.add(factory(...args));
  };
  add(c.buildInfoCollector, { version: 'bench', revision: 'bench' });
  add(c.ingestCollector, models, () => ingest);
  add(c.labelsCollector, models, () => joins);
  add(c.performanceCollector, models);
  add(c.featureValuesCollector, models);
  add(c.referenceCollector, models);
  add(c.driftCollector, reports);
  add(c.qualityCollector, models, reports);
  add(c.latencyCollector, models);
  add(c.requestsCollector, models);
  add(c.fileSourcesCollector, () => []);
  return { registry, reports };
}
