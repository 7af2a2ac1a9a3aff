/** The cases of the ChargeStore contract suite, in the order they run. */
export const CHARGE_STORE_CONTRACT_CASES = [
  'create',
  'idempotency',
  'compareAndSet',
  'race',
  'nullClears',
  'audit',
  'copies',
  'listCharges',
  'chargesToReconcile',
  'createRefund',
  'refundRace',
  'updateRefund',
  'refundsToReconcile',
] as const;
export type ChargeStoreContractCase = (typeof CHARGE_STORE_CONTRACT_CASES)[number];

export const CHARGE_STORE_CONTRACT_CASE_TITLES: Readonly<Record<ChargeStoreContractCase, string>> = {
  create:
    'createCharge stores the charge as given (Money, dates, failure advice, JSON, card view) and its creation audit row',
  idempotency:
    'one charge per (customer, idempotency key): a repeat returns the stored one and writes nothing, also for 20 racing creates',
  compareAndSet:
    'updateCharge is a compare-and-set on version; a stale or unknown update writes nothing and returns the current charge',
  race: '20 racing updateCharge calls on one version: exactly one wins and the others see the winner',
  nullClears: 'a patch with null clears nextAction and reconcileAt; an absent field keeps its value',
  audit:
    'audit rows are written only with a winning compare-and-set; listChargeAudit lists charge and refund rows oldest first',
  copies: 'what goes in and what comes out are copies: mutating them changes nothing stored',
  listCharges: 'listCharges filters by customer, card and since, newest first, at most limit (default 100)',
  chargesToReconcile:
    'listChargesToReconcile returns open charges with reconcileAt <= now only, oldest first, at most limit',
  createRefund:
    "createRefund writes the refund, its audit row and the charge's compare-and-set in one step, or nothing at all",
  refundRace:
    '10 racing refunds holding parts of one charge: only compare-and-set winners create refunds, and the amount held is theirs',
  updateRefund:
    'updateRefund with a charge compare-and-set: both apply or neither (a stale charge version leaves the refund as it was)',
  refundsToReconcile:
    'listRefundsToReconcile returns processing refunds with reconcileAt <= now only, oldest first, at most limit',
};
