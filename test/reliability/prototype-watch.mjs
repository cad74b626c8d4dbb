// Loaded into the exporter process under test (node --import): on SIGUSR2 it reports on stderr whether the
// built-in prototypes gained or lost own properties since the first SIGUSR2, and what `({}).polluted` reads.
// Passive: it changes nothing in the process it watches.
const prototypes = {
  'Object.prototype': Object.prototype,
  'Array.prototype': Array.prototype,
  'Function.prototype': Function.prototype,
  'String.prototype': String.prototype,
  'Number.prototype': Number.prototype,
};
const ownKeys = (p) => Reflect.ownKeys(p).map(String).sort();
let baseline;

process.on('SIGUSR2', () => {
  const now = Object.fromEntries(Object.entries(prototypes).map(([name, p]) => [name, ownKeys(p)]));
  if (!baseline) baseline = now;
  const changed = {};
  for (const [name, keys] of Object.entries(now)) {
    const before = new Set(baseline[name]);
    const after = new Set(keys);
    const added = keys.filter((k) => !before.has(k));
    const removed = baseline[name].filter((k) => !after.has(k));
    if (added.length > 0 || removed.length > 0) changed[name] = { added, removed };
  }
  const probe = {};
  process.stderr.write(`prototype-watch ${JSON.stringify({ changed, polluted: probe.polluted ?? null })}\n`);
});
