// Builds the plugin before the plugin tests run, so dist/ always matches the sources under test.
export default async function setup(): Promise<void> {
  const { build } = await import('../build.mjs');
  await build({ quiet: true });
}
