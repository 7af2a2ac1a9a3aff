/**
 * Test doubles for core's `Clock` and `IdGenerator` ports. Their public home is `@cardbind/testing`,
 * which re-exports this subpath; it exists so that one implementation serves both that package and
 * core's own tests (which import these files by relative path), without a core → testing cycle.
 * Never wire them into production: hosts get `systemClock` and `randomIdGenerator` by default.
 */
export { ManualClock } from './manual-clock.js';
export { SequentialIdGenerator } from './sequential-id-generator.js';
