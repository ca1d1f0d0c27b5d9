/**
 * The training worker: owns the model, runs steps in slices of ~50 ms so that pause and
 * step messages are answered between slices, and posts progress to the page. Runs on
 * the wasm-simd backend when the engine supports it.
 */
import { setBackend, wasmBackend, wasmSimdSupported } from '@tapestry/core';
import { either as E } from 'fp-ts';
import { ActivationProbe } from './cells/probe.js';
import type { FromWorker, ProgressMessage, ToWorker } from './protocol.js';
import { openSession, type Session } from './train/session.js';
import type { StepResult } from './train/trainer.js';

const SLICE_MS = 50;
/** Histograms and predictions cost a forward pass (the LM's sample: 160 steps); not every slice. */
const VIEW_EVERY_MS = 400;

const backend = wasmSimdSupported() ? (setBackend(wasmBackend), 'wasm-simd') : 'TypeScript (no WebAssembly SIMD)';
const scope = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker): void => scope.postMessage(m);
const probe = new ActivationProbe();

let session: Session | undefined;
let running = false;
let lastView = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Runs steps for up to `budgetMs` (at least one); undefined if a step failed (the page was told). */
function runSlice(budgetMs: number): { losses: ProgressMessage['losses']; last: StepResult; msPerStep: number } | undefined {
  if (session === undefined) return undefined;
  const losses: { step: number; loss: number }[] = [];
  const start = performance.now();
  let last: StepResult | undefined;
  do {
    try {
      last = session.trainer.step();
    } catch (e) {
      fail(e);
      return undefined;
    }
    losses.push({ step: last.step, loss: last.loss });
    if (!Number.isFinite(last.loss)) {
      stop(`the loss became ${last.loss} at step ${last.step}: lower the learning rate or change the cell, then reset`);
      break;
    }
  } while (performance.now() - start < budgetMs);
  return { losses, last, msPerStep: (performance.now() - start) / losses.length };
}

/** Posts a slice's progress, with histograms and predictions when they are due. */
function report(slice: NonNullable<ReturnType<typeof runSlice>>, forceView: boolean): void {
  const due = forceView || performance.now() - lastView > VIEW_EVERY_MS;
  let extra = {};
  if (due && session !== undefined) {
    try {
      extra = { histograms: session.trainer.gates(), view: session.trainer.view() };
    } catch (e) {
      fail(e);
      return;
    }
    lastView = performance.now();
  }
  post({ type: 'progress', ...slice, running, ...extra });
}

function loop(): void {
  timer = undefined;
  if (!running) return;
  const slice = runSlice(SLICE_MS);
  if (slice !== undefined) report(slice, !running);
  if (running) timer = setTimeout(loop, 0);
}

function stop(reason: string): void {
  running = false;
  post({ type: 'stopped', reason });
}

/** An exception from training: the user's cell's error at its line, or a plain stop. */
function fail(e: unknown): void {
  running = false;
  const located = session?.explain(e, 'train');
  if (located !== undefined) post({ type: 'cell-error', error: located });
  else post({ type: 'stopped', reason: e instanceof Error ? e.message : String(e) });
}

function configure(message: Extract<ToWorker, { type: 'configure' }>): void {
  running = false;
  session = undefined;
  const opened = openSession(message.settings, probe);
  if (E.isLeft(opened)) {
    post({ type: 'cell-error', error: opened.left });
    return;
  }
  session = opened.right;
  try {
    const { trainer } = session;
    post({ type: 'ready', cellName: session.cellName, parameters: trainer.parameterCount, backend, baseline: trainer.task.baseline, histograms: trainer.gates(), view: trainer.view() });
  } catch (e) {
    fail(e);
  }
}

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'configure':
      return configure(message);
    case 'start':
      if (session === undefined || running) return;
      running = true;
      if (timer === undefined) timer = setTimeout(loop, 0);
      return;
    case 'pause':
      running = false;
      if (session !== undefined) post({ type: 'stopped', reason: 'paused' });
      return;
    case 'step': {
      if (running) return;
      const slice = runSlice(0);
      if (slice !== undefined) report(slice, true);
      return;
    }
    case 'lr':
      session?.trainer.setLearningRate(message.lr);
      return;
  }
};
