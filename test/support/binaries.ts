/**
 * `requireBinary`: the single-program form of the rule in ./programs.ts, for tests that need one program
 * in the middle of a larger test. A missing program is never a quiet pass: in CI (CI=true) the test fails
 * with the package to install; elsewhere it is skipped with a loud warning.
 */
import { expect } from 'vitest';
import { which } from './programs.js';

/** The program's path; undefined (after a loud warning) when it is missing outside CI; a failure in CI. */
export function requireBinary(name: string, debianPackage: string): string | undefined {
  const found = which(name);
  if (found) return found;
  const message = `${name} not found: install the Debian package "${debianPackage}" (apt-get install ${debianPackage})`;
  if (process.env.CI === 'true') {
    expect.fail(`${message}; system tests cannot be skipped in CI`);
  }
  console.warn(`\n!!! SKIPPING: ${message}\n`);
  return undefined;
}
