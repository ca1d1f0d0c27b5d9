// A page whose Content-Security-Policy forbids code generation from strings (no
// 'unsafe-eval'): core's element-wise kernels fall back to closures, and a small training
// step gives the same losses as in Node, where the kernels are generated. Chromium must be
// installed at /usr/bin/chromium (as for check-report); the build (`tsc -b`) must exist.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromiumPath = '/usr/bin/chromium';

// A two-layer tanh network fitted by gradient descent for 20 steps (unary, binary with
// broadcasting, matmul, reductions and the tape).
const training = `
import { Rng, add, matmul, mean, mul, relu, sigmoid, square, sub, tanh, valueAndGrad } from '@tapestry/core';
export function train() {
  const rng = new Rng(7);
  let p = { w1: rng.normal([3, 8]), b1: rng.normal([8]), w2: rng.normal([8, 1]) };
  const x = rng.normal([16, 3]);
  const y = sigmoid(rng.normal([16, 1]));
  const loss = (q) => mean(square(sub(matmul(relu(tanh(add(matmul(x, q.w1), q.b1))), q.w2), y)));
  const losses = [];
  for (let step = 0; step < 20; step++) {
    const [value, g] = valueAndGrad(loss)(p);
    losses.push(value.item());
    p = { w1: sub(p.w1, mul(g.w1, 0.1)), b1: sub(p.b1, mul(g.b1, 0.1)), w2: sub(p.w2, mul(g.w2, 0.1)) };
  }
  return losses;
}`;

describe('a strict Content-Security-Policy page', () => {
  it('trains without code generation and matches the losses computed in Node', async () => {
    expect(existsSync(chromiumPath), `Chromium at ${chromiumPath} (apt-get install chromium)`).toBe(true);
    const bundle = await build({ stdin: { contents: training, resolveDir: examplesDir, loader: 'js' }, bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    const code = bundle.outputFiles[0].text;
    const html = `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'">
</head><body><script type="module">${code.replace(/export\s*\{[^}]*\};?\s*$/u, '')}
let codegen = true;
try { new Function('return 1'); } catch { codegen = false; }
try { window.result = { codegen, losses: train() }; } catch (e) { window.result = { error: String(e) }; }
</script></body></html>`;
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      await page.waitForFunction(() => (globalThis as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (globalThis as unknown as { result: { codegen?: boolean; losses?: number[]; error?: string } }).result);
      expect(result.error).toBeUndefined();
      expect(result.codegen).toBe(false);
      const { train } = (await import(`data:text/javascript,${encodeURIComponent((await build({ stdin: { contents: training, resolveDir: examplesDir, loader: 'js' }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent' })).outputFiles[0].text)}`)) as { train: () => number[] };
      const inNode = train();
      const losses = result.losses ?? [];
      expect(losses).toHaveLength(20);
      expect(losses[19]).toBeLessThan(losses[0]);
      // Same float64 arithmetic in the same order; V8's Math functions are the same fdlibm
      // ports in Node and Chromium, so the losses agree to the last bit.
      expect(losses).toEqual(inNode);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
