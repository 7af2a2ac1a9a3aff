import type { Migration } from './migration.js';

/**
 * Bindings, their lookup keys, saved cards (token encrypted) and the audit history. Every index here
 * serves one query of the store; `test/indexes.test.ts` shows the planner uses each.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE bindings (
  id              text        PRIMARY KEY,
  version         integer     NOT NULL CHECK (version >= 0),
  provider        text        NOT NULL,
  customer_id     text        NOT NULL,
  customer        jsonb       NOT NULL,
  status          text        NOT NULL
                  CHECK (status IN ('requires_action', 'processing', 'succeeded', 'failed', 'expired')),
  next_action     jsonb,
  card            jsonb,
  failure         jsonb,
  provider_ref    jsonb       NOT NULL,
  -- The record's own copy; binding_lookup_keys is what makes them unique and searchable.
  lookup_keys     text[]      NOT NULL,
  idempotency_key text,
  return_url      text,
  metadata        jsonb       NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  -- findByIdempotencyKey, and what makes a repeated start return the first binding.
  CONSTRAINT bindings_idempotency_key UNIQUE (customer_id, idempotency_key)
);

-- Retention: terminal bindings by the time they ended (a terminal binding is never updated again).
-- Open bindings are left out, which keeps the index small.
CREATE INDEX bindings_terminal_by_age ON bindings (updated_at)
  WHERE status IN ('succeeded', 'failed', 'expired');

-- findByLookupKey: the keys a provider's callback names a binding by (a SessionId, an OrderId).
CREATE TABLE binding_lookup_keys (
  provider   text NOT NULL,
  lookup_key text NOT NULL,
  binding_id text NOT NULL REFERENCES bindings (id) ON DELETE CASCADE,
  CONSTRAINT binding_lookup_keys_pkey PRIMARY KEY (provider, lookup_key)
);
-- The cascade from a purged binding.
CREATE INDEX binding_lookup_keys_by_binding ON binding_lookup_keys (binding_id);

-- A saved card outlives its binding (retention purges bindings, never cards), so no foreign key.
-- The token is AES-256-GCM ciphertext under token_key_id; uniqueness uses a keyed HMAC of it.
CREATE TABLE cards (
  id                text        PRIMARY KEY,
  provider          text        NOT NULL,
  customer_id       text        NOT NULL,
  binding_id        text        NOT NULL,
  token_key_id      text        NOT NULL,
  token_ciphertext  bytea       NOT NULL,
  token_fingerprint bytea       NOT NULL,
  display           jsonb       NOT NULL,
  created_at        timestamptz NOT NULL,
  CONSTRAINT cards_token_fingerprint UNIQUE (provider, customer_id, token_fingerprint)
);
-- listCards, oldest first.
CREATE INDEX cards_by_customer ON cards (customer_id, created_at, id);
-- reencryptTokens: the rows still under a retired key.
CREATE INDEX cards_by_token_key ON cards (token_key_id);

-- One row per transition, written in the transition's transaction. Kept apart from bindings (no
-- foreign key) so that retention may keep the history longer than the binding.
CREATE TABLE binding_audit (
  binding_id     text        NOT NULL,
  version        integer     NOT NULL CHECK (version >= 0),
  from_status    text,
  to_status      text        NOT NULL,
  trigger        text        NOT NULL,
  at             timestamptz NOT NULL,
  request_id     text,
  source_address text,
  failure_code   text,
  provider_code  text,
  -- listAudit, in version order.
  CONSTRAINT binding_audit_pkey PRIMARY KEY (binding_id, version)
);
`,
};
