/**
 * What a task gives the trainer: initial parameters (the cell's and the task's own
 * layers), a loss over the next training batch that also returns every step's hidden
 * state (for ‖∂L/∂h_t‖), a forward pass for the gate probe, and a view of the model's
 * predictions for the page.
 */
import type { Rng, Tensor } from '@tapestry/core';
import type { Cell } from '@tapestry/layers';

/** The model's predictions, as the page draws them. */
export type TaskView =
  | { readonly kind: 'series'; readonly title: string; readonly predicted: number[]; readonly target: number[] }
  | { readonly kind: 'scatter'; readonly title: string; readonly predicted: number[]; readonly target: number[] }
  | { readonly kind: 'text'; readonly title: string; readonly prompt: string; readonly sample: string };

/** The loss of one batch and the hidden state of every step that produced it. */
export interface BatchLoss {
  readonly loss: Tensor;
  readonly hidden: Tensor[];
  /** The final carry, for tasks that carry state from batch to batch. */
  readonly carry: unknown;
}

/** A task bound to a cell. `P` is its whole parameter tree. */
export interface Task<P> {
  /** Features per step the cell receives. */
  readonly inputSize: number;
  /** The loss of a trivial predictor (the mean, or uniform over characters), for reference. */
  readonly baseline: { readonly value: number; readonly label: string };
  init(rng: Rng): P;
  /** The next training batch's loss; call inside `record` so the hidden states are on the tape. */
  loss(params: P): BatchLoss;
  /** Called after the optimizer step with the batch's final carry. */
  advance(carry: unknown): void;
  /** A forward pass on a fixed batch (no gradient), while the gate probe records. */
  probe(params: P): void;
  view(params: P, rng: Rng): TaskView;
}

/** Builds a task for a cell. */
export type TaskFactory = (cell: Cell<unknown, unknown>, settings: { readonly hidden: number; readonly length: number }) => Task<unknown>;
