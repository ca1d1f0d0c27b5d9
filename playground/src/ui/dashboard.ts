/**
 * The plots of a run, fed by the worker's messages: the loss curve (every step), the
 * latest ‖∂L/∂h_t‖ curve, the gate histograms and the task's predictions. Drawing
 * happens at most once per animation frame, however fast messages arrive.
 */
import type { GateHistogram } from '../cells/probe.js';
import type { ProgressMessage, ReadyMessage } from '../protocol.js';
import type { TaskView } from '../tasks/task.js';
import { drawHistograms, drawLines, drawScatter } from './plots.js';

/** The dashboard's containers. */
export interface DashboardElements {
  readonly loss: HTMLElement;
  readonly lossNote: HTMLElement;
  readonly norms: HTMLElement;
  readonly normsNote: HTMLElement;
  readonly gates: HTMLElement;
  readonly view: HTMLElement;
  readonly viewTitle: HTMLElement;
  /** Holds all the plots; dimmed while they show a model that is no longer the current one. */
  readonly all: HTMLElement;
}

export class Dashboard {
  private steps: number[] = [];
  private losses: number[] = [];
  private baseline: ReadyMessage['baseline'] | undefined;
  private norms: number[] = [];
  private histograms: GateHistogram[] | undefined;
  private taskView: TaskView | undefined;
  private frame: number | undefined;

  constructor(private readonly el: DashboardElements) {}

  /** Dims the plots (a new model is being built, or the cell has an error) or undims them. */
  setStale(stale: boolean): void {
    this.el.all.classList.toggle('stale', stale);
  }

  /** A new run: empty curves, the initial gates and predictions. */
  reset(ready: ReadyMessage): void {
    this.setStale(false);
    this.steps = [];
    this.losses = [];
    this.norms = [];
    this.baseline = ready.baseline;
    this.histograms = ready.histograms;
    this.taskView = ready.view;
    this.schedule();
  }

  add(progress: ProgressMessage): void {
    for (const { step, loss } of progress.losses) {
      this.steps.push(step);
      this.losses.push(loss);
    }
    this.norms = progress.last.hiddenGradNorms;
    if (progress.histograms !== undefined) this.histograms = progress.histograms;
    if (progress.view !== undefined) this.taskView = progress.view;
    this.schedule();
  }

  private schedule(): void {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      this.draw();
    });
  }

  private draw(): void {
    const { el } = this;
    const reference = this.baseline === undefined ? undefined : { value: this.baseline.value, label: this.baseline.label };
    el.loss.dataset.values = JSON.stringify(this.losses); // what the plot shows, as numbers
    drawLines(el.loss, [{ values: this.losses, x: this.steps, label: 'training loss', className: 'loss' }], { logY: 'auto', xLabel: 'step', integerX: true, reference });
    const last = this.losses[this.losses.length - 1];
    el.lossNote.textContent = last === undefined ? 'Press Start or Step to train.' : `step ${this.steps[this.steps.length - 1]}: loss ${last.toPrecision(4)}`;
    const zeros = drawLines(el.norms, [{ values: this.norms, label: '‖∂L/∂h_t‖', className: 'norms' }], { logY: true, xLabel: 't (time step)', integerX: true });
    el.normsNote.textContent =
      this.norms.length === 0
        ? 'Shown from the first training step on.'
        : `‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = ${(this.norms[0] / this.norms[this.norms.length - 1]).toExponential(1)}` +
          (zeros > 0 ? ` · ${zeros} step${zeros > 1 ? 's' : ''} underflow float32 (drawn at the bottom)` : '');
    if (this.histograms !== undefined) drawHistograms(el.gates, this.histograms);
    if (this.taskView !== undefined) this.drawView(this.taskView);
  }

  private drawView(view: TaskView): void {
    this.el.viewTitle.textContent = view.title;
    switch (view.kind) {
      case 'series':
        drawLines(
          this.el.view,
          [
            { values: view.target, label: 'target', className: 'target' },
            { values: view.predicted, label: 'prediction', className: 'prediction' },
          ],
          { xLabel: 'window' },
        );
        return;
      case 'scatter':
        drawScatter(this.el.view, view.predicted, view.target);
        return;
      case 'text': {
        const pre = document.createElement('pre');
        pre.className = 'sample';
        const prompt = document.createElement('b');
        prompt.textContent = view.prompt;
        pre.append(prompt, view.sample);
        this.el.view.replaceChildren(pre);
        return;
      }
    }
  }
}
