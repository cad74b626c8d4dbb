/**
 * The composition root: wires configuration, reference profiles, model state, ingest, file sources,
 * metric collectors and the HTTP server, and owns start-up and graceful shutdown.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ExporterConfig } from './config/load.js';
import { IngestService } from './ingest/ingest-service.js';
import type { BodyItem } from './ingest/parse-body.js';
import type { Logger } from './log/logger.js';
import {
  buildInfoCollector,
  driftCollector,
  featureValuesCollector,
  fileSourcesCollector,
  ingestCollector,
  labelsCollector,
  latencyCollector,
  performanceCollector,
  qualityCollector,
  referenceCollector,
  requestsCollector,
  costCollector,
} from './metrics/collectors/index.js';
import { processCollector, type ProcessCollector } from './process-watch/process-collector.js';
import { DriftReports } from './drift/report-provider.js';
import { ScrapeRegistry } from './metrics/scrape-registry.js';
import { ModelRuntime, type ModelSettings } from './model/model-runtime.js';
import { loadOrBuildProfile } from './reference/build-profile.js';
import { createApp } from './server/app.js';
import { parseListenAddress } from './server/listen-address.js';
import { FileTailer } from './sources/file-tailer.js';
import { JsonFileOffsetStore } from './sources/offset-store.js';
import { JoinStore } from './labels/join-store.js';
import { buildRevision, packageVersion } from './version.js';
import { authCollector } from './metrics/collectors/auth.js';
import { accessControl } from './server/auth.js';
import { AuthStats } from './server/auth-stats.js';
import { listen } from './server/https.js';
import { logWebConfig, type WebConfig } from './server/web-config.js';

export interface ExporterOptions {
  config: ExporterConfig;
  listenAddress: string;
  metricsPath?: string;
  logger: Logger;
  /** TLS and authentication from --web.config.file; undefined serves plain HTTP without authentication. */
  webConfig?: WebConfig | undefined;
}

const HOUSEKEEPING_INTERVAL_MS = 60_000;

/** A listen failure as a message a user can act on. */
function listenError(err: Error, address: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new ListenError(`cannot listen on ${address}: the address is already in use; stop the other process or pick another --web.listen-address`);
  if (code === 'EACCES') return new ListenError(`cannot listen on ${address}: permission denied (ports below 1024 need privileges); pick another --web.listen-address`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new ListenError(`cannot listen on ${address}: no such local address; check --web.listen-address`);
  return new ListenError(`cannot listen on ${address}: ${err.message}`);
}

export class ListenError extends Error {
  override name = 'ListenError';
}

export function modelSettings(config: ExporterConfig): ModelSettings {
  return {
    maxVersions: config.maxVersionsPerModel,
    versionExpiryMs: config.versionExpiryMs,
    windowSampleSize: config.windowSampleSize,
    outlierMinShare: config.outlierMinShare,
  };
}

export class Exporter {
  readonly models = new Map<string, ModelRuntime>();
  private ingest: IngestService;
  private joins: JoinStore | undefined;
  private ready = false;
  private server: Server | undefined;
  private tailers: FileTailer[] = [];
  private offsetStore: JsonFileOffsetStore | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private processes: ProcessCollector | undefined;
  private readonly registry: ScrapeRegistry;
  private readonly reports: DriftReports;
  private stopped = false;
  /** Requests refused for missing or wrong credentials. */
  readonly authStats = new AuthStats();

  constructor(private readonly opts: ExporterOptions) {
    this.registry = new ScrapeRegistry(opts.logger);
    this.ingest = new IngestService(this.models, opts.logger);
    this.reports = new DriftReports(this.models, opts.config.drift);
  }

  /** The bound address (useful with port 0). */
  address(): AddressInfo {
    return this.server?.address() as AddressInfo;
  }

  get ingestService(): IngestService {
    return this.ingest;
  }

  /** Listens first (health answers, readiness says "loading"), then loads profiles, then starts sources. */
  async start(): Promise<void> {
    const { config, logger } = this.opts;
    const metricsPath = this.opts.metricsPath ?? '/metrics';
    const version = packageVersion();
    this.registry
      .add(buildInfoCollector({ version, revision: buildRevision() }))
      .add(ingestCollector(this.models, () => this.ingest))
      .add(labelsCollector(this.models, () => this.joins))
      .add(performanceCollector(this.models))
      .add(featureValuesCollector(this.models))
      .add(referenceCollector(this.models))
      .add(driftCollector(this.reports))
      .add(qualityCollector(this.models, this.reports))
      .add(latencyCollector(this.models))
      .add(requestsCollector(this.models))
      .add(fileSourcesCollector(() => this.tailers))
      .add(authCollector(this.authStats));
    const watched = config.models.filter((m) => m.processes.length > 0 || m.diskPaths.length > 0);
    if (watched.length > 0) {
      this.processes = processCollector(
        watched.map((m) => ({ model: m.name, specs: m.processes, diskPaths: m.diskPaths })),
        { logger, ...(config.gpuWatch ? {} : { gpu: false as const }) },
      );
      this.registry.add(this.processes);
    }
    if (config.models.some((m) => m.cost)) this.registry.add(costCollector(this.models, this.processes, config.currency));
    const web = this.opts.webConfig;
    if (web) logWebConfig(logger, web);
    const app = createApp({
      version,
      metricsPath,
      maxRequestBytes: config.maxRequestBytes,
      maxRecordsPerRequest: config.maxRecordsPerRequest,
      logger,
      registry: this.registry,
      models: this.models,
      ingest: () => (this.ready ? this.ingest : undefined),
      access: web ? accessControl({ web, metricsPath, stats: this.authStats, logger }) : undefined,
    });
    const { host, port } = parseListenAddress(this.opts.listenAddress);
    this.server = await new Promise<Server>((resolve, reject) => {
      const s = listen(app, { tls: web?.tls, logger }, port, host ?? '::', (err?: Error) => (err ? reject(listenError(err, this.opts.listenAddress)) : resolve(s)));
    });
    this.server.on('error', (err) => logger.error({ err: err.message }, 'HTTP server error'));
    this.server.keepAliveTimeout = 65_000;
    const addr = this.address();
    logger.info({ address: `${addr.address}:${addr.port}`, scheme: web?.tls ? 'https' : 'http', metrics_path: metricsPath, version }, 'listening');

    for (const m of config.models) {
      const { profile } = await loadOrBuildProfile(m, config.storagePath, logger);
      this.models.set(m.name, new ModelRuntime(m, profile, modelSettings(config)));
    }
    this.joins = new JoinStore({ file: path.join(config.storagePath, 'label-joins.ndjson'), ttlMs: config.labelTtlMs, maxPending: config.maxPendingLabels, logger });
    this.ingest = new IngestService(this.models, logger, Date.now, this.joins, this.ingest.rejections, { maxFields: config.maxRecordFields, maxStringBytes: config.maxStringBytes });
    const ingest = this.ingest;
    await this.processes?.refresh();
    this.ready = true;
    logger.info({ models: [...this.models.keys()] }, 'ready');

    if (config.sources.length > 0) {
      this.offsetStore = new JsonFileOffsetStore(path.join(config.storagePath, 'file-offsets.json'), { logger });
      for (const src of config.sources) {
        const tailer = new FileTailer({
          path: src.path,
          store: this.offsetStore,
          logger,
          onLines: async (lines) => {
            const items: BodyItem[] = lines.map((line, index) => {
              try {
                return { index, value: JSON.parse(line) as unknown };
              } catch (err) {
                return { index, error: `malformed JSON in ${src.path}: ${(err as Error).message}` };
              }
            });
            const result = src.kind === 'labels' ? ingest.ingestLabels(items, `file:${src.path}`) : ingest.ingestPredictions(items, `file:${src.path}`);
            if (result.rejected > 0) {
              logger.warn({ path: src.path, rejected: result.rejected, first: result.errors[0] }, 'rejected records in tailed file');
            }
          },
          onOversizedLine: (info) => {
            ingest.countRejection('too_large');
            logger.warn({ path: info.path, offset: info.offset, bytes: info.bytes }, 'skipped an oversized line in a tailed file');
          },
        });
        tailer.start();
        this.tailers.push(tailer);
        logger.info({ path: src.path, kind: src.kind }, 'tailing file');
      }
    }
    this.housekeeping = setInterval(() => {
      const now = Date.now();
      for (const m of this.models.values()) {
        const expired = m.expireVersions(now);
        if (expired.length > 0) logger.info({ model: m.name, versions: expired }, 'expired idle model versions');
      }
      this.joins?.expire(now);
    }, HOUSEKEEPING_INTERVAL_MS);
    this.housekeeping.unref();
  }

  /** Stops accepting, finishes file batches, persists offsets, closes the server. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { logger } = this.opts;
    if (this.housekeeping) clearInterval(this.housekeeping);
    const server = this.server;
    const closing = server
      ? new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        })
      : Promise.resolve();
    await Promise.all(this.tailers.map((t) => t.stop()));
    if (this.offsetStore) {
      try {
        await this.offsetStore.flush();
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'could not persist file offsets');
      }
    }
    this.joins?.close();
    await this.processes?.close();
    await closing;
    logger.info({}, 'stopped');
  }
}
