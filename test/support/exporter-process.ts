/**
 * Runs the real `modelwatch` command as a child process (the built exporter, as a user runs it), reads
 * its JSON logs, and stops it with a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../exporter/bin/modelwatch.js', import.meta.url));

export interface ExporterProcess {
  child: ChildProcess;
  url: string;
  logs: Record<string, unknown>[];
  stderr: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startExporterProcess(args: string[], opts: { readyTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExporterProcess> {
  const child = spawn(process.execPath, [BIN, '--web.listen-address=127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let rest = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exporter did not start listening in time; stderr: ${stderr}`)), opts.readyTimeoutMs ?? 20_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf('\n')) !== -1) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') {
            clearTimeout(timer);
            resolve(`http://${String(entry.address)}`);
          }
        } catch {
          logs.push({ unparsed: line });
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => {
      stderr += c;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exporter exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return {
    child,
    url,
    logs,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls until `check` returns a value other than undefined. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
