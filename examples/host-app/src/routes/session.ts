import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HostApiError } from '../http/api-error.js';
import { currentCustomer, logIn, logOut } from '../http/customer-session.js';
import { assertSameOrigin } from '../http/same-origin.js';
import { CustomerName } from '../http/session-cookie.js';
import type { HostAppContext } from '../host-context.js';

const LoginBody = z.object({ customer: CustomerName.default('demo') });

/**
 * A demo login: anyone may be any customer by name. A real host replaces this with its own login and
 * keeps the rest: a signed cookie naming a server-side session, every other route scoped by its
 * customer, and a logout that deletes the session.
 */
export function sessionRoutes(app: FastifyInstance, context: HostAppContext): void {
  const secure = context.publicUrl.protocol === 'https:';

  // Every first visit asks this before anyone has logged in: a 401 there is a red line in the browser's
  // console that means nothing is wrong. So "nobody" is an answer here; the other routes still refuse.
  app.get('/api/session', async (request) => {
    const customerId = await currentCustomer(request, context.sessions);
    return { customerId: customerId ?? null };
  });

  app.post('/api/session', async (request, reply) => {
    assertSameOrigin(request);
    const parsed = LoginBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      throw new HostApiError(
        400,
        'BAD_REQUEST',
        'The customer name must be 1 to 40 letters, digits, "-" or "_"',
      );
    }
    await logIn(reply, context.sessions, parsed.data.customer, secure);
    return { customerId: parsed.data.customer };
  });

  app.delete('/api/session', async (request, reply) => {
    assertSameOrigin(request);
    await logOut(request, reply, context.sessions, secure);
    return reply.code(204).send();
  });
}
