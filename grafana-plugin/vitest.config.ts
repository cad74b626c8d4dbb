import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const pluginDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(pluginDir, '..');

// The plugin's test project (listed in the root vitest.config.ts): unit tests in jsdom with the real
// @grafana packages; artifact and browser tests opt into the node environment per file.
export default defineProject({
  // Classic JSX (React.createElement), as in the build: nothing imports react/jsx-runtime.
  oxc: { jsx: { runtime: 'classic', pragma: 'React.createElement', pragmaFrag: 'React.Fragment' } },
  test: {
    name: 'plugin',
    environment: 'jsdom',
    // Test paths are written from the repository root, where `npx vitest run --project plugin` runs.
    dir: repoRoot,
    include: ['grafana-plugin/src/**/*.test.{ts,tsx}', 'grafana-plugin/test/**/*.test.{ts,tsx}'],
    setupFiles: [resolve(pluginDir, 'test/setup.ts')],
    // Builds dist/ once, so the artifact and browser tests check the current sources' bundle.
    globalSetup: [resolve(pluginDir, 'test/global-setup.ts')],
    // @grafana/data's ESM build imports CJS packages (moment-timezone) by name; inline them through Vite.
    server: { deps: { inline: [/@grafana\//] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
