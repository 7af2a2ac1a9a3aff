import formbody from '@fastify/formbody';
import { toCardBindingError } from '@cardbind/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { toCallbackRequest } from '../http/callback-request.js';
import { requestInfoOf } from '../http/request-info.js';
import type { HostAppContext } from '../host-context.js';

const ChargeParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/) });

/**
 * Every charge's `returnUrl`, where its 3-D Secure step sends the customer back. Core replaces
 * `{chargeId}`; the braces are joined as text, since `new URL` would percent-encode them.
 */
export function chargeReturnUrl(publicUrl: URL): string {
  return `${publicUrl.origin}/charges/{chargeId}/3ds`;
}

/**
 * The bank's ACS posts PaRes and MD here after the customer's 3-D Secure challenge on a charge; core
 * completes the payment with the provider (Payture's PaySubmit3DS) once, and a repeated post sends
 * nothing. The post comes from the bank's site, so the SameSite=Lax session cookie does not ride
 * along: the charge is named by the URL and the provider checks the bank's signed PaRes. The answer
 * is the same redirect whatever happened, so it tells a stranger nothing about the charge; the page
 * the customer lands on reads the charge with their session and shows its status.
 */
export async function chargeActionReturnRoute(app: FastifyInstance, context: HostAppContext): Promise<void> {
  await app.register(async (scope) => {
    // Only this scope parses form bodies, like the provider callbacks: the customer API takes JSON alone.
    await scope.register(formbody, { bodyLimit: 64 * 1024 });

    scope.post('/charges/:id/3ds', async (request, reply) => {
      const params = ChargeParams.safeParse(request.params);
      if (!params.success) return reply.redirect('/', 303);
      const chargeId = params.data.id;
      try {
        await context.charges.completeAction(chargeId, toCallbackRequest(request), {
          requestInfo: requestInfoOf(request),
        });
      } catch (error) {
        // A failed completion leaves the charge as core stored it (failed, or processing for the
        // reconciler); the page polls it and says so.
        const failure = toCardBindingError(error);
        request.log.warn(
          { chargeId, code: failure.code, providerCode: failure.providerCode },
          'charge action did not complete',
        );
      }
      return reply.redirect(`/?charge=${encodeURIComponent(chargeId)}`, 303);
    });
  });
}
