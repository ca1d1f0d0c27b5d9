import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerGatherGradient } from './gatherGradient.js';

export type TfjsBackend = 'cpu' | 'wasm';

/**
 * Selects the backend for this process. Production mode drops tfjs's debug
 * checks, as a deployment would. On wasm the gather gradient is replaced (see
 * gatherGradient.ts). Its multithreaded build is not used under Node
 * (tfjs sets WASM_HAS_MULTITHREAD_SUPPORT to false there), so it runs one thread.
 */
export async function selectBackend(name: TfjsBackend): Promise<void> {
  tf.enableProdMode();
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
  if (name === 'wasm') registerGatherGradient();
}

/** Threads the active backend computes with: the pure-JS cpu backend has one. */
export function backendThreads(): number {
  return tf.getBackend() === 'wasm' ? getThreadsCount() : 1;
}
