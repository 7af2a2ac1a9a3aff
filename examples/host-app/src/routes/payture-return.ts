import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentCustomer } from '../http/customer-session.js';
import { requestInfoOf } from '../http/request-info.js';
import type { HostAppContext } from '../host-context.js';

const ReturnQuery = z.object({
  binding: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  success: z.string().optional(),
});

/**
 * Payture sends the customer here after its Add page (the provider added `binding`, `orderid` and
 * `success` to the URL). Finalising asks Payture's GetList; `success` in the URL is never trusted.
 * Whatever happens, the customer lands back on the page, which shows the binding's status.
 */
export function paytureReturnRoute(app: FastifyInstance, context: HostAppContext): void {
  app.get('/payture/return', async (request, reply) => {
    const query = ReturnQuery.safeParse(request.query);
    if (!query.success) return reply.redirect('/', 303);
    const bindingId = query.data.binding;
    const customerId = await currentCustomer(request, context.sessions);
    if (customerId !== undefined) {
      try {
        await context.service.finalise(bindingId, {
          customerId,
          query: stringValues(request.query),
          requestInfo: requestInfoOf(request),
        });
      } catch (error) {
        // The page polls the status next and shows the failure (or a missing binding) as it is.
        request.log.info({ bindingId, err: error }, 'finalise on return did not complete');
      }
    }
    // `success=False` may only shape what the page says; the binding's state comes from GetList.
    const hint = query.data.success?.toLowerCase() === 'false' ? '&returned=failed' : '';
    return reply.redirect(`/?binding=${encodeURIComponent(bindingId)}${hint}`, 303);
  });
}

function stringValues(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [key, value] of Object.entries(query)) if (typeof value === 'string') out[key] = value;
  return out;
}
