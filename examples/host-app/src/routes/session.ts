import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HostApiError } from '../http/api-error.js';
import { clearSessionCookie, requireCustomer, setSessionCookie } from '../http/customer-session.js';
import { assertSameOrigin } from '../http/same-origin.js';
import { CustomerName } from '../http/session-cookie.js';
import type { HostAppContext } from '../host-context.js';

const LoginBody = z.object({ customer: CustomerName.default('demo') });

/**
 * A demo login: anyone may be any customer by name. A real host replaces this with its own login and
 * keeps the rest: one signed cookie naming the customer, and every other route scoped by it.
 */
export function sessionRoutes(app: FastifyInstance, context: HostAppContext): void {
  const secure = context.publicUrl.protocol === 'https:';

  app.get('/api/session', async (request) => {
    const customerId = requireCustomer(request, context.sessions);
    return { customerId };
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
    setSessionCookie(reply, context.sessions, parsed.data.customer, secure);
    return { customerId: parsed.data.customer };
  });

  app.delete('/api/session', async (request, reply) => {
    assertSameOrigin(request);
    clearSessionCookie(reply, secure);
    return reply.code(204).send();
  });
}
