/**
 * Progress bars on stderr (so stdout stays clean for tables and results), and the
 * "please stop" flag that Ctrl-C sets. Training loops call `bar.tick()` after every
 * step and check `progress.shouldStop()` before the next one.
 */
import type { CheckpointPlan } from '../train/checkpoint.js';

/** Live numbers shown next to a bar. */
export interface TickInfo {
  /** The latest training loss. */
  readonly loss?: number;
  /** Items processed by this tick (tokens, sequences); drives the speed readout. Default 1. */
  readonly items?: number;
}

/** One training run's bar. */
export interface Bar {
  /** Advances by one step. */
  tick(info?: TickInfo): void;
  /** Finishes the bar (prints the final line). */
  done(note?: string): void;
}

/** What every task's `run` receives: bars for its training runs, the stop flag, and where to save and resume. */
export interface Progress {
  /** `--save`/`--resume` settings for every training run (absent: neither). */
  readonly checkpoints?: CheckpointPlan;
  /** A bar for `total` steps; `unit` names what `items` counts (e.g. 'tok'); default steps. */
  bar(label: string, total: number, unit?: string): Bar;
  /** A line of commentary (stderr). */
  log(message: string): void;
  /** True once the user asked to stop (Ctrl-C): finish the current step and return. */
  shouldStop(): boolean;
}

/** Options of {@link consoleProgress}. */
export interface ConsoleProgressOptions {
  /** Where to draw; default `process.stderr`. */
  readonly stream?: NodeJS.WriteStream;
  /** Returns true once a stop was requested; default never. */
  readonly stopRequested?: () => boolean;
  /** `--save`/`--resume` settings. */
  readonly checkpoints?: CheckpointPlan;
}

/**
 * Bars drawn in place on a terminal; when stderr is not a TTY (CI, a pipe), one plain
 * line per ~10% of the run instead, so logs stay readable.
 */
export function consoleProgress(options: ConsoleProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  return {
    checkpoints: options.checkpoints,
    bar: (label, total, unit) => (tty ? ttyBar(stream, label, total, unit) : lineBar(stream, label, total, unit)),
    log: (message) => void stream.write(`${message}\n`),
    shouldStop: options.stopRequested ?? (() => false),
  };
}

/** A progress that draws nothing: for tests and nested runs. */
export function silentProgress(stopAfterSteps = Infinity, checkpoints?: CheckpointPlan): Progress {
  let steps = 0;
  return {
    checkpoints,
    bar: () => ({ tick: () => void steps++, done: () => undefined }),
    log: () => undefined,
    shouldStop: () => steps >= stopAfterSteps,
  };
}

interface Meter {
  step: number;
  items: number;
  loss: number | undefined;
  readonly start: number;
}

function status(m: Meter, total: number, unit: string | undefined): string {
  const seconds = Math.max((performance.now() - m.start) / 1000, 1e-9);
  const speed = unit === undefined ? `${(m.step / seconds).toFixed(1)} steps/s` : `${formatCount(m.items / seconds)} ${unit}/s`;
  const loss = m.loss === undefined ? '' : `  loss ${formatLoss(m.loss)}`;
  return `${m.step}/${total}${loss}  ${speed}  ${seconds.toFixed(1)}s`;
}

function ttyBar(stream: NodeJS.WriteStream, label: string, total: number, unit: string | undefined): Bar {
  const m: Meter = { step: 0, items: 0, loss: undefined, start: performance.now() };
  let lastDraw = 0;
  const draw = (): void => {
    const width = 16;
    const filled = Math.round((width * m.step) / Math.max(total, 1));
    const line = `${label.padEnd(20)} [${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${status(m, total, unit)}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
  };
  return {
    tick: (info = {}) => {
      m.step++;
      m.items += info.items ?? 1;
      if (info.loss !== undefined) m.loss = info.loss;
      // Redraw at most ~20 times a second: drawing is slower than a small training step.
      const now = performance.now();
      if (now - lastDraw > 50 || m.step === total) {
        lastDraw = now;
        draw();
      }
    },
    done: (note) => {
      draw();
      stream.write(note === undefined ? '\n' : `  ${note}\n`);
    },
  };
}

function lineBar(stream: NodeJS.WriteStream, label: string, total: number, unit: string | undefined): Bar {
  const m: Meter = { step: 0, items: 0, loss: undefined, start: performance.now() };
  const every = Math.max(1, Math.ceil(total / 10));
  return {
    tick: (info = {}) => {
      m.step++;
      m.items += info.items ?? 1;
      if (info.loss !== undefined) m.loss = info.loss;
      if (m.step % every === 0 && m.step !== total) stream.write(`${label}: ${status(m, total, unit)}\n`);
    },
    done: (note) => void stream.write(`${label}: ${status(m, total, unit)}${note === undefined ? '' : `  ${note}`}\n`),
  };
}

function formatLoss(x: number): string {
  return Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(4) : x.toExponential(2);
}

function formatCount(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0);
}

/**
 * Installs the Ctrl-C handler: the first SIGINT asks the running task to stop after its
 * current step (the caller then writes what completed and exits 130); a second one
 * exits at once with 130. Returns the flag to pass as `stopRequested`.
 */
export function installInterruptHandler(stream: NodeJS.WriteStream = process.stderr): () => boolean {
  let requested = false;
  process.on('SIGINT', () => {
    if (requested) process.exit(130);
    requested = true;
    stream.write('\nInterrupted: finishing the current step, then writing what has completed (Ctrl-C again to quit now).\n');
  });
  return () => requested;
}
