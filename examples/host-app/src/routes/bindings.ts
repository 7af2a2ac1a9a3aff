import { type Binding, CardBindingError, type CustomerScope, isTerminal } from '@cardbind/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HostApiError } from '../http/api-error.js';
import { requireCustomer } from '../http/customer-session.js';
import { requestInfoOf } from '../http/request-info.js';
import { assertSameOrigin } from '../http/same-origin.js';
import { toBindingView } from '../http/views.js';
import type { HostAppContext } from '../host-context.js';

export const BindingIdParams = z.object({ id: z.string().min(1).max(100) });

/** Short strings only: the provider parses the report with its own schema. */
const AppReportBody = z
  .record(z.string().max(40), z.string().max(200))
  .refine((fields) => Object.keys(fields).length <= 10);

/** Start a binding, and the status the page polls. */
export function bindingRoutes(app: FastifyInstance, context: HostAppContext): void {
  const { service } = context;
  const StartBody = z.object({
    provider: z.enum(service.providerIds),
    /** The page sends one per click, so a double click or a retried request starts one binding. */
    idempotencyKey: z.string().min(8).max(100).optional(),
  });

  app.post('/api/bindings', async (request, reply) => {
    assertSameOrigin(request);
    const customerId = await requireCustomer(request, context.sessions);
    const body = StartBody.safeParse(request.body);
    if (!body.success) {
      throw new HostApiError(400, 'BAD_REQUEST', `Choose a provider: ${service.providerIds.join(' or ')}`);
    }
    const { provider, idempotencyKey } = body.data;
    const permit = context.startLimiter.admit({ customerId, sourceAddress: request.ip, idempotencyKey });
    if (!permit.allowed) {
      const seconds = Math.max(1, Math.ceil(permit.retryAfterMs / 1000));
      throw new HostApiError(
        429,
        'RATE_LIMITED',
        `Too many attempts to add a card; try again in ${seconds} s`,
        { 'retry-after': String(seconds) },
      );
    }
    const returnUrl = context.returnUrlFor(provider);
    let binding: Binding;
    try {
      binding = await service.start(
        {
          provider,
          customer: { id: customerId, ip: request.ip },
          ...(returnUrl === undefined ? {} : { returnUrl }),
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        },
        { requestInfo: requestInfoOf(request) },
      );
    } catch (error) {
      permit.startFailed();
      throw error;
    }
    return reply.code(201).send({ binding: toBindingView(binding) });
  });

  /**
   * What the processor told the browser after it accepted the card (PayOnline's TransactionId and
   * RebillAnchor). A claim: the provider saves the card only once its own API confirms that transaction.
   */
  app.post('/api/bindings/:id/report', async (request) => {
    assertSameOrigin(request);
    const customerId = await requireCustomer(request, context.sessions);
    const params = BindingIdParams.safeParse(request.params);
    if (!params.success) throw new CardBindingError('BINDING_NOT_FOUND', 'No binding with this id');
    const report = AppReportBody.safeParse(request.body);
    if (!report.success) throw new HostApiError(400, 'BAD_REQUEST', 'The report is malformed');
    const binding = await service.finalise(params.data.id, {
      customerId,
      query: report.data,
      requestInfo: requestInfoOf(request),
    });
    return { binding: toBindingView(binding) };
  });

  app.get('/api/bindings/:id', async (request) => {
    const customerId = await requireCustomer(request, context.sessions);
    const params = BindingIdParams.safeParse(request.params);
    if (!params.success) throw new CardBindingError('BINDING_NOT_FOUND', 'No binding with this id');
    const binding = await service.get(params.data.id, { customerId });
    const scope = { customerId, requestInfo: requestInfoOf(request) };
    return { binding: toBindingView(isTerminal(binding.status) ? binding : await refresh(binding, scope)) };
  });

  /**
   * One status check per poll, like LitRes's r_check_order. The binding's own deadline (`expiresAt`:
   * PayOnline's order deadline, Payture's session lifetime) ends it: a check past it expires the binding,
   * so the customer is told it failed instead of waiting forever, and never before the provider's page
   * closed. A passing provider outage is not the customer's failure: the binding stays open and the
   * next poll asks again.
   */
  async function refresh(binding: Binding, scope: CustomerScope): Promise<Binding> {
    try {
      return await service.checkOrder(binding.id, scope);
    } catch (error) {
      if (CardBindingError.is(error) && error.retryable) {
        app.log.warn(
          { bindingId: binding.id, code: error.code, providerCode: error.providerCode },
          'status check failed; the page will poll again',
        );
        return binding;
      }
      throw error;
    }
  }
}
