/**
 * The machine's FMA peak per core: bench/fma-peak/fma_peak.cpp, compiled here with g++
 * (-O3 -march=native) into a temporary folder and run once per bench. It is the ceiling
 * the W5 figures are read against (a matmul kernel at 85 % of it is excellent).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../fma-peak/fma_peak.cpp', import.meta.url));

/** GFLOP/s of one core at one vector width. */
export interface FmaWidth {
  readonly bits: number;
  readonly gflops: number;
}

export type FmaPeak = { readonly ok: true; readonly widths: readonly FmaWidth[] } | { readonly ok: false; readonly reason: string };

/** Compiles and runs the loop; a missing compiler or a failed build is a reason, never a throw. */
export function measureFmaPeak(iterations = 1_000_000): FmaPeak {
  const dir = mkdtempSync(join(tmpdir(), 'tapestry-fma-'));
  try {
    const binary = join(dir, 'fma_peak');
    execFileSync('g++', ['-O3', '-march=native', '-std=c++17', '-o', binary, SOURCE], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    const out = execFileSync(binary, [String(iterations)], { encoding: 'utf8', timeout: 60_000 });
    const { results } = JSON.parse(out) as { results: FmaWidth[] };
    if (results.length === 0) return { ok: false, reason: 'no FMA instructions for this target' };
    return { ok: true, widths: results };
  } catch (err) {
    return { ok: false, reason: `could not build or run the FMA loop with g++: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `222 GFLOP/s per core at 512-bit, 111 at 256-bit, 56 at 128-bit`. */
export function describeFmaPeak(peak: FmaPeak): string {
  if (!peak.ok) return `not measured (${peak.reason})`;
  return peak.widths.map((w, i) => `${Math.round(w.gflops)}${i === 0 ? ' GFLOP/s per core' : ''} at ${w.bits}-bit`).join(', ');
}
