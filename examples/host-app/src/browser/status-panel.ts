/// <reference lib="dom" />
import { byId } from './dom.js';

export type StatusKind = 'info' | 'success' | 'failure';

/** The status line under the form and the progress bar shown while a binding is being confirmed. */
export const statusPanel = {
  say(text: string, kind: StatusKind = 'info'): void {
    const status = byId('status', HTMLElement);
    status.textContent = text;
    status.className = kind === 'info' ? '' : kind;
    status.dataset.kind = kind;
  },
  /** `fraction` of the waiting time used up, 0..1; undefined hides the bar. */
  progress(fraction: number | undefined): void {
    const area = byId('progress-area', HTMLElement);
    area.hidden = fraction === undefined;
    if (fraction !== undefined) {
      byId('progress', HTMLProgressElement).value = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    }
  },
};
