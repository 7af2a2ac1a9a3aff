import type { ObservableResult } from '@opentelemetry/api';
import type { WorkQueue } from '../ports/work-queue.js';
import type { WorkStatus } from '../work/work-item.js';
import { TelemetryAttributes } from './attribute-names.js';

/**
 * Items counted per status and store at most: `listWork` returns whole items, so a collection reads a
 * bounded number of rows however long the queue has grown. A value at the cap means "at least".
 */
export const WORK_GAUGE_LIMIT = 100;

const OBSERVED: readonly WorkStatus[] = ['pending', 'failed'];

type WorkLister = Pick<WorkQueue, 'listWork'>;

// Weak, so a container the host dropped (a test's, a reconfigured one) takes its store with it.
const queues: WeakRef<WorkLister>[] = [];
const registered = new WeakSet<WorkLister>();

/** Counts `store`'s waiting and failed work whenever the host's metric reader collects. */
export function watchWorkQueue(store: WorkLister): void {
  if (registered.has(store)) return;
  registered.add(store);
  queues.push(new WeakRef(store));
}

/** The gauge's callback: runs only at collection, never on an operation's path. */
export async function observeWorkItems(result: ObservableResult): Promise<void> {
  const live = liveQueues();
  if (live.length === 0) return;
  for (const status of OBSERVED) {
    const counts = await Promise.all(live.map((store) => countWork(store, status)));
    // A store that failed to answer reports nothing rather than a misleading zero.
    if (counts.some((count) => count === undefined)) continue;
    const total = counts.reduce<number>((sum, count) => sum + (count ?? 0), 0);
    result.observe(total, { [TelemetryAttributes.workStatus]: status });
  }
}

function liveQueues(): WorkLister[] {
  const live: WorkLister[] = [];
  for (let index = queues.length - 1; index >= 0; index--) {
    const store = queues[index]?.deref();
    if (store) live.push(store);
    else queues.splice(index, 1);
  }
  return live;
}

async function countWork(store: WorkLister, status: WorkStatus): Promise<number | undefined> {
  try {
    return (await store.listWork({ status, limit: WORK_GAUGE_LIMIT })).length;
  } catch {
    return undefined;
  }
}
