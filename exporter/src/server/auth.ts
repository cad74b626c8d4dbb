/**
 * Access control from the web configuration, as one express router installed before every route:
 *
 * 1. the `http_server_config.headers` on every response (401s included);
 * 2. with `ingest_auth`, the ingest API (`/api/...`) requires `Authorization: Bearer <token>`: ingest
 *    clients are programs, and a bearer token is what they are usually given. These requests are then
 *    not asked for basic auth (a request carries one Authorization header);
 * 3. with `basic_auth_users`, every other request (and the ingest API when `ingest_auth` is not set)
 *    requires basic auth. As in the Prometheus exporter toolkit this covers every endpoint, `/-/healthy`
 *    and `/-/ready` included: Prometheus sends its scrape config's `basic_auth` on every request, and
 *    health checkers (Kubernetes probes, load balancers) can send an Authorization header too, while an
 *    unauthenticated health endpoint would leak whether the models have loaded.
 *
 * Refusals are 401 with `WWW-Authenticate` and are counted by endpoint class in `AuthStats`. Logs name
 * the endpoint, path and peer address, never a user name, password or token.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../log/logger.js';
import type { AuthEndpoint, AuthStats } from './auth-stats.js';
import { BasicAuthVerifier, parseBasicAuthorization, type BasicAuthOptions } from './basic-auth.js';
import { BearerTokenVerifier, parseBearerAuthorization } from './bearer-token.js';
import type { WebConfig } from './web-config.js';

export const REALM = 'modelwatch';

export interface AccessControlOptions {
  web: WebConfig;
  metricsPath: string;
  stats: AuthStats;
  logger: Logger;
  basicAuth?: BasicAuthOptions;
}

/** The endpoint class of a request path (routes match case-insensitively, so classes do too). */
export function endpointOf(requestPath: string, metricsPath: string): AuthEndpoint {
  const norm = (p: string) => p.toLowerCase().replace(/\/+$/, '') || '/';
  const p = norm(requestPath);
  if (p === norm(metricsPath)) return 'metrics';
  if (p === '/api' || p.startsWith('/api/')) return 'ingest';
  return 'other';
}

/** The access-control router, or undefined when the web config asks for none (no headers, no auth). */
export function accessControl(opts: AccessControlOptions): express.Router | undefined {
  const { web, metricsPath, stats, logger } = opts;
  const headers = Object.entries(web.headers);
  if (headers.length === 0 && web.basicAuthUsers.size === 0 && !web.ingestAuth) return undefined;
  const router = express.Router();

  if (headers.length > 0) {
    router.use((_req, res, next) => {
      for (const [name, value] of headers) res.setHeader(name, value);
      next();
    });
  }

  const refuse = (req: Request, res: Response, endpoint: AuthEndpoint, scheme: 'Basic' | 'Bearer', presented: boolean) => {
    stats.countUnauthorized(endpoint);
    logger.debug(
      { endpoint, method: req.method, path: req.baseUrl + req.path, remote: req.socket.remoteAddress, scheme: scheme.toLowerCase(), credentials: presented ? 'wrong' : 'missing' },
      'request refused: authentication required',
    );
    const challenge = scheme === 'Basic' ? `Basic realm="${REALM}", charset="UTF-8"` : `Bearer realm="${REALM}"${presented ? ', error="invalid_token"' : ''}`;
    res.set('WWW-Authenticate', challenge).status(401);
    const message = scheme === 'Basic' ? 'authentication required: send basic auth credentials of a user in basic_auth_users' : 'authentication required: send "Authorization: Bearer <token>" with the ingest token';
    if (endpoint === 'ingest') res.json({ error: message, reason: 'unauthorized' });
    else res.type('text').send(`401 Unauthorized: ${message}\n`);
  };

  // Requests already authenticated by the ingest token skip basic auth.
  const byToken = new WeakSet<Request>();
  if (web.ingestAuth) {
    const bearer = new BearerTokenVerifier(web.ingestAuth.token);
    router.use('/api', (req: Request, res: Response, next: NextFunction) => {
      const token = parseBearerAuthorization(req.get('authorization'));
      if (token !== undefined && bearer.verify(token)) {
        byToken.add(req);
        next();
        return;
      }
      refuse(req, res, 'ingest', 'Bearer', token !== undefined);
    });
  }

  if (web.basicAuthUsers.size > 0) {
    const verifier = new BasicAuthVerifier(web.basicAuthUsers, opts.basicAuth);
    router.use(async (req: Request, res: Response, next: NextFunction) => {
      if (byToken.has(req)) {
        next();
        return;
      }
      const credentials = parseBasicAuthorization(req.get('authorization'));
      if (credentials) {
        const result = await verifier.verify(credentials.user, credentials.password);
        if (result === 'ok') {
          next();
          return;
        }
        if (result === 'busy') {
          res.set('Retry-After', '1').status(503).type('text').send('503 Service Unavailable: too many password checks in progress; retry shortly\n');
          return;
        }
      }
      refuse(req, res, endpointOf(req.path, metricsPath), 'Basic', credentials !== undefined);
    });
  }
  return router;
}
