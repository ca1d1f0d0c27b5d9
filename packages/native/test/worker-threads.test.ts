// worker_threads share the addon's state (program table, thread pool): two Workers and the
// main thread compiling, running and releasing programs and multiplying at once must
// neither crash the process nor change a result (the demo runs its tasks this way).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';

const distEntry = new URL('../dist/index.js', import.meta.url).href;
const coreEntry = import.meta.resolve('@tapestry/core');

// Each thread repeats the same seeded products — large enough to use the thread pool —
// and a fresh program per round (so programs
// are compiled and released concurrently) and reports a checksum of its last round.
const script = `import { parentPort } from 'node:worker_threads';
const { nativeBackend, setNativeThreads } = await import(${JSON.stringify(distEntry)});
const { Rng, zeros } = await import(${JSON.stringify(coreEntry)});
setNativeThreads(2);
const rng = new Rng(7);
const a = rng.normal([256, 256]), b = rng.normal([256, 256]);
let sum = 0;
for (let round = 0; round < 200; round++) {
  const out = zeros([256, 256]);
  nativeBackend.matmulInto(a, b, false, true, out, false);
  const program = { inputs: 1, instructions: [{ op: 'unary', kind: 'tanh', x: 0 }, { op: 'binary', kind: 'mul', a: 1, b: 0 }], outputs: [2] };
  const y = zeros([256, 256]);
  nativeBackend.elementwise(program, [out], [y]);
  sum = y.data.reduce((s, v) => s + v, 0);
}
parentPort.postMessage(sum);
`;
const folder = mkdtempSync(join(tmpdir(), 'tapestry-native-workers-'));
const file = join(folder, 'worker.mjs');
writeFileSync(file, script);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function runWorker(): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(file);
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('the native backend under worker_threads', () => {
  it('gives every thread the same results, concurrently', async () => {
    const sums = await Promise.all([runWorker(), runWorker(), runWorker()]);
    expect(Number.isFinite(sums[0])).toBe(true);
    expect(sums[1]).toBe(sums[0]);
    expect(sums[2]).toBe(sums[0]);
  });
});
