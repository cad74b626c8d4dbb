/** The Grafana front-end lines the harness renders the built plugin on. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));
export const PLUGIN_DIR = resolve(HARNESS_DIR, '..');
export const REPO_ROOT = resolve(PLUGIN_DIR, '..');
export const BUILD_DIR = join(HARNESS_DIR, 'build');

export interface Host {
  id: string;
  /** Folder whose node_modules holds the host packages. */
  dir: string;
  grafana: string;
  reactMajor: number;
  /** How to install it when it is missing. */
  install: string;
}

export const HOSTS: Host[] = [
  {
    id: 'grafana-12.4',
    dir: REPO_ROOT,
    grafana: '12.4.10',
    reactMajor: 18,
    install: 'npm ci (at the repository root)',
  },
  {
    id: 'grafana-13.2',
    dir: join(HARNESS_DIR, 'hosts', 'grafana-13'),
    grafana: '13.2.2',
    reactMajor: 19,
    install: 'npm ci --prefix grafana-plugin/harness/hosts/grafana-13',
  },
];

export const HOST_PACKAGES = ['react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime', '@emotion/css'];

export function installedVersion(host: Host, pkg: string): string | undefined {
  const file = join(host.dir, 'node_modules', pkg, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Why the host cannot run, or undefined when it is installed at the expected versions. */
export function hostProblem(host: Host): string | undefined {
  for (const pkg of ['@grafana/data', '@grafana/ui', '@grafana/runtime']) {
    const v = installedVersion(host, pkg);
    if (v !== host.grafana) {
      return `${host.id}: ${pkg} ${v ?? 'is not installed'}${v ? `, expected ${host.grafana}` : ''}; install it with: ${host.install}`;
    }
  }
  const react = installedVersion(host, 'react');
  if (!react || Number(react.split('.')[0]) !== host.reactMajor) {
    return `${host.id}: react ${react ?? 'is not installed'}, expected ${host.reactMajor}.x; install it with: ${host.install}`;
  }
  return undefined;
}
