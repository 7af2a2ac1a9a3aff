import type { Charge } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeCharge, withCharging } from './charging-support.js';
import { CONFORMANCE_FAULTS, DEFAULT_GUARD_MS } from './faults-case.js';
import { describeError, settleWithin } from './support.js';

/**
 * Every transport fault (5xx, HTML, garbage, reset, timeout) on a charge: the provider cannot know
 * whether the debit happened, so it must throw, and the charge stays `processing` — never `failed`,
 * which would tell the host no money moved. The proxy never forwarded those requests, so once the
 * faults clear the reconciler's checks find no payment (`not_found`) and, after the not-found
 * grace, fail each charge PROVIDER_UNAVAILABLE with nothing debited.
 */
export async function chargeFaultsCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  const guardMs = options.guardMs ?? DEFAULT_GUARD_MS;
  await withCharging(options, 'chargeFaults', async (h, kit) => {
    const card = await kit.bindCard();
    const faulted: { label: string; charge: Charge }[] = [];
    for (const [index, { label, fault }] of CONFORMANCE_FAULTS.entries()) {
      const seenBefore = h.proxy.requests.length;
      h.armFault(fault);
      let settled;
      try {
        settled = await settleWithin(kit.charge(card, `conformance-fault-${index}`), guardMs);
      } finally {
        h.proxy.clear();
      }
      conform(
        'chargeFaults',
        settled.kind !== 'stuck',
        `a charge under ${label} did not give up within ${guardMs} ms: give the provider's HTTP client env.httpTimeouts`,
      );
      conform(
        'chargeFaults',
        settled.kind === 'value',
        () =>
          `a charge under ${label} threw ${describeError(settled.kind === 'error' ? settled.error : undefined)}`,
      );
      const charge = settled.value;
      conform(
        'chargeFaults',
        h.proxy.requests.slice(seenBefore).some((request) => request.fault !== undefined),
        `a charge under ${label} sent no request the fault proxy faulted: faultRoutes must cover the charge requests`,
      );
      conform(
        'chargeFaults',
        charge.status === 'processing',
        () =>
          `a charge under ${label} came back ${describeCharge(charge)}, not processing: a provider that does not know whether the debit happened must throw, and answer failed only when the gateway said no`,
      );
      faulted.push({ label, charge });
    }
    const debits = await kit.debits();
    conform(
      'chargeFaults',
      debits.length === 0,
      `no faulted request reached the gateway, yet its ledger holds ${debits.length} debit(s)`,
    );

    await kit.reconcile();
    for (const { label, charge } of faulted) {
      const settled = await h.charges.get(charge.id);
      conform(
        'chargeFaults',
        settled.status === 'failed' &&
          settled.failure?.code === 'PROVIDER_UNAVAILABLE' &&
          settled.failure.retryable,
        () =>
          `the charge made under ${label}, which never reached the gateway, is ${describeCharge(settled)} after the not-found grace, not failed PROVIDER_UNAVAILABLE: checkCharge of an order the gateway does not know must answer not_found`,
      );
    }
    const after = await kit.debits();
    conform(
      'chargeFaults',
      after.length === 0,
      `the reconciler's checks left ${after.length} debit(s) in the gateway's ledger: checkCharge must never debit`,
    );
  });
}
