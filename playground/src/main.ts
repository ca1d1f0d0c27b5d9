/**
 * The page: settings from the URL, the form and the editor, and the training worker.
 * Every edit that changes the model rebuilds it in the worker; the learning rate is
 * changed in place. The page itself never trains, so it stays responsive.
 */
import './style.css';
import type { FromWorker, ToWorker } from './protocol.js';
import { settingsFromHash, settingsToHash, type Settings } from './state.js';
import { bindControls } from './ui/controls.js';
import { Dashboard } from './ui/dashboard.js';
import { CellEditor } from './ui/editor.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const { settings: initial, problems } = settingsFromHash(location.hash);
let settings = initial;
let running = false;
let ready = false;
let startClicked: number | undefined;

/**
 * A cell's code runs in the worker, so an endless loop in it stalls only the worker: if a
 * build has not answered after this long, the worker is replaced and the cell blamed.
 */
const BUILD_TIMEOUT_MS = 20_000;
let buildTimer: ReturnType<typeof setTimeout> | undefined;

const startWorker = (): Worker => {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = receive;
  w.onerror = (e) => message(`the training worker failed: ${e.message}`, true);
  return w;
};
let worker: Worker;
const send = (m: ToWorker): void => worker.postMessage(m);

const dashboard = new Dashboard({
  loss: byId('loss-plot'),
  lossNote: byId('loss-note'),
  norms: byId('norms-plot'),
  normsNote: byId('norms-note'),
  gates: byId('gates'),
  view: byId('view'),
  viewTitle: byId('view-title'),
  all: byId('plots'),
});
const editor = new CellEditor(byId('code'), byId('gutter'), byId('error-band'), byId('cell-error'), (code) => change({ code }, 'code'));
editor.code = settings.code;

function message(text: string, problem = false): void {
  const el = byId('status-message');
  el.textContent = text;
  el.classList.toggle('problem', problem);
}

function setRunning(value: boolean): void {
  running = value;
  const start = byId<HTMLButtonElement>('start');
  start.textContent = running ? 'Pause' : 'Start';
  start.disabled = !ready;
  byId<HTMLButtonElement>('step').disabled = !ready || running;
}

/** Rebuilds the model in the worker for the current settings. */
function configure(): void {
  ready = false;
  setRunning(false);
  dashboard.setStale(true);
  message('building the model…');
  send({ type: 'configure', settings });
  clearTimeout(buildTimer);
  buildTimer = setTimeout(() => {
    worker.terminate();
    worker = startWorker();
    editor.showError({ phase: 'check', message: `the cell did not finish building and its trial run within ${BUILD_TIMEOUT_MS / 1000} s (an endless loop?); the worker was restarted`, line: undefined });
    message('the worker was restarted', true);
  }, BUILD_TIMEOUT_MS);
}

/** Applies an edit of one field: to the URL, the form, and the worker. */
function change(patch: Partial<Settings>, field: keyof Settings): void {
  settings = { ...settings, ...patch };
  showSettings(settings);
  history.replaceState(null, '', settingsToHash(settings));
  if (field === 'lr') send({ type: 'lr', lr: settings.lr });
  else if (field !== 'code' || settings.cell === 'custom') configure();
}

const showSettings = bindControls(change);
showSettings(settings);

function receive({ data }: MessageEvent<FromWorker>): void {
  if (data.type === 'ready' || data.type === 'cell-error') clearTimeout(buildTimer);
  switch (data.type) {
    case 'ready':
      ready = true;
      editor.showError(undefined);
      dashboard.reset(data);
      byId('status-step').textContent = '0';
      byId('status-loss').textContent = '–';
      byId('status-params').textContent = data.parameters.toLocaleString('en');
      byId('status-backend').textContent = data.backend;
      message(`${data.cellName} ready: press Start, or Step for one step.`);
      performance.mark('playground:ready');
      setRunning(false);
      return;
    case 'progress': {
      dashboard.add(data);
      byId('status-step').textContent = String(data.last.step);
      byId('status-loss').textContent = data.last.loss.toPrecision(4);
      byId('status-speed').textContent = `${data.msPerStep.toFixed(1)} ms`;
      if (startClicked !== undefined) {
        performance.measure('playground:first-step', { start: startClicked, end: performance.now() });
        message(`first step ${(performance.now() - startClicked).toFixed(0)} ms after the click`);
        startClicked = undefined;
      }
      setRunning(data.running);
      return;
    }
    case 'cell-error':
      ready = false;
      byId('status-params').textContent = '–';
      editor.showError(data.error);
      message(`your cell has a problem (${data.error.phase === 'train' ? 'while training' : 'before training'}): see the editor`, true);
      setRunning(false);
      return;
    case 'stopped':
      if (data.reason !== 'paused') message(data.reason, true);
      setRunning(false);
      return;
  }
}
worker = startWorker();

byId('start').addEventListener('click', () => {
  if (running) {
    send({ type: 'pause' });
    return;
  }
  startClicked ??= byId('status-step').textContent === '0' ? performance.now() : undefined;
  send({ type: 'start' });
  setRunning(true);
});
byId('step').addEventListener('click', () => send({ type: 'step' }));
byId('reset').addEventListener('click', configure);
window.addEventListener('hashchange', () => {
  const read = settingsFromHash(location.hash);
  settings = read.settings;
  editor.code = settings.code;
  showSettings(settings);
  configure();
});

configure();
if (problems.length > 0) message(`ignored from the link: ${problems.map((p) => p.message).join('; ')}`, true);
