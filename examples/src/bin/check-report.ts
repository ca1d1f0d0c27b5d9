#!/usr/bin/env node
/**
 * Opens the demo's report in headless Chromium and checks it as a reader would see it:
 * every expected chart is there as a non-empty <svg> with a caption under it, the page
 * logs no errors, and a full-page screenshot is saved next to the report. Chromium is the
 * system's (Debian's `chromium` package); nothing is downloaded.
 *
 * `pnpm --filter @tapestry/examples run check-report [-- --report report/index.html]`
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { flag, parseOrExit } from '../cli/flags.js';
import { invocationDir } from '../cli/main.js';
import { expectedCharts, sectionIds, type SectionId } from '../report/sections.js';

const f = parseOrExit('check-report', 'Checks report/index.html in headless Chromium and saves report/screenshot.png.', {
  report: flag.path('the report to check', { default: 'report/index.html' }),
  chromium: flag.path('the Chromium executable', { default: '/usr/bin/chromium' }),
  sections: flag.choices<SectionId>(sectionIds, ['sine', 'architectures', 'gradient-flow', 'charlm', 'surnames'], 'sections whose charts must be present'),
});

/** Measures every chart in the page: does it exist, and is its <svg> drawn with content? */
async function main(): Promise<number> {
  // Relative to where `pnpm --filter ... run` was started (the repository root), not examples/.
  const report = resolve(invocationDir(), f.report ?? 'report/index.html');
  const executablePath = f.chromium ?? '/usr/bin/chromium';
  for (const [what, path] of [['report', report], ['Chromium', executablePath]] as const) {
    if (!existsSync(path)) {
      process.stderr.write(`check-report: no ${what} at ${path}${what === 'report' ? ' (run `pnpm demo` first)' : ' (apt-get install chromium)'}\n`);
      return 2;
    }
  }
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console error: ${m.text()}`)));
    page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    const ids = f.sections.flatMap((s) => [...expectedCharts[s]]);
    for (const id of ids) {
      const figure = page.locator(`figure[data-chart="${id}"] svg`);
      if ((await figure.count()) !== 1) {
        problems.push(`chart ${id}: missing`);
        continue;
      }
      const box = await figure.boundingBox();
      const marks = await figure.locator('path, rect, line, text').count();
      const caption = ((await page.locator(`figure[data-chart="${id}"] figcaption`).allInnerTexts())[0] ?? '').trim();
      if (box === null || box.width < 50 || box.height < 50 || marks < 10) problems.push(`chart ${id}: empty (${box?.width ?? 0}×${box?.height ?? 0}, ${marks} marks)`);
      // A caption reads the figure: what it shows and its numbers — a sentence or two at least.
      else if (caption.length < 80 || !/\d/.test(caption)) problems.push(`chart ${id}: no caption with numbers (${JSON.stringify(caption.slice(0, 60))})`);
      else process.stdout.write(`ok  ${id}  ${Math.round(box.width)}×${Math.round(box.height)}  ${marks} marks, caption ${caption.length} chars\n`);
    }
    const uncaptioned = await page.locator('figure.chart:not(:has(figcaption))').count();
    if (uncaptioned > 0) problems.push(`${uncaptioned} chart(s) without a caption`);
    const shot = join(dirname(report), 'screenshot.png');
    await page.screenshot({ path: shot, fullPage: true });
    process.stdout.write(`screenshot: ${shot}\n`);
  } finally {
    await browser.close();
  }
  for (const p of problems) process.stderr.write(`FAIL ${p}\n`);
  process.stdout.write(problems.length === 0 ? 'report ok\n' : `${problems.length} problem(s)\n`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`check-report: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
