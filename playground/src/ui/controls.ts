/**
 * The settings form: segmented choices for the task and the cell, sliders for the hidden
 * size, the learning rate (logarithmic) and the adding problem's length. It shows a
 * `Settings` value and reports each edit as a patch; it keeps no settings of its own, so
 * it cannot disagree with the page about any field (the code, say) it does not edit.
 */
import { ranges, type CellKind, type Settings, type TaskKind } from '../state.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const taskHints: Record<TaskKind, string> = {
  sine: 'Predict the next value of sin t at every step of windows of 10.',
  adding: 'Add the two marked numbers of a long sequence: the answer depends on steps far back.',
  charlm: 'Predict the next character of 20 kB of Shakespeare, then sample.',
};

/** Learning rate ↔ slider position 0…100 on a log scale over the allowed range. */
const lrLog = { lo: Math.log10(ranges.lr.min), hi: Math.log10(ranges.lr.max) };
const lrFromSlider = (v: number): number => Number((10 ** (lrLog.lo + (v / 100) * (lrLog.hi - lrLog.lo))).toPrecision(2));
const sliderFromLr = (lr: number): number => Math.round(((Math.log10(lr) - lrLog.lo) / (lrLog.hi - lrLog.lo)) * 100);

/** Binds the form: `onEdit` receives each edit; the returned function shows settings. */
export function bindControls(onEdit: (patch: Partial<Settings>, field: keyof Settings) => void): (s: Settings) => void {
  const update = (patch: Partial<Settings>, field: keyof Settings): void => onEdit(patch, field);
  const hidden = byId<HTMLInputElement>('hidden');
  const lr = byId<HTMLInputElement>('lr');
  const length = byId<HTMLInputElement>('length');
  Object.assign(hidden, { min: ranges.hidden.min, max: ranges.hidden.max, step: ranges.hidden.step });
  Object.assign(length, { min: ranges.length.min, max: ranges.length.max, step: ranges.length.step });

  for (const button of byId('task').querySelectorAll('button')) button.addEventListener('click', () => update({ task: button.value as TaskKind }, 'task'));
  for (const button of byId('cell').querySelectorAll('button')) button.addEventListener('click', () => update({ cell: button.value as CellKind }, 'cell'));
  // Sliders show their value while dragged and apply it when released.
  hidden.addEventListener('input', () => (byId('hidden-out').textContent = hidden.value));
  hidden.addEventListener('change', () => update({ hidden: Number(hidden.value) }, 'hidden'));
  length.addEventListener('input', () => (byId('length-out').textContent = length.value));
  length.addEventListener('change', () => update({ length: Number(length.value) }, 'length'));
  lr.addEventListener('input', () => (byId('lr-out').textContent = String(lrFromSlider(Number(lr.value)))));
  lr.addEventListener('change', () => update({ lr: lrFromSlider(Number(lr.value)) }, 'lr'));

  function show(s: Settings): void {
    for (const [group, value] of [['task', s.task], ['cell', s.cell]] as const) {
      for (const b of byId(group).querySelectorAll('button')) b.setAttribute('aria-checked', String(b.value === value));
    }
    byId('task-hint').textContent = taskHints[s.task];
    byId('length-row').hidden = s.task !== 'adding';
    hidden.value = String(s.hidden);
    byId('hidden-out').textContent = String(s.hidden);
    length.value = String(s.length);
    byId('length-out').textContent = String(s.length);
    lr.value = String(sliderFromLr(s.lr));
    byId('lr-out').textContent = String(s.lr);
    byId('editor-panel').hidden = s.cell !== 'custom';
  }
  return show;
}
