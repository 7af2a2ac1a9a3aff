import type { ChargePatch, RefundPatch } from '@cardbind/core';
import { jsonParam } from '../rows/binding-row.js';
import type { SqlValue } from '../sql/sql-client.js';

/** A SET list and its parameters, numbered after the statement's own first `offset` parameters. */
export interface Assignments {
  sql: string;
  params: SqlValue[];
}

function assignments(offset: number) {
  const list: string[] = [];
  const params: SqlValue[] = [];
  return {
    set(column: string, value: SqlValue, cast = ''): void {
      params.push(value);
      list.push(`${column} = $${params.length + offset}${cast}`);
    },
    done: (): Assignments => ({ sql: list.join(', '), params }),
  };
}

/**
 * The SET list of a charge patch, as the port applies it: a set field replaces, `null` clears
 * (nextAction, reconcileAt), an absent (or undefined) field keeps the column.
 */
export function chargePatchAssignments(patch: ChargePatch, offset: number): Assignments {
  const a = assignments(offset);
  a.set('updated_at', patch.updatedAt);
  if (patch.status !== undefined) a.set('status', patch.status);
  if (patch.providerRef !== undefined) a.set('provider_ref', jsonParam(patch.providerRef), '::jsonb');
  if (patch.nextAction !== undefined)
    a.set('next_action', jsonParam(patch.nextAction ?? undefined), '::jsonb');
  if (patch.failure !== undefined) a.set('failure', jsonParam(patch.failure), '::jsonb');
  if (patch.refundedMinor !== undefined) a.set('refunded_minor', patch.refundedMinor);
  if (patch.refundingMinor !== undefined) a.set('refunding_minor', patch.refundingMinor);
  if (patch.reconcileAt !== undefined) a.set('reconcile_at', patch.reconcileAt);
  if (patch.reconcileAttempts !== undefined) a.set('reconcile_attempts', patch.reconcileAttempts);
  return a.done();
}

/** The SET list of a refund patch (the same rules as chargePatchAssignments). */
export function refundPatchAssignments(patch: RefundPatch, offset: number): Assignments {
  const a = assignments(offset);
  a.set('updated_at', patch.updatedAt);
  if (patch.status !== undefined) a.set('status', patch.status);
  if (patch.providerRef !== undefined) a.set('provider_ref', jsonParam(patch.providerRef), '::jsonb');
  if (patch.failure !== undefined) a.set('failure', jsonParam(patch.failure), '::jsonb');
  if (patch.reconcileAt !== undefined) a.set('reconcile_at', patch.reconcileAt);
  if (patch.reconcileAttempts !== undefined) a.set('reconcile_attempts', patch.reconcileAttempts);
  return a.done();
}
