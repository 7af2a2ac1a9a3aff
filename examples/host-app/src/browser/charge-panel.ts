/// <reference lib="dom" />
import { byId } from './dom.js';
import type { StatusKind } from './status-panel.js';

/** The charges section's status line, and its indicator while a charge waits for the bank's answer. */
export const chargePanel = {
  say(text: string, kind: StatusKind = 'info'): void {
    const status = byId('charge-status', HTMLElement);
    status.textContent = text;
    status.className = kind === 'info' ? '' : kind;
    status.dataset.kind = kind;
  },
  /** Shows (or, with false, hides) the indeterminate progress bar: how long the bank takes is unknown. */
  waiting(busy: boolean): void {
    byId('charge-progress-area', HTMLElement).hidden = !busy;
  },
};
