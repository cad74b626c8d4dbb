/**
 * Finding the real programs system tests need (Prometheus, Alertmanager, Chromium). A missing program is
 * never a quiet pass: in CI (CI=true) it fails the test with the package to install; elsewhere the test is
 * skipped with a loud warning.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';

export function findBinary(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The program's path; undefined (after a loud warning) when it is missing outside CI; a failure in CI. */
export function requireBinary(name: string, debianPackage: string): string | undefined {
  const found = findBinary(name);
  if (found) return found;
  const message = `${name} not found: install the Debian package "${debianPackage}" (apt-get install ${debianPackage})`;
  if (process.env.CI === 'true') {
    expect.fail(`${message}; system tests cannot be skipped in CI`);
  }
  console.warn(`\n!!! SKIPPING: ${message}\n`);
  return undefined;
}
