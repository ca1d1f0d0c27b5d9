/** The messages between the page and the training worker. */
import type { CellError } from './cells/errors.js';
import type { GateHistogram } from './cells/probe.js';
import type { Settings } from './state.js';
import type { TaskView } from './tasks/task.js';
import type { StepResult } from './train/trainer.js';

/** Page → worker. */
export type ToWorker =
  | { readonly type: 'configure'; readonly settings: Settings }
  | { readonly type: 'start' }
  | { readonly type: 'pause' }
  | { readonly type: 'step' }
  | { readonly type: 'lr'; readonly lr: number };

/** A model is built and ready to train. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly cellName: string;
  readonly parameters: number;
  readonly backend: string;
  readonly baseline: { readonly value: number; readonly label: string };
  readonly histograms: GateHistogram[];
  readonly view: TaskView;
}

/** Progress since the last message: the losses of every step, the latest step's details. */
export interface ProgressMessage {
  readonly type: 'progress';
  readonly losses: { readonly step: number; readonly loss: number }[];
  readonly last: StepResult;
  readonly msPerStep: number;
  readonly running: boolean;
  /** Sent every few hundred milliseconds, not with every message. */
  readonly histograms?: GateHistogram[];
  readonly view?: TaskView;
}

/** Worker → page. */
export type FromWorker =
  | ReadyMessage
  | ProgressMessage
  | { readonly type: 'cell-error'; readonly error: CellError }
  | { readonly type: 'stopped'; readonly reason: string };
