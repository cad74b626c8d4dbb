/**
 * The HTTP surface: /metrics, health and readiness, the landing page, and the ingest API. Express
 * handles routing and body limits; everything else is delegated.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { IngestResult, IngestService } from '../ingest/ingest-service.js';
import { parseBody, TooManyRecordsError } from '../ingest/parse-body.js';
import type { Logger } from '../log/logger.js';
import type { ModelRuntime } from '../model/model-runtime.js';
import type { ScrapeRegistry } from '../metrics/scrape-registry.js';
import { landingPage } from './landing-page.js';

export interface AppOptions {
  version: string;
  metricsPath: string;
  maxRequestBytes: number;
  /** Most records one request may carry (larger bodies get 413). */
  maxRecordsPerRequest?: number;
  logger: Logger;
  registry: ScrapeRegistry;
  models: ReadonlyMap<string, ModelRuntime>;
  /** Undefined until the reference profiles are loaded. */
  ingest: () => IngestService | undefined;
  /** Access control from --web.config.file (security headers, basic auth, ingest bearer token); see auth.ts. */
  access?: express.RequestHandler | undefined;
}

export function createApp(opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Before every route, so nothing is served (or parsed) without the configured credentials.
  if (opts.access) app.use(opts.access);

  app.get('/', (_req, res) => {
    res.type('html').send(landingPage({ version: opts.version, metricsPath: opts.metricsPath, models: opts.models, ready: opts.ingest() !== undefined }));
  });

  app.get('/-/healthy', (_req, res) => {
    res.type('text').send('modelwatch is healthy.\n');
  });

  app.get('/-/ready', (_req, res) => {
    if (opts.ingest()) res.type('text').send('modelwatch is ready.\n');
    else res.status(503).type('text').send('modelwatch is not ready: reference profiles are loading.\n');
  });

  app.get(opts.metricsPath, async (req, res) => {
    const accept = req.get('accept') ?? '';
    const format = /application\/openmetrics-text/.test(accept) ? 'openmetrics' : 'prometheus';
    try {
      const body = await opts.registry.scrape(format);
      res.set('Content-Type', opts.registry.contentType(format)).send(body);
    } catch (err) {
      opts.logger.error({ err: (err as Error).message }, 'scrape failed');
      res.status(500).type('text').send(`scrape failed: ${(err as Error).message}\n`);
    }
  });

  const body = express.text({ type: () => true, limit: opts.maxRequestBytes, defaultCharset: 'utf-8' });

  const ingestRoute = (kind: 'predictions' | 'labels') => (req: Request, res: Response) => {
    const service = opts.ingest();
    if (!service) {
      res.set('Retry-After', '5').status(503).json({ error: 'not ready: reference profiles are still loading; retry shortly', reason: 'not_ready' });
      return;
    }
    const text = typeof req.body === 'string' ? req.body : '';
    let items;
    try {
      items = parseBody(text, req.get('content-type'), opts.maxRecordsPerRequest);
    } catch (err) {
      if (!(err instanceof TooManyRecordsError)) throw err;
      service.countRejection('too_large');
      res.status(413).json({ error: err.message, reason: 'too_large' });
      return;
    }
    const source = `http:${kind}`;
    const result: IngestResult = kind === 'predictions' ? service.ingestPredictions(items, source) : service.ingestLabels(items, source);
    // 202 when anything was taken; 400 when every record was refused, so a wholly bad batch is not mistaken for success.
    res.status(result.accepted > 0 ? 202 : 400).json(result);
  };

  app.post('/api/v1/predictions', body, ingestRoute('predictions'));
  app.post('/api/v1/labels', body, ingestRoute('labels'));

  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}; see / for the endpoints` });
  });

  // Body-parser errors (size limit, bad encoding) and anything unexpected: a clear 4xx/5xx, never a crash.
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const service = opts.ingest();
    if (err.type === 'entity.too.large') {
      service?.countRejection('too_large');
      res.status(413).json({ error: `request body exceeds the limit of ${opts.maxRequestBytes} bytes (server.max_request_bytes); send smaller batches`, reason: 'too_large' });
      return;
    }
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) opts.logger.error({ err: err.message, path: req.path }, 'request failed');
    else service?.countRejection('malformed_json');
    // The reason answered is the one the rejection is counted under.
    res.status(status).json({ error: err.message, reason: status === 500 ? 'internal' : 'malformed_json' });
  });

  return app;
}
