/**
 * The listening server: HTTPS when the web config has `tls_server_config`, plain HTTP otherwise.
 * `listen` has the shape of express's `app.listen(port, host, callback)` so the exporter swaps one for
 * the other. Client-certificate policies that OpenSSL cannot enforce during the handshake (a certificate
 * required but not verified, verified only when given, allowed SANs) close the connection as soon as the
 * handshake completes, before any request is read.
 */
import http, { type RequestListener } from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../log/logger.js';
import { peerCertificateProblem } from './tls-options.js';
import { serverTlsOptions, type TlsServerSettings } from './web-config.js';

export interface WebServerOptions {
  /** TLS settings from the web config; undefined serves plain HTTP. */
  tls: TlsServerSettings | undefined;
  logger: Logger;
}

export function createWebServer(handler: RequestListener, opts: WebServerOptions): http.Server {
  const settings = opts.tls;
  if (!settings) return http.createServer(handler);
  const { logger } = opts;
  const server = https.createServer(serverTlsOptions(settings), handler);
  server.on('secureConnection', (socket: TLSSocket) => {
    const problem = peerCertificateProblem(socket, settings.clientAuth, settings.allowedSans);
    if (problem === undefined) return;
    logger.debug({ remote: socket.remoteAddress, reason: problem, client_auth_type: settings.clientAuth }, 'TLS connection refused');
    socket.destroy();
  });
  // Failed handshakes (no or untrusted client certificate, plain HTTP to the TLS port, ...) are routine
  // noise on an exposed port: debug level. The https server closes the socket itself.
  server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
    logger.debug({ remote: socket.remoteAddress, err: err.message }, 'TLS handshake failed');
  });
  return server;
}

/** Creates the server and listens; `callback` gets the listen error, if any, like express's `app.listen`. */
export function listen(handler: RequestListener, opts: WebServerOptions, port: number, host: string, callback: (err?: Error) => void): http.Server {
  const server = createWebServer(handler, opts);
  const onError = (err: Error) => callback(err);
  server.once('error', onError);
  server.listen(port, host, () => {
    server.off('error', onError);
    callback();
  });
  return server;
}
