import { initial } from './0001-initial.js';
import { workQueue } from './0002-work-queue.js';
import { charges } from './0003-charges.js';
import type { Migration } from './migration.js';

/** Every schema step this version of the package knows, oldest first. Append; never edit or reorder. */
export const MIGRATIONS: readonly Migration[] = [initial, workQueue, charges];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((latest, step) => Math.max(latest, step.version), 0);

export type { Migration } from './migration.js';
