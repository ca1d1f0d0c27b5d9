/**
 * Child-process entry: runs one job and sends a ChildReport to the parent over
 * the IPC channel (stdout stays free for whatever libraries print).
 */
import { loadImplementation } from './implementations.js';
import type { ChildReport, Job, Outcome } from './protocol.js';
import { BudgetExceeded } from './timing.js';

function failure(err: unknown): Outcome {
  const reason = err instanceof Error ? err.message : String(err);
  return { status: err instanceof BudgetExceeded ? 'skipped' : 'failed', reason };
}

/** Runs the job; wall and CPU time are taken around `run` alone, after set-up. */
async function runJob(job: Job): Promise<ChildReport> {
  let wall = performance.now();
  let cpu = process.cpuUsage();
  try {
    const impl = await loadImplementation(job.impl);
    await impl.setup();
    const run = await impl.load(job.workload);
    [wall, cpu] = [performance.now(), process.cpuUsage()];
    const result = await run(job.variant, job.opts);
    return { outcome: { status: 'ok', result }, ...usageSince(wall, cpu) };
  } catch (err) {
    return { outcome: failure(err), ...usageSince(wall, cpu) };
  }
}

function usageSince(wall: number, cpu: NodeJS.CpuUsage): { runSeconds: number; cpuSeconds: number } {
  const { user, system } = process.cpuUsage(cpu);
  return { runSeconds: (performance.now() - wall) / 1000, cpuSeconds: (user + system) / 1e6 };
}

const send = process.send?.bind(process);
if (send === undefined) throw new Error('child.ts must be started by the runner (needs an IPC channel)');
const job = JSON.parse(process.argv[2] ?? '') as Job;
const report = await runJob(job);
// Exit explicitly: a backend may keep handles open after the run.
send(report, () => process.exit(0));
