/**
 * End to end: the production build, served on 127.0.0.1, driven in the system's
 * headless Chromium. Each state is screenshotted into `test-results/` (not committed).
 * Without Chromium these tests fail with a message saying how to install it — they never
 * skip, because CI installs it.
 */
import { writeFileAtomic } from '@tapestry/core/node';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janetCellSource } from './janet-cell.js';
import { buildPlayground, playgroundRoot, serve } from './serve.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = join(playgroundRoot, 'test-results');

let browser: Browser | undefined;
let server: Server | undefined;
let base: string;
const foreignRequests: string[] = [];
const consoleErrors: string[] = [];
const timings: Record<string, number> = {};

/** Every test fails, none skips, when the browser is missing: CI is expected to install it. */
const missingChromium = `Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`;
function requireBrowser(): Browser {
  if (browser === undefined) throw new Error(existsSync(CHROMIUM) ? 'the browser did not start (see beforeAll)' : missingChromium);
  return browser;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return; // each test then fails with `missingChromium`
  rmSync(artifacts, { recursive: true, force: true }); // so the folder holds this run's screenshots only
  mkdirSync(artifacts, { recursive: true });
  const started = performance.now();
  const served = await serve(await buildPlayground());
  timings.buildAndServeMs = performance.now() - started;
  [server, base] = [served.server, served.url];
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (browser !== undefined) writeFileAtomic(join(artifacts, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
});

/** A fresh page at `hash`, recording console errors and any request that leaves the page's origin. */
async function open(hash: string): Promise<Page> {
  const page = await requireBrowser().newPage({ viewport: { width: 1360, height: 980 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && consoleErrors.push(`worker: ${m.text()}`)));
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreignRequests.push(r.url());
  });
  const started = Date.now();
  await page.goto(base + hash);
  await ready(page);
  timings[`ready ${hash}`] = Date.now() - started;
  return page;
}

/** Waits until the worker has built the model (Start is enabled). */
const ready = (page: Page) => page.waitForSelector('#start:not([disabled])', { timeout: 30_000 });

const stepCount = async (page: Page): Promise<number> => Number(await page.textContent('#status-step'));
const loss = async (page: Page): Promise<number> => Number(await page.textContent('#status-loss'));

/** Clicks Step `n` times, each time waiting for the step counter to move. */
async function steps(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = await stepCount(page);
    await page.click('#step');
    await page.waitForFunction((b) => Number(document.getElementById('status-step')?.textContent) > b, before);
  }
}

/** The loss of every step so far, as the page keeps it (exposed for tests on the loss plot). */
const lossCurve = (page: Page): Promise<number[]> =>
  page.$eval('#loss-plot', (el) => JSON.parse((el as HTMLElement).dataset.values ?? '[]') as number[]);

const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

/** Runs `body`; if it fails, saves a screenshot and adds the page's status lines to the error. */
async function diagnosed(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await shot(page, `failed-${name}`).catch(() => {});
    const state = await page
      .evaluate(() => ['status-message', 'cell-error', 'status-step', 'status-params'].map((id) => `${id}: ${document.getElementById(id)?.textContent}`))
      .catch((f: Error) => [`(page not readable: ${f.message})`]);
    (e as Error).message += `\npage: ${state.join(' | ')}\nconsole errors: ${consoleErrors.join(' | ')}`;
    throw e;
  }
}

describe('playground in Chromium', () => {
  it('loads without console errors and trains a sine LSTM for 50 steps, lowering the loss', async () => {
    const page = await open('#task=sine&cell=lstm&hidden=16&lr=0.01');
    expect(await page.textContent('#status-backend')).toBe('wasm-simd');
    await page.click('#start'); // time to first step: measured in the page from the click
    await page.waitForFunction(() => performance.getEntriesByName('playground:first-step').length > 0);
    timings.firstStepAfterClickMs = await page.evaluate(() => performance.getEntriesByName('playground:first-step')[0].duration);
    // Training runs in the worker: the page keeps drawing frames. Over a second of training
    // no frame waits a whole second (training on the page's thread would block it for every
    // step taken meanwhile); the bound leaves room for a busy 2-core machine, where gaps of
    // up to ~520 ms were seen.
    const longestFrameGap = await page.evaluate(
      () =>
        new Promise<number>((done) => {
          let [last, worst] = [performance.now(), 0];
          const end = last + 1000;
          const frame = (now: number): void => {
            worst = Math.max(worst, now - last);
            last = now;
            if (now < end) requestAnimationFrame(frame);
            else done(worst);
          };
          requestAnimationFrame(frame);
        }),
    );
    timings.longestFrameGapWhileTrainingMs = longestFrameGap;
    expect(longestFrameGap).toBeLessThan(1000);
    await page.waitForFunction(() => Number(document.getElementById('status-step')?.textContent) >= 50);
    await page.click('#start'); // pause
    await page.waitForSelector('#step:not([disabled])');
    const losses = await lossCurve(page);
    expect(losses.length).toBeGreaterThanOrEqual(50);
    // Adam at lr 0.01 on the 90 sine windows: the loss falls several-fold within 50 steps
    // from a first-step loss near the targets' variance (≈ 0.5); halving it is a safe bar.
    expect(losses[49]).toBeLessThan(losses[0] / 2);
    await shot(page, 'sine-lstm-50-steps');
    await page.close();
  });

  it('shows the gradient-norm curve of the adding problem, one point per time step', async () => {
    const page = await open('#task=adding&cell=rnn&hidden=16&length=60');
    await steps(page, 3);
    const points = await page.$$eval('#norms-plot polyline', (ls) => ls[0].getAttribute('points')?.split(' ') ?? []);
    expect(points).toHaveLength(60);
    // A loss read at the last step: the signal reaching h_1 is far weaker than at h_T.
    const ys = points.map((p) => Number(p.split(',')[1]));
    expect(ys[0]).toBeGreaterThan(ys[ys.length - 1]); // lower on screen = smaller norm
    expect(await page.textContent('#norms-note')).toMatch(/‖∂L\/∂h_1‖ \/ ‖∂L\/∂h_T‖ = \d\.\de-\d+/);
    await shot(page, 'adding-rnn-gradient-norms');
    await page.close();
  });

  it('names the problem in a broken custom cell at its line, and the page stays usable', async () => {
    const page = await open('#task=sine&cell=custom');
    await diagnosed(page, 'broken-cell', async () => {
      const code = await page.inputValue('#code');
      // A recurrent product with the input weights: [B, H] · [F, 2H]ᵀ has mismatched inner sizes.
      const broken = code.replace('matmul(h, p.weight_fh,', 'matmul(h, p.weight_ih,');
      expect(broken).not.toBe(code);
      const line = broken.split('\n').findIndex((l) => l.includes('p.weight_ih, { transB: true })))')) + 1;
      await page.fill('#code', broken);
      await page.waitForSelector('#cell-error:not([hidden])');
      const shape = await page.textContent('#cell-error');
      expect(shape).toContain(`line ${line}:`);
      expect(shape).toMatch(/ShapeError: scan\(mgu\): matmul: .*\[2,16\]/);
      expect(await page.isDisabled('#start')).toBe(true);
      await shot(page, 'custom-cell-shape-error');

      await page.fill('#code', code.replace('const next =', 'const next = ;'));
      await page.waitForFunction(() => document.getElementById('cell-error')?.textContent?.includes('syntax error'));
      expect(await page.textContent('#cell-error')).toMatch(new RegExp(`^line ${code.split('\n').findIndex((l) => l.includes('const next =')) + 1}:\\d+ — syntax error`));
      await shot(page, 'custom-cell-syntax-error');

      // Exceptions and missing members are located the same way; test/cells.test.ts covers them.

      // The page still works: a built-in cell trains, and the original code trains again.
      await page.click('#cell button[value=gru]');
      await ready(page);
      await steps(page, 2);
      await page.click('#cell button[value=custom]');
      await page.waitForSelector('#cell-error:not([hidden])'); // the syntax error is still in the editor
      await page.fill('#code', code);
      await page.waitForFunction(() => document.getElementById('status-message')?.textContent?.startsWith('mgu ready'));
      expect(await page.isHidden('#cell-error')).toBe(true);
      await steps(page, 2);
      expect(Number.isFinite(await loss(page))).toBe(true);
    });
    await page.close();
  });

  it('trains a pasted JANET cell and shows its gates', async () => {
    const page = await open('#task=sine&cell=custom&hidden=16&lr=0.01');
    await page.fill('#code', janetCellSource);
    await page.waitForFunction(() => document.getElementById('status-message')?.textContent?.startsWith('janet ready'));
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('status-step')?.textContent) >= 40);
    await page.click('#start');
    const losses = await lossCurve(page);
    expect(losses[39]).toBeLessThan(losses[0] / 2); // as for the LSTM: a conservative bar
    const gates = await page.$$eval('#gates figcaption b', (bs) => bs.map((b) => b.textContent));
    expect(gates).toEqual(['sigmoid 1', 'tanh 1', 'sigmoid 2']); // forget, candidate, shifted input gate
    expect(await page.evaluate(() => location.hash)).toContain('code=');
    await shot(page, 'janet-trained');
    await page.close();
  });

  it('samples text from the character LM', async () => {
    const page = await open('#task=charlm&cell=gru&hidden=32&lr=0.01');
    await steps(page, 3);
    const sample = await page.textContent('#view pre.sample');
    expect(sample).toMatch(/^First Citizen:\n[\s\S]{160}$/);
    await shot(page, 'charlm-gru-sample');
    await page.close();
  });

  it('made no request beyond its own files and logged no console errors', () => {
    requireBrowser(); // the lists below are only meaningful if the other tests ran
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
