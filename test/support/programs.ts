/**
 * External programs the alerting tests run (Prometheus, Alertmanager and their command-line tools), and
 * the rule for when one is missing: in CI (`CI=true`) the tests fail with a message naming the Debian
 * package; elsewhere they are skipped with the same message printed as a warning.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Program {
  /** executable name looked up on PATH */
  bin: string;
  /** Debian package that provides it */
  debianPackage: string;
}

export const PROMETHEUS: Program = { bin: 'prometheus', debianPackage: 'prometheus' };
export const PROMTOOL: Program = { bin: 'promtool', debianPackage: 'prometheus' };
export const ALERTMANAGER: Program = { bin: 'prometheus-alertmanager', debianPackage: 'prometheus-alertmanager' };
export const AMTOOL: Program = { bin: 'amtool', debianPackage: 'prometheus-alertmanager' };

/** Absolute path of an executable on PATH, or undefined. */
export function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, bin);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ProgramGate {
  missing: Program[];
  /** true when programs are missing and this is not CI: the caller skips its tests */
  skip: boolean;
  message: string;
}

/**
 * Checks that the programs exist. When some are missing outside CI, a loud warning is printed and
 * `skip` is true; in CI `skip` stays false so that the caller's first test (asserting `missing` is
 * empty, with `message`) fails.
 */
export function programGate(programs: Program[], what: string): ProgramGate {
  const missing = programs.filter((p) => which(p.bin) === undefined);
  const packages = [...new Set(missing.map((p) => p.debianPackage))];
  const message =
    missing.length === 0
      ? ''
      : `${what} need ${missing.map((p) => p.bin).join(', ')}, not found on PATH. ` +
        `Install the Debian package(s): apt-get install --no-install-recommends ${packages.join(' ')}`;
  const inCi = process.env.CI === 'true';
  const skip = missing.length > 0 && !inCi;
  if (skip) {
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\nSKIPPED: ${message}\n(In CI, with CI=true, these tests fail instead.)\n${bar}\n`);
  }
  return { missing, skip, message };
}
