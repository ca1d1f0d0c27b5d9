/**
 * A worker thread of `pnpm demo`: runs the tasks the main thread sends, one at a time,
 * and posts each outcome back (report sections and summary rows are plain data). A
 * 'stop' message is Ctrl-C: the running task finishes its current step and returns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installBackend, type BackendChoice } from './cli/backend.js';
import { consoleProgress } from './cli/progress.js';
import { full, quick, runTask, type DemoTask } from './demo-tasks.js';

/** What the main thread sends. */
export type ToWorker = { readonly kind: 'run'; readonly task: DemoTask } | { readonly kind: 'stop' };

const { backend, mode } = workerData as { backend: BackendChoice; mode: 'quick' | 'full' };
const port = parentPort;
if (port === null) throw new Error('demo-worker: must run as a worker thread');
installBackend(backend);
let stop = false;
const progress = consoleProgress({ stopRequested: () => stop });
port.on('message', (m: ToWorker) => {
  if (m.kind === 'stop') stop = true;
  else {
    const t0 = performance.now();
    runTask(m.task, mode === 'full' ? full : quick, progress).then(
      (outcome) => port.postMessage({ task: m.task, outcome, seconds: (performance.now() - t0) / 1000 }),
      (e: unknown) => port.postMessage({ task: m.task, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  }
});
