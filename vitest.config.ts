import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pluginConfig = 'grafana-plugin/vitest.config.ts';

// Two projects: the exporter and cross-part tests run in Node; the Grafana panel plugin has its own
// config (jsdom, React) in grafana-plugin/vitest.config.ts.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['exporter/test/**/*.test.ts', 'test/**/*.test.ts', 'alert-rules/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
        },
      },
      ...(existsSync(pluginConfig) ? [pluginConfig] : []),
    ],
    // In CI a JSON report is written too, so the CI script can print one plain summary line.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
