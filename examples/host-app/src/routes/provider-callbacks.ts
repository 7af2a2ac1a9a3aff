import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HostApiError } from '../http/api-error.js';
import { sendCallbackResponse, toCallbackRequest } from '../http/callback-request.js';
import { requestInfoOf } from '../http/request-info.js';
import type { HostAppContext } from '../host-context.js';

const ProviderParams = z.object({ provider: z.string() });

/**
 * Requests that providers (or the customer's bank) make to the host. They carry no session: the
 * provider finds its binding by its own keys (PayOnline's MD, Payture's SessionId) and verifies what it
 * can. Only this scope parses form bodies; the customer API takes JSON alone.
 */
export async function providerCallbackRoutes(app: FastifyInstance, context: HostAppContext): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 64 * 1024 });

    // PayOnline's term_url: the bank's ACS posts PaRes and MD here after the 3-D Secure challenge. The
    // provider runs in `server` mode: it completes 3-D Secure with PayOnline itself. When that moved a
    // binding on, the customer goes back to the page, which polls for the result; any other answer
    // (a finished binding, a rejected post) is the provider's own page, sent as it is.
    scope.post('/payonline/3ds', async (request, reply) => {
      const outcome = await context.service.handleCallback('payonline', toCallbackRequest(request), {
        requestInfo: requestInfoOf(request),
      });
      if (outcome.binding) return reply.redirect(`/?binding=${encodeURIComponent(outcome.binding.id)}`, 303);
      return sendCallbackResponse(reply, outcome.response);
    });

    // Server-to-server notifications (Payture CustomerAddSuccess/Fail, PayOnline callbacks).
    scope.route({
      method: ['GET', 'POST'],
      url: '/callbacks/:provider',
      handler: async (request, reply) => {
        const params = ProviderParams.safeParse(request.params);
        const provider = params.success ? params.data.provider : '';
        if (!context.service.providerIds.includes(provider)) {
          throw new HostApiError(404, 'NOT_FOUND', 'Not found');
        }
        const outcome = await context.service.handleCallback(provider, toCallbackRequest(request), {
          requestInfo: requestInfoOf(request),
        });
        return sendCallbackResponse(reply, outcome.response);
      },
    });
  });
}
