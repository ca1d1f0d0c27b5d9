/**
 * One training run: a task bound to a cell, its parameters and optimizer state. A step
 * records the forward pass and the loss once and sweeps back once for both the
 * parameters' gradients and ∂L/∂h_t of every step's hidden state.
 */
import { Rng, record, type Tensor } from '@tapestry/core';
import type { Cell } from '@tapestry/layers';
import { adam, chain, clipByGlobalNorm, injectHyperparams, lastGradNorm, setHyperparams } from '@tapestry/optim';
import type { ActivationProbe, GateHistogram } from '../cells/probe.js';
import type { Settings } from '../state.js';
import { addingTask } from '../tasks/adding.js';
import { charLmTask } from '../tasks/charlm.js';
import { sineTask } from '../tasks/sine.js';
import type { Task, TaskFactory, TaskView } from '../tasks/task.js';

const tasks: Record<Settings['task'], TaskFactory> = { sine: sineTask, adding: addingTask, charlm: charLmTask };

/** What one step measured. */
export interface StepResult {
  readonly step: number;
  readonly loss: number;
  /** ‖∂L/∂h_t‖ for t = 1..T (0 where float32 underflows). */
  readonly hiddenGradNorms: number[];
  /** The global norm of the parameters' gradient, before clipping. */
  readonly gradNorm: number;
}

/** Euclidean norm of a tensor's elements. */
function l2(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.size; i++) s += t.data[i] * t.data[i];
  return Math.sqrt(s);
}

/** Gradient clipping at 1, then Adam whose learning rate can change between steps. */
function makeOptimizer(lr: number) {
  return chain(clipByGlobalNorm(1), injectHyperparams(adam)({ lr }));
}

/** A training run of `settings.task` with `cell`. */
export class Trainer {
  readonly task: Task<unknown>;
  private params: unknown;
  private readonly optimizer: ReturnType<typeof makeOptimizer>;
  private state: ReturnType<ReturnType<typeof makeOptimizer>['init']>;
  private readonly viewRng = new Rng(7);
  private steps = 0;

  constructor(
    settings: Settings,
    cell: Cell<unknown, unknown>,
    private readonly probe: ActivationProbe,
  ) {
    this.task = tasks[settings.task](cell, settings);
    this.params = this.task.init(new Rng(0));
    this.optimizer = makeOptimizer(settings.lr);
    this.state = this.optimizer.init(this.params);
  }

  /** The number of scalar parameters. */
  get parameterCount(): number {
    let n = 0;
    const visit = (v: unknown): void => {
      if (v !== null && typeof v === 'object' && 'size' in v && 'shape' in v) n += (v as Tensor).size;
      else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
    };
    visit(this.params);
    return n;
  }

  /** Changes the learning rate from the next step on; the moments are kept. */
  setLearningRate(lr: number): void {
    this.state = setHyperparams(this.state, { lr });
  }

  /** One optimizer step on the task's next batch. */
  step(): StepResult {
    const rec = record(() => this.task.loss(this.params));
    const { loss, hidden, carry } = rec.value;
    const grads = rec.gradient(loss, { params: this.params, hidden });
    [this.params, this.state] = this.optimizer.step(grads.params, this.state, this.params);
    this.task.advance(carry);
    this.steps++;
    return { step: this.steps, loss: loss.item(), hiddenGradNorms: (grads.hidden as Tensor[]).map(l2), gradNorm: lastGradNorm(this.state) ?? NaN };
  }

  /** The gate histograms on the task's fixed batch. */
  gates(): GateHistogram[] {
    return this.probe.run(() => this.task.probe(this.params));
  }

  /** The model's predictions, as the task shows them. */
  view(): TaskView {
    return this.task.view(this.params, this.viewRng);
  }
}
