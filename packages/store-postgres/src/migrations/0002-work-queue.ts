import type { Migration } from './migration.js';

/**
 * The durable work queue: the work a transition causes (listener events, provider after-steps),
 * inserted in the transition's own transaction and claimed by workers under a lease, and the index the
 * expiry sweep reads open bindings by. Every index serves one query; `test/indexes.test.ts` shows the
 * planner uses each.
 */
export const workQueue: Migration = {
  version: 2,
  name: 'work-queue',
  sql: `
-- No foreign key to bindings: an unfinished item outlives its binding's purge (an event is still
-- delivered from its payload; an after-step finds the binding gone and ends). No CHECK on kind: the kinds
-- are core's and grow with it; rows are parsed with core's WorkItem schema on the way out.
CREATE TABLE work_items (
  id              text        PRIMARY KEY,
  kind            text        NOT NULL,
  binding_id      text        NOT NULL,
  -- Binding snapshots as the host sees them (no token, no provider ref): see durability.md.
  payload         jsonb       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  status          text        NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  -- Claims so far, counted at claim time so that a holder that died mid-run still counts.
  attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  run_at          timestamptz NOT NULL,
  deadline        timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  last_error_code text,
  lease_owner     text,
  lease_until     timestamptz,
  -- Exactly the running items hold a lease: a settled item names no holder.
  CONSTRAINT work_items_lease_iff_running
    CHECK ((status = 'running') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
);

-- claimWork: pending items that are due, oldest first.
CREATE INDEX work_items_due ON work_items (run_at) WHERE status = 'pending';
-- claimWork: running items whose holder's lease ran out (a crashed worker).
CREATE INDEX work_items_leased ON work_items (lease_until) WHERE status = 'running';
-- listWork by binding (oldest first), and the purge of a binding's finished items.
CREATE INDEX work_items_by_binding ON work_items (binding_id, created_at, id);
-- listWork by status, oldest first: what an operator reads for failed work. An unfiltered listWork
-- reads it once per status, so no index by age alone has to be kept up on every insert.
CREATE INDEX work_items_by_status ON work_items (status, created_at, id);

-- listExpiredBindings (the sweep): open bindings by deadline. Finished ones are left out, which keeps
-- the index as small as the number of bindings in flight.
CREATE INDEX bindings_open_by_deadline ON bindings (expires_at)
  WHERE status IN ('requires_action', 'processing');
`,
};
