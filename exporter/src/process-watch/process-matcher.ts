/**
 * Which processes belong to a model: a `pid`, a `pid_file`, or `match`, a regular expression over the
 * command line (`/proc/<pid>/cmdline` with its NUL separators replaced by spaces) of every process.
 *
 * - `pid_file`: read, trimmed, parsed as a positive integer; a missing, unreadable or garbage file means
 *   "no process", reported once (a warning when the problem appears or changes, an info line when it
 *   clears), never on every scrape.
 * - `match`: the exporter's own PID, processes without a command line (kernel threads, zombies) are never
 *   matched; at most `maxMatches` PIDs per spec (the lowest), with a warning once when the cap cuts.
 *   One scan of `procRoot` serves every `match` spec of every model and is reused while younger than the
 *   caller's maximum age. Only the first {@link MAX_CMDLINE_CHARS} characters of a command line are matched
 *   (command lines can reach megabytes). A pattern also matches any other process whose command line
 *   contains it (a `tail` or an editor on the server's script): anchor it (`^/usr/bin/python3 .*gunicorn`).
 * - Specs of one model are unioned (a PID matched twice counts once).
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { DEFAULT_PROC_ROOT, listPids, readCmdline } from './proc-reader.js';

export type ProcessSpec = { pid: number } | { pid_file: string } | { match: string };

export type CompiledSpec =
  | { kind: 'pid'; pid: number; key: string }
  | { kind: 'pid_file'; path: string; key: string }
  | { kind: 'match'; source: string; regex: RegExp; key: string };

export const DEFAULT_MAX_MATCHES = 64;
export const MAX_CMDLINE_CHARS = 16_384;

/** Validates a spec (throws an `Error` naming the problem) and compiles its regular expression. */
export function compileSpec(spec: ProcessSpec): CompiledSpec {
  const s = spec as Partial<Record<'pid' | 'pid_file' | 'match', unknown>>;
  const given = (['pid', 'pid_file', 'match'] as const).filter((k) => s[k] !== undefined);
  if (given.length !== 1) throw new Error(`a process spec needs exactly one of pid, pid_file, match (got ${given.length ? given.join(', ') : 'none'})`);
  if (s.pid !== undefined) {
    if (typeof s.pid !== 'number' || !Number.isSafeInteger(s.pid) || s.pid <= 0) throw new Error(`process pid must be a positive integer, got ${String(s.pid)}`);
    return { kind: 'pid', pid: s.pid, key: `pid:${s.pid}` };
  }
  if (s.pid_file !== undefined) {
    if (typeof s.pid_file !== 'string' || s.pid_file === '') throw new Error('process pid_file must be a non-empty path');
    return { kind: 'pid_file', path: s.pid_file, key: `pid_file:${s.pid_file}` };
  }
  if (typeof s.match !== 'string' || s.match === '') throw new Error('process match must be a non-empty regular expression');
  let regex: RegExp;
  try {
    regex = new RegExp(s.match);
  } catch (err) {
    throw new Error(`process match ${JSON.stringify(s.match)} is not a valid regular expression: ${(err as Error).message}`, { cause: err });
  }
  return { kind: 'match', source: s.match, regex, key: `match:${s.match}` };
}

/** The PID in a PID file's text: trimmed, digits only, positive. */
export function parsePidFile(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t)) return undefined;
  const n = Number(t);
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}

/** The PIDs (ascending) whose command line matches, at most `cap` of them. */
export function matchCmdlines(regex: RegExp, cmdlines: ReadonlyMap<number, string>, cap: number): { pids: number[]; capped: boolean } {
  const pids: number[] = [];
  for (const [pid, line] of cmdlines) {
    regex.lastIndex = 0;
    if (regex.test(line)) pids.push(pid);
  }
  pids.sort((a, b) => a - b);
  return pids.length > cap ? { pids: pids.slice(0, cap), capped: true } : { pids, capped: false };
}

export interface ProcessMatcherOptions {
  procRoot?: string;
  /** Never matched by `match` (default: this process). */
  selfPid?: number;
  maxMatches?: number;
  logger?: Logger;
}

export class ProcessMatcher {
  private readonly procRoot: string;
  private readonly selfPid: number;
  private readonly maxMatches: number;
  private readonly logger: Logger | undefined;
  private scan: { at: number; cmdlines: Map<number, string> } | undefined;
  /** Spec key → problem currently reported. */
  private readonly problems = new Map<string, string>();

  constructor(opts: ProcessMatcherOptions = {}) {
    this.procRoot = opts.procRoot ?? DEFAULT_PROC_ROOT;
    this.selfPid = opts.selfPid ?? process.pid;
    this.maxMatches = opts.maxMatches ?? DEFAULT_MAX_MATCHES;
    this.logger = opts.logger;
  }

  /** Command lines of every process, from a scan at most `maxAgeMs` old (0: scan now). */
  cmdlines(now: number, maxAgeMs: number): ReadonlyMap<number, string> {
    if (this.scan && now - this.scan.at < maxAgeMs && now >= this.scan.at) return this.scan.cmdlines;
    const cmdlines = new Map<number, string>();
    for (const pid of listPids(this.procRoot)) {
      if (pid === this.selfPid) continue;
      const line = readCmdline(this.procRoot, pid);
      // Empty for kernel threads and zombies; undefined for a process that exited during the scan.
      if (line) cmdlines.set(pid, line.length > MAX_CMDLINE_CHARS ? line.slice(0, MAX_CMDLINE_CHARS) : line);
    }
    this.scan = { at: now, cmdlines };
    return cmdlines;
  }

  /** The union of the specs' PIDs, ascending. `maxScanAgeMs` bounds the age of the scan `match` uses. */
  resolve(specs: readonly CompiledSpec[], now: number, maxScanAgeMs: number): number[] {
    const pids = new Set<number>();
    for (const spec of specs) {
      let problem: string | undefined;
      if (spec.kind === 'pid') {
        pids.add(spec.pid);
      } else if (spec.kind === 'pid_file') {
        let text: string | undefined;
        try {
          text = readFileSync(spec.path, 'utf8');
        } catch (err) {
          problem = `PID file unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
        }
        if (text !== undefined) {
          const pid = parsePidFile(text);
          if (pid === undefined) problem = 'PID file does not hold a PID';
          else pids.add(pid);
        }
      } else {
        const { pids: found, capped } = matchCmdlines(spec.regex, this.cmdlines(now, maxScanAgeMs), this.maxMatches);
        for (const p of found) pids.add(p);
        if (capped) problem = `more than ${this.maxMatches} processes match; watching the ${this.maxMatches} lowest PIDs`;
      }
      this.report(spec, problem);
    }
    return [...pids].sort((a, b) => a - b);
  }

  private report(spec: CompiledSpec, problem: string | undefined): void {
    const previous = this.problems.get(spec.key);
    if (problem === previous) return;
    if (problem === undefined) {
      this.problems.delete(spec.key);
      this.logger?.info({ spec: spec.key }, 'process spec resolves again');
    } else {
      this.problems.set(spec.key, problem);
      this.logger?.warn({ spec: spec.key, problem }, 'process spec problem');
    }
  }
}
