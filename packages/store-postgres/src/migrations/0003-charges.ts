import type { Migration } from './migration.js';

/**
 * Charges on saved cards, their refunds and the history of both. Every index serves one query of the
 * store; `test/charge-indexes.test.ts` shows the planner uses each. No card token here: a charge holds
 * the card as its host view (`card`), the token stays encrypted in `cards`.
 */
export const charges: Migration = {
  version: 3,
  name: 'charges',
  sql: `
CREATE TABLE charges (
  id                 text        PRIMARY KEY,
  version            integer     NOT NULL CHECK (version >= 0),
  provider           text        NOT NULL,
  customer_id        text        NOT NULL,
  -- The card's id, out of the card view, for listCharges by card. No foreign key: a removed card's
  -- charges stay (the view in \`card\` still says what was charged).
  card_id            text        NOT NULL,
  card               jsonb       NOT NULL CHECK (jsonb_typeof(card) = 'object'),
  -- Minor units, as integers end to end: bigint holds every amount core's Money allows (2^53 - 1).
  amount_minor       bigint      NOT NULL CHECK (amount_minor >= 0),
  currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  description        text,
  metadata           jsonb       NOT NULL CHECK (jsonb_typeof(metadata) = 'object'),
  idempotency_key    text        NOT NULL,
  request_hash       text        NOT NULL,
  order_id           text        NOT NULL,
  status             text        NOT NULL
                     CHECK (status IN ('processing', 'requires_action', 'succeeded', 'failed')),
  provider_ref       jsonb       NOT NULL CHECK (jsonb_typeof(provider_ref) = 'object'),
  next_action        jsonb,
  failure            jsonb,
  refunded_minor     bigint      NOT NULL CHECK (refunded_minor >= 0),
  refunding_minor    bigint      NOT NULL CHECK (refunding_minor >= 0),
  return_url         text,
  provider_options   jsonb       NOT NULL CHECK (jsonb_typeof(provider_options) = 'object'),
  reconcile_at       timestamptz,
  reconcile_attempts integer     NOT NULL CHECK (reconcile_attempts >= 0),
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  -- The last line of defence behind the service's compare-and-set: never more refunded than charged.
  CONSTRAINT charges_refunds_within_amount CHECK (refunded_minor + refunding_minor <= amount_minor),
  -- findChargeByIdempotencyKey, and what makes a repeated charge request return the first charge.
  CONSTRAINT charges_idempotency_key UNIQUE (customer_id, idempotency_key),
  -- A provider's order id names one debit: two charges must never ask about the same order.
  CONSTRAINT charges_order_id UNIQUE (provider, order_id)
);

-- listCharges by customer, newest first (a subscription's customer may have thousands).
CREATE INDEX charges_by_customer ON charges (customer_id, created_at, id);
-- listCharges by card, newest first.
CREATE INDEX charges_by_card ON charges (card_id, created_at, id);
-- listCharges with only \`since\`: an operator's view of the newest charges.
CREATE INDEX charges_by_age ON charges (created_at, id);
-- listChargesToReconcile: open charges by when they are next asked about. Settled ones are left out,
-- which keeps the index as small as the number of charges in flight.
CREATE INDEX charges_to_reconcile ON charges (reconcile_at)
  WHERE status IN ('processing', 'requires_action');

-- No cascade: a charge with refunds is never deleted from under them.
CREATE TABLE refunds (
  id                 text        PRIMARY KEY,
  version            integer     NOT NULL CHECK (version >= 0),
  charge_id          text        NOT NULL REFERENCES charges (id),
  customer_id        text        NOT NULL,
  amount_minor       bigint      NOT NULL CHECK (amount_minor >= 0),
  currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  idempotency_key    text        NOT NULL,
  request_hash       text        NOT NULL,
  status             text        NOT NULL CHECK (status IN ('processing', 'succeeded', 'failed')),
  provider_ref       jsonb       NOT NULL CHECK (jsonb_typeof(provider_ref) = 'object'),
  failure            jsonb,
  reconcile_at       timestamptz,
  reconcile_attempts integer     NOT NULL CHECK (reconcile_attempts >= 0),
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  -- A repeated refund request returns the first refund; also listRefunds (a charge has few refunds).
  CONSTRAINT refunds_idempotency_key UNIQUE (charge_id, idempotency_key)
);

-- listRefundsToReconcile: refunds whose answer was lost, by when they are next asked about.
CREATE INDEX refunds_to_reconcile ON refunds (reconcile_at) WHERE status = 'processing';

-- One row per transition of a charge or of one of its refunds, written in the transition's
-- transaction. No foreign key, like binding_audit: the history may be kept longer than the records.
CREATE TABLE charge_audit (
  charge_id      text        NOT NULL,
  subject        text        NOT NULL CHECK (subject IN ('charge', 'refund')),
  subject_id     text        NOT NULL,
  version        integer     NOT NULL CHECK (version >= 0),
  from_status    text,
  to_status      text        NOT NULL,
  trigger        text        NOT NULL,
  at             timestamptz NOT NULL,
  request_id     text,
  source_address text,
  failure_code   text,
  provider_code  text,
  -- One row per version of a record: a replayed write cannot add a second.
  CONSTRAINT charge_audit_pkey PRIMARY KEY (subject_id, version)
);
-- listChargeAudit: a charge's rows and its refunds' (a handful per charge, so the ORDER BY sorts them in memory).
CREATE INDEX charge_audit_by_charge ON charge_audit (charge_id);
`,
};
