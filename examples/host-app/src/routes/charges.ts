import { CardBindingError } from '@cardbind/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HostApiError } from '../http/api-error.js';
import { toChargeView, toRefundView } from '../http/charge-views.js';
import { requireCustomer } from '../http/customer-session.js';
import { requireIdempotencyKey } from '../http/idempotency-key.js';
import { toRequestedMoney } from '../http/request-amount.js';
import { requestInfoOf } from '../http/request-info.js';
import { assertSameOrigin } from '../http/same-origin.js';
import { ChargeRequestBody, RefundRequestBody } from '../shared/charge-api-types.js';
import type { HostAppContext } from '../host-context.js';

const CardParams = z.object({ cardId: z.string().min(1).max(100) });
const ChargeParams = z.object({ id: z.string().min(1).max(100) });

/** The demo shop sells in rubles: a decimal-string amount without a currency is one. */
const DEFAULT_CURRENCY = 'RUB';

/**
 * Charging the customer's saved cards and refunding the charges. Every call is scoped to the session's
 * customer: another customer's card or charge answers 404 exactly like a missing one. Charges and
 * refunds need an `Idempotency-Key` header, so a retried request or a double click moves money once.
 */
export function chargeRoutes(app: FastifyInstance, context: HostAppContext): void {
  const { charges } = context;

  app.post('/api/cards/:cardId/charges', async (request, reply) => {
    assertSameOrigin(request);
    const customerId = await requireCustomer(request, context.sessions);
    const params = CardParams.safeParse(request.params);
    if (!params.success) throw new CardBindingError('CARD_NOT_FOUND', 'No such saved card for this customer');
    const idempotencyKey = requireIdempotencyKey(request);
    const body = ChargeRequestBody.safeParse(request.body);
    if (!body.success) {
      throw new HostApiError(
        400,
        'BAD_REQUEST',
        'Give the amount as { "minor": 1000, "currency": "RUB" } or as a decimal string such as "10.00"',
      );
    }
    const { amount, currency, description } = body.data;
    const charge = await charges.charge(
      {
        customerId,
        cardId: params.data.cardId,
        amount: toRequestedMoney(amount, currency ?? DEFAULT_CURRENCY),
        idempotencyKey,
        ...(description === undefined ? {} : { description }),
        // Payture may ask for 3-D Secure on a charge; the bank sends the customer back there.
        returnUrl: context.chargeReturnUrl,
      },
      { requestInfo: requestInfoOf(request) },
    );
    // A replayed key answers the first charge as it is now, with the same status code.
    return reply.code(201).send({ charge: toChargeView(charge) });
  });

  app.get('/api/charges', async (request) => {
    const customerId = await requireCustomer(request, context.sessions);
    const list = await charges.list(customerId);
    return { charges: list.map(toChargeView) };
  });

  // Read only: an open charge is settled by the reconciler in the worker, which asks the provider
  // about the same order; a poll never sends anything to the provider.
  app.get('/api/charges/:id', async (request) => {
    const customerId = await requireCustomer(request, context.sessions);
    const chargeId = chargeIdOf(request.params);
    return { charge: toChargeView(await charges.get(chargeId, { customerId })) };
  });

  app.post('/api/charges/:id/refunds', async (request, reply) => {
    assertSameOrigin(request);
    const customerId = await requireCustomer(request, context.sessions);
    const chargeId = chargeIdOf(request.params);
    const idempotencyKey = requireIdempotencyKey(request);
    const body = RefundRequestBody.safeParse(request.body ?? {});
    if (!body.success) {
      throw new HostApiError(400, 'BAD_REQUEST', 'Give the amount as a decimal string, or none for the rest');
    }
    const scope = { customerId, requestInfo: requestInfoOf(request) };
    const requested = body.data.amount;
    // A decimal string is in the charge's own currency, so the charge is read (in scope) first.
    const amount =
      requested === undefined
        ? undefined
        : toRequestedMoney(requested, (await charges.get(chargeId, scope)).amount.currency);
    const refund = await charges.refund(
      chargeId,
      { idempotencyKey, ...(amount === undefined ? {} : { amount }) },
      scope,
    );
    return reply.code(201).send({ refund: toRefundView(refund) });
  });

  app.get('/api/charges/:id/refunds', async (request) => {
    const customerId = await requireCustomer(request, context.sessions);
    const refunds = await charges.listRefunds(chargeIdOf(request.params), { customerId });
    return { refunds: refunds.map(toRefundView) };
  });
}

function chargeIdOf(params: unknown): string {
  const parsed = ChargeParams.safeParse(params);
  if (!parsed.success) throw new CardBindingError('CHARGE_NOT_FOUND', 'No such charge');
  return parsed.data.id;
}
