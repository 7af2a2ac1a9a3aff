import type { ChargeRecord } from './charge.js';
import type { ChargePatch, RefundPatch } from './charge-state.js';
import type { RefundRecord } from './refund.js';
import { copyStored } from '../ports/copy-stored.js';

/**
 * A patch applied to a record, as every store must apply it: set fields replace, `null` clears
 * (`nextAction`, `reconcileAt`), absent fields stay, and the version grows by one.
 */
export function applyChargePatch(record: ChargeRecord, patch: ChargePatch): ChargeRecord {
  const next = copyStored(record);
  next.version = record.version + 1;
  next.updatedAt = new Date(patch.updatedAt);
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.providerRef !== undefined) next.providerRef = copyStored(patch.providerRef);
  if (patch.failure !== undefined) next.failure = copyStored(patch.failure);
  if (patch.refundedMinor !== undefined) next.refundedMinor = patch.refundedMinor;
  if (patch.refundingMinor !== undefined) next.refundingMinor = patch.refundingMinor;
  if (patch.reconcileAttempts !== undefined) next.reconcileAttempts = patch.reconcileAttempts;
  if (patch.nextAction === null) delete next.nextAction;
  else if (patch.nextAction !== undefined) next.nextAction = copyStored(patch.nextAction);
  if (patch.reconcileAt === null) delete next.reconcileAt;
  else if (patch.reconcileAt !== undefined) next.reconcileAt = new Date(patch.reconcileAt);
  return next;
}

export function applyRefundPatch(record: RefundRecord, patch: RefundPatch): RefundRecord {
  const next = copyStored(record);
  next.version = record.version + 1;
  next.updatedAt = new Date(patch.updatedAt);
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.providerRef !== undefined) next.providerRef = copyStored(patch.providerRef);
  if (patch.failure !== undefined) next.failure = copyStored(patch.failure);
  if (patch.reconcileAttempts !== undefined) next.reconcileAttempts = patch.reconcileAttempts;
  if (patch.reconcileAt === null) delete next.reconcileAt;
  else if (patch.reconcileAt !== undefined) next.reconcileAt = new Date(patch.reconcileAt);
  return next;
}
