/// <reference lib="dom" />

const KEY = 'cardbind-demo.pending-binding';

/**
 * The binding the customer left the page for (Payture's page, the bank's 3-D Secure page). Kept in
 * sessionStorage, so the tab that comes back picks up where it left off, whichever way it returns.
 * Only the binding id: it is useless without the customer's session.
 */
export const pendingBinding = {
  save(bindingId: string): void {
    sessionStorage.setItem(KEY, bindingId);
  },
  load(): string | undefined {
    return sessionStorage.getItem(KEY) ?? undefined;
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
