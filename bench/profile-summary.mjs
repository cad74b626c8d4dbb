/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) as the functions with the most self time and the most total
 * (inclusive) time, so a hot path can be read without DevTools.
 *
 *   node --cpu-prof --cpu-prof-dir=prof bench/drift.mjs --worker ...
 *   node bench/profile-summary.mjs prof/CPU.*.cpuprofile [--top 25] [--filter exporter/dist]
 */
import { readFile } from 'node:fs/promises';
import { isMain, parseFlags } from './lib.mjs';

export function summariseProfile(profile, { top = 25, filter } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const key = (n) => {
    const f = n.callFrame;
    const url = f.url.replace(/^file:\/\/.*?\/(exporter|bench|node_modules)\//, '$1/');
    return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
  };
  const self = new Map();
  const total = new Map();
  let all = 0;
  for (const [id, us] of selfUs) {
    all += us;
    const n = nodes.get(id);
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    // Inclusive time: once per distinct function on the stack.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(nodes.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const pick = (m) =>
    [...m.entries()]
      .filter(([k]) => !filter || k.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ function: k, ms: Math.round(us / 100) / 10, share: Math.round((1000 * us) / all) / 10 }));
  return { totalMs: Math.round(all / 100) / 10, self: pick(self), total: pick(total) };
}

if (isMain(import.meta.url)) {
  const flags = parseFlags();
  const files = process.argv.slice(2).filter((a) => a.endsWith('.cpuprofile'));
  for (const file of files) {
    const s = summariseProfile(JSON.parse(await readFile(file, 'utf8')), { top: Number(flags.top ?? 25), filter: flags.filter });
    console.log(`${file}: ${s.totalMs} ms sampled`);
    console.log('self time:');
    for (const r of s.self) console.log(`  ${String(r.ms).padStart(9)} ms ${String(r.share).padStart(5)}%  ${r.function}`);
    console.log('total time:');
    for (const r of s.total) console.log(`  ${String(r.ms).padStart(9)} ms ${String(r.share).padStart(5)}%  ${r.function}`);
  }
}
