/**
 * Command line, in the style of Prometheus exporters (`--config.file`, `--web.listen-address`, ...).
 *
 *   modelwatch [--config.file F] [--web.listen-address A]   run the exporter
 *   modelwatch profile --config.file F                     build and cache the reference profiles
 *   modelwatch check-config --config.file F                validate a configuration and exit
 *   modelwatch demo                                        run the bundled demo with replayed traffic
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfigFile } from './config/load.js';
import { parseDuration } from './config/duration.js';
import { Exporter, ListenError } from './exporter.js';
import { createLogger, LOG_LEVELS, type LogLevel, type Logger } from './log/logger.js';
import { loadOrBuildProfile } from './reference/build-profile.js';
import { ReferenceReadError } from './reference/read-table.js';
import { packageVersion } from './version.js';
import { loadWebConfigFile } from './server/web-config.js';

const HELP = `usage: modelwatch [command] [flags]

ML model monitoring exporter for Prometheus: ingests prediction logs and labels, compares production data
with a reference profile, and serves drift, data-quality, performance and latency metrics.

Commands:
  (none)          run the exporter
  profile         build the reference profiles of every model and store them in the profile cache
  check-config    validate the configuration file and exit (0 when valid)
  demo            run the bundled demo: a weather model with replayed traffic that drifts after a while

Flags:
  --config.file=FILE           configuration file (default: modelwatch.yml)
  --web.listen-address=ADDR    address to listen on (default: :9464; demo: 127.0.0.1:9464)
  --web.telemetry-path=PATH    path under which to expose metrics (default: /metrics)
  --web.config.file=FILE       TLS, basic auth and the ingest API's bearer token (Prometheus exporter
                               toolkit format; see docs/security.md)
  --storage.path=DIR           state folder (profile cache, file offsets); overrides storage.path in the config
  --log.level=LEVEL            one of debug, info, warn, error (default: info)
  --profile.rebuild            with "profile": rebuild even when a cached profile matches
  --demo.drift-after=DURATION  with "demo": when the drift starts (default: 30s)
  --demo.rate=N                with "demo": predictions per second (default: 200)
  --version                    print the version and exit
  -h, --help                   print this help and exit
`;

const OPTIONS = {
  'config.file': { type: 'string' },
  'web.listen-address': { type: 'string' },
  'web.telemetry-path': { type: 'string' },
  'web.config.file': { type: 'string' },
  'storage.path': { type: 'string' },
  'log.level': { type: 'string' },
  'profile.rebuild': { type: 'boolean' },
  'demo.drift-after': { type: 'string' },
  'demo.rate': { type: 'string' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`modelwatch: ${(err as Error).message}\nRun "modelwatch --help" for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`modelwatch ${packageVersion()} (node ${process.version})\n`);
    return 0;
  }
  const command = positionals[0] ?? 'run';
  if (positionals.length > 1 || !['run', 'profile', 'check-config', 'demo'].includes(command)) {
    process.stderr.write(`modelwatch: unknown command "${positionals.join(' ')}"\nRun "modelwatch --help" for usage.\n`);
    return 2;
  }
  const level = (values['log.level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    process.stderr.write(`modelwatch: --log.level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"\n`);
    return 2;
  }
  const logger = createLogger(level);
  try {
    const configFile = values['config.file'] ?? (command === 'demo' ? demoConfigPath() : 'modelwatch.yml');
    const config = await loadConfigFile(configFile);
    if (values['storage.path']) config.storagePath = values['storage.path'];
    // --web.config.file: read and checked up front (check-config validates it too).
    const webConfigFile = values['web.config.file'];
    if (webConfigFile !== undefined && command === 'demo') throw new UsageError('--web.config.file does not apply to "demo": its traffic replayer sends neither TLS nor credentials');
    const webConfig = webConfigFile === undefined ? undefined : await loadWebConfigFile(webConfigFile);
    switch (command) {
      case 'check-config':
        process.stdout.write(`${config.file}: valid (${config.models.length} model(s), ${config.sources.length} source(s))\n`);
        if (webConfig) process.stdout.write(`${webConfig.file}: valid web configuration${webConfig.warnings.map((w) => `\n  warning: ${w}`).join('')}\n`);
        return 0;
      case 'profile': {
        for (const m of config.models) {
          const { profile, cached } = await loadOrBuildProfile(m, config.storagePath, logger, { forceRebuild: values['profile.rebuild'] === true });
          process.stdout.write(`${m.name}: reference ${profile.referenceId}, ${profile.rows} rows, ${profile.columns.length} columns${cached ? ' (cached)' : ''}\n`);
        }
        logger.flush();
        return 0;
      }
      case 'demo':
        return await runDemo(config, logger, values['web.listen-address'] ?? '127.0.0.1:9464', values['web.telemetry-path'], values['demo.drift-after'] ?? '30s', values['demo.rate'] ?? '200');
      default:
        return await runExporter(new Exporter({ config, listenAddress: values['web.listen-address'] ?? ':9464', metricsPath: values['web.telemetry-path'] ?? '/metrics', logger, webConfig }), logger);
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ReferenceReadError || err instanceof UsageError || err instanceof ListenError) {
      process.stderr.write(`modelwatch: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function demoConfigPath(): string {
  return fileURLToPath(new URL('../demo/modelwatch.yml', import.meta.url));
}

/** Runs until SIGINT/SIGTERM, then shuts down gracefully. */
async function runExporter(exporter: Exporter, logger: Logger, onStarted?: (exporter: Exporter) => Promise<() => Promise<void>>): Promise<number> {
  let stopExtra: (() => Promise<void>) | undefined;
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error({}, 'shutdown took longer than 30s; exiting');
        resolve(1);
      }, 30_000);
      deadline.unref();
      void (async () => {
        await stopExtra?.();
        await exporter.stop();
        clearTimeout(deadline);
        resolve(0);
      })();
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  try {
    await exporter.start();
  } catch (err) {
    await exporter.stop();
    throw err;
  }
  if (onStarted) stopExtra = await onStarted(exporter);
  const code = await stopped;
  logger.flush();
  return code;
}

async function runDemo(
  config: Awaited<ReturnType<typeof loadConfigFile>>,
  logger: Logger,
  listenAddress: string,
  metricsPath: string | undefined,
  driftAfter: string,
  rateText: string,
): Promise<number> {
  const rate = Number(rateText);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 100_000) throw new UsageError(`--demo.rate must be a number between 1 and 100000, got "${rateText}"`);
  let driftAfterSeconds: number;
  try {
    driftAfterSeconds = parseDuration(driftAfter) / 1000;
  } catch (err) {
    throw new UsageError(`--demo.drift-after: ${(err as Error).message}`);
  }
  const exporter = new Exporter({ config, listenAddress, metricsPath: metricsPath ?? '/metrics', logger });
  return runExporter(exporter, logger, async (ex) => {
    const { startReplayer } = await import('./demo/replayer.js');
    const addr = ex.address();
    const host = addr.family === 'IPv6' ? `[${addr.address === '::' ? '::1' : addr.address}]` : addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address;
    const url = `http://${host}:${addr.port}`;
    logger.info({ url: `${url}${metricsPath ?? '/metrics'}`, drift_after_seconds: driftAfterSeconds, rate }, 'demo running: replaying weather traffic; open the metrics URL');
    const replayer = startReplayer({ url, ratePerSecond: rate, driftAfterSeconds, logger });
    return () => replayer.stop();
  });
}
