/**
 * A worker thread of `pnpm demo`: runs the tasks the main thread sends, one at a time,
 * and posts each outcome back (report sections and summary rows are plain data), saving
 * and resuming its training runs as `--save`/`--resume` say. A
 * 'stop' message is Ctrl-C: the running task finishes its current step and returns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installBackend, type BackendChoice } from './cli/backend.js';
import type { CheckpointFlags } from './cli/checkpoint-flags.js';
import { consoleProgress } from './cli/progress.js';
import { full, quick, runTask, taskPlan, type DemoTask } from './demo-tasks.js';

/** What the main thread sends. */
export type ToWorker = { readonly kind: 'run'; readonly task: DemoTask; readonly checkpoints: CheckpointFlags } | { readonly kind: 'stop' };

const { backend, mode } = workerData as { backend: BackendChoice; mode: 'quick' | 'full' };
const port = parentPort;
if (port === null) throw new Error('demo-worker: must run as a worker thread');
installBackend(backend);
let stop = false;
port.on('message', (m: ToWorker) => {
  if (m.kind === 'stop') stop = true;
  else {
    const t0 = performance.now();
    const configs = mode === 'full' ? full : quick;
    // Each task its own plan: its own sub-folder and config, and its section names its checkpoints.
    const progress = consoleProgress({ stopRequested: () => stop, checkpoints: taskPlan(m.task, m.checkpoints, configs) });
    runTask(m.task, configs, progress).then(
      (outcome) => port.postMessage({ task: m.task, outcome, seconds: (performance.now() - t0) / 1000 }),
      (e: unknown) => port.postMessage({ task: m.task, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  }
});
