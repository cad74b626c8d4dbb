/** Requests refused by access control (`--web.config.file`): missing or wrong credentials. */
import type { AuthStats } from '../../server/auth-stats.js';
import type { Collector, Emit } from '../collector.js';

export function authCollector(stats: AuthStats): Collector {
  return {
    name: 'auth',
    families: [
      {
        name: 'modelwatch_http_unauthorized_total',
        help: 'HTTP requests refused with 401 for missing or wrong credentials, by endpoint class (metrics, ingest, other).',
        type: 'counter',
      },
    ],
    collect(emit: Emit) {
      for (const [endpoint, n] of stats.unauthorizedCounts()) emit('modelwatch_http_unauthorized_total', { endpoint }, n);
    },
  };
}
