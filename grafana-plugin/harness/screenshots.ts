/** Screenshots kept for the README and plugin.json (from the first host): case × theme, saved as <case>-<theme>.png. */
export const SCREENSHOTS: Array<{ id: string; mode: 'light' | 'dark' }> = [
  { id: 'numeric', mode: 'dark' },
  { id: 'numeric', mode: 'light' },
  { id: 'categorical', mode: 'dark' },
  { id: 'categorical', mode: 'light' },
  { id: 'ranked', mode: 'dark' },
  { id: 'ranked', mode: 'light' },
  { id: 'cdf', mode: 'dark' },
  { id: 'cdf', mode: 'light' },
];
