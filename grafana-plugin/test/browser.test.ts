// @vitest-environment node
/**
 * Loads the BUILT dist/module.js in headless Chromium the way Grafana does (SystemJS + AMD extra, shared
 * packages from an import map) on a Grafana 12.4 / React 18 host and a Grafana 13.2 / React 19 host, renders
 * the panel with the real @grafana/ui theme, and checks what is drawn. Saves the README screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_DIR, HOSTS, PLUGIN_DIR, hostProblem, type Host } from '../harness/hosts';
import { SCREENSHOTS } from '../harness/screenshots';
import { CHROMIUM_PATH, openHarness, type Harness } from '../harness/browser';

const CI = process.env.CI === 'true';

function problem(host: Host): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) return `Chromium not found at ${CHROMIUM_PATH}; install it with: apt-get install -y chromium`;
  return hostProblem(host);
}

for (const host of HOSTS) {
  const missing = problem(host);
  if (missing && !CI) {
    console.warn(`\n!!! SKIPPING the browser tests on ${host.id}: ${missing}\n`);
  }
  describe.skipIf(Boolean(missing) && !CI)(`built plugin in Chromium on ${host.id}`, () => {
    let s: Harness;
    const shotDir = host.id === HOSTS[0]?.id ? join(PLUGIN_DIR, 'screenshots') : join(BUILD_DIR, host.id, 'screenshots');

    beforeAll(async () => {
      // On CI a missing browser or host is an error, named with what to install.
      if (missing) throw new Error(`browser tests cannot run: ${missing}`);
      mkdirSync(shotDir, { recursive: true });
      s = await openHarness(host);
    });
    afterAll(async () => {
      await s?.close();
    });

    const render = async (id: string, mode: 'light' | 'dark') => {
      const colors = await s.page.evaluate(([c, m]) => (window as unknown as { harness: { render: (c: string, m: string) => Promise<Record<string, string>> } }).harness.render(c as string, m as string), [id, mode]);
      await s.page.locator('[data-testid="modelwatch-panel"]').waitFor();
      return colors;
    };
    const shoot = async (id: string, mode: 'light' | 'dark') => {
      if (SCREENSHOTS.some((x) => x.id === id && x.mode === mode)) {
        await s.page.mouse.move(890, 690); // no hover highlight in the picture
        await s.page.locator('#stage').screenshot({ path: join(shotDir, `${id}-${mode}.png`) });
      }
    };
    const count = (testId: string) => s.page.locator(`[data-testid="${testId}"]`).count();
    const texts = (testId: string) => s.page.locator(`[data-testid="${testId}"]`).allTextContents();
    const attrs = (selector: string, attr: string) =>
      s.page.locator(selector).evaluateAll((els, a) => els.map((e) => e.getAttribute(a as string)), attr);

    it('loads module.js through SystemJS + AMD with the host packages', async () => {
      const loaded = await s.page.evaluate(() => (window as unknown as { harness: { load: () => Promise<Record<string, unknown>> } }).harness.load());
      expect(loaded.exports).toContain('plugin');
      expect(loaded.panelType).toBe('function');
      expect(Number(String(loaded.react).split('.')[0])).toBe(host.reactMajor);
      expect((loaded.host as Record<string, string>)['@grafana/ui']).toBe(host.grafana);
      expect(s.takeErrors()).toEqual([]);
    });

    for (const mode of ['dark', 'light'] as const) {
      it(`numeric feature (${mode}): bars per bin, missing apart, scores, theme colours`, async () => {
        const colors = await render('numeric', mode);
        expect(await count('bin')).toBe(10);
        expect(await count('missing-bin')).toBe(1);
        expect(await count('bar-current')).toBe(11);
        expect(await count('bar-reference')).toBe(11);
        expect(await count('contribution-bar')).toBe(11);
        // Drawn in the host theme's colours (they differ between light and dark).
        expect(new Set(await attrs('[data-testid="bar-reference"]', 'fill'))).toEqual(new Set([colors.reference]));
        expect(new Set(await attrs('[data-testid="bar-current"]', 'fill'))).toEqual(new Set([colors.current]));
        const psi = s.page.getByTestId('score-psi');
        expect(await psi.textContent()).toMatch(/^PSI 0\.\d{3}$/);
        const psiColor = await psi.evaluate((e) => getComputedStyle(e).color);
        const red = await s.page.evaluate((c) => {
          const el = document.createElement('span');
          el.style.color = c;
          document.body.appendChild(el);
          const v = getComputedStyle(el).color;
          el.remove();
          return v;
        }, colors.red as string);
        expect(psiColor).toBe(red);
        expect(await texts('exporter-decision')).toEqual(['drifted']);
        expect(await texts('exporter-p-value')).toEqual(['p(ks) 2.4e-9']);
        expect((await texts('x-labels'))[0]).toContain('missing');
        const heights = (await attrs('[data-testid="bar-current"]', 'height')).map(Number);
        expect(heights[9]).toBeGreaterThan(heights[0] as number);
        await shoot('numeric', mode);
        expect(s.takeErrors()).toEqual([]);
      });
    }

    it('mirrored log-scale bars from a range query use the last point', async () => {
      await render('mirrored', 'dark');
      expect(await s.page.getByTestId('numeric-chart').getAttribute('data-style')).toBe('mirrored');
      expect(await count('bar-current')).toBe(11);
      const title = await s.page.locator('[data-bin="09"] title').textContent();
      expect(title).toContain('current: 15.0% (1,500 of 10,000)');
      expect(s.takeErrors()).toEqual([]);
    });

    for (const mode of ['dark', 'light'] as const) {
      it(`CDF view (${mode}) marks the largest gap`, async () => {
        await render('cdf', mode);
        expect(await count('cdf-current')).toBe(1);
        expect(await count('cdf-reference')).toBe(1);
        expect(await s.page.getByTestId('ks-gap').textContent()).toContain('KS 0.193 at ≤ 39');
        await shoot('cdf', mode);
        expect(s.takeErrors()).toEqual([]);
      });

      it(`categorical feature (${mode}): categories by contribution`, async () => {
        await render('categorical', mode);
        const bins = await attrs('[data-testid="category-row"]', 'data-bin');
        expect(bins).toHaveLength(8);
        expect(bins[0]).toBe('__unseen__');
        expect(bins).toEqual(expect.arrayContaining(['__other__', 'missing', 'US']));
        await shoot('categorical', mode);
        expect(s.takeErrors()).toEqual([]);
      });

      it(`ranked list (${mode}): sorted by drift, a click sets $feature`, async () => {
        await render('ranked', mode);
        const rows = s.page.getByTestId('ranked-row');
        expect(await rows.count()).toBe(24);
        const values = (await texts('ranked-value')).map(Number);
        expect(values.every((v, i) => i === 0 || v <= (values[i - 1] as number))).toBe(true);
        // 24 rows do not fit in 420 px: the list scrolls inside the panel.
        expect((await s.page.getByTestId('modelwatch-panel').boundingBox())?.height).toBe(420);
        const list = await s.page.locator('[data-testid="ranked-list"] ul').evaluate((e) => ({ sh: e.scrollHeight, ch: e.clientHeight }));
        expect(list.sh).toBeGreaterThan(list.ch);
        await shoot('ranked', mode);
        const third = await rows.nth(2).getAttribute('data-feature');
        await rows.nth(2).click();
        await s.page.waitForURL((u) => u.searchParams.get('var-feature') === third);
        await render('ranked', mode);
        expect(await s.page.locator('[data-testid="ranked-row"][aria-current="true"]').getAttribute('data-feature')).toBe(third);
        expect(s.takeErrors()).toEqual([]);
      });
    }

    it('hundreds of categories stay inside the panel and expand on demand', async () => {
      await render('many-categories', 'dark');
      expect(await count('category-row')).toBe(25);
      expect((await texts('more-categories'))[0]).toMatch(/^\+ 276 more categories/);
      await s.page.getByRole('button', { name: 'Show all 301' }).click();
      expect(await count('category-row')).toBe(301);
      const box = await s.page.getByTestId('modelwatch-panel').boundingBox();
      expect(box?.height).toBe(360);
      const scroll = await s.page.getByTestId('category-scroll').evaluate((e) => ({ sh: e.scrollHeight, ch: e.clientHeight }));
      expect(scroll.sh).toBeGreaterThan(scroll.ch);
      expect(s.takeErrors()).toEqual([]);
    });

    it('small multiples and the no-data state', async () => {
      await render('grid', 'dark');
      expect(await count('tile')).toBe(12);
      await render('no-data', 'dark');
      const text = await s.page.getByTestId('state-no-data').textContent();
      expect(text).toContain('modelwatch_feature_values_total');
      expect(text).toContain('modelwatch_reference_feature_bin_ratio');
      expect(s.takeErrors()).toEqual([]);
    });
  });
}
