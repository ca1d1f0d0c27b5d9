/**
 * The cell editor: a plain textarea with line numbers, Tab that indents, a marked line
 * and a message for errors. Changes are reported after a pause in typing (or at once
 * on Ctrl/⌘+Enter), so the worker recompiles a finished edit, not every keystroke.
 */
import type { CellError } from '../cells/errors.js';

const DEBOUNCE_MS = 600;

/** The editor's elements and behaviour. */
export class CellEditor {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private errorLine: number | undefined;

  constructor(
    private readonly textarea: HTMLTextAreaElement,
    private readonly gutter: HTMLElement,
    private readonly band: HTMLElement,
    private readonly message: HTMLElement,
    onChange: (code: string) => void,
  ) {
    const changed = (): void => {
      clearTimeout(this.timer);
      this.timer = undefined;
      onChange(textarea.value);
    };
    textarea.addEventListener('input', () => {
      this.renderGutter();
      clearTimeout(this.timer);
      this.timer = setTimeout(changed, DEBOUNCE_MS);
    });
    textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        changed();
      } else if (e.key === 'Tab' && !e.shiftKey) {
        e.preventDefault();
        textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
        textarea.dispatchEvent(new Event('input'));
      }
    });
    textarea.addEventListener('scroll', () => this.syncScroll());
  }

  get code(): string {
    return this.textarea.value;
  }

  set code(value: string) {
    this.textarea.value = value;
    this.renderGutter();
  }

  /** Shows `error` (or clears the error display when undefined). */
  showError(error: CellError | undefined): void {
    this.errorLine = error?.line;
    this.message.hidden = error === undefined;
    if (error !== undefined) {
      const where = error.line === undefined ? '' : `line ${error.line}${error.column === undefined ? '' : `:${error.column}`} — `;
      this.message.textContent = `${where}${error.message}`;
    }
    this.renderGutter();
  }

  private renderGutter(): void {
    const lines = this.textarea.value.split('\n').length;
    const numbers: string[] = [];
    for (let i = 1; i <= lines; i++) numbers.push(String(i));
    this.gutter.textContent = numbers.join('\n');
    this.band.hidden = this.errorLine === undefined;
    this.syncScroll();
  }

  private syncScroll(): void {
    this.gutter.scrollTop = this.textarea.scrollTop;
    if (this.errorLine !== undefined) {
      const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight);
      const padding = parseFloat(getComputedStyle(this.textarea).paddingTop);
      this.band.style.top = `${padding + (this.errorLine - 1) * lineHeight - this.textarea.scrollTop}px`;
      this.band.style.height = `${lineHeight}px`;
    }
  }
}
