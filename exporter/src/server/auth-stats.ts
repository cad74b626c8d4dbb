/**
 * Counts of refused (401) requests by endpoint class, read by the metrics layer as
 * `modelwatch_http_unauthorized_total{endpoint}`. The label is a closed set so an attacker probing
 * random paths cannot create series.
 */
export const AUTH_ENDPOINTS = ['metrics', 'ingest', 'other'] as const;
export type AuthEndpoint = (typeof AUTH_ENDPOINTS)[number];

export class AuthStats {
  private readonly unauthorized = new Map<AuthEndpoint, number>(AUTH_ENDPOINTS.map((e) => [e, 0]));

  countUnauthorized(endpoint: AuthEndpoint): void {
    this.unauthorized.set(endpoint, (this.unauthorized.get(endpoint) ?? 0) + 1);
  }

  /** Refused requests so far, for every endpoint class (0 included). */
  unauthorizedCounts(): ReadonlyMap<AuthEndpoint, number> {
    return this.unauthorized;
  }
}
