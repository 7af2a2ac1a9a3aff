import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CardBindingError } from '@cardbind/core';
import { requireCustomer } from '../http/customer-session.js';
import { assertSameOrigin } from '../http/same-origin.js';
import { toCardListItem } from '../http/views.js';
import type { HostAppContext } from '../host-context.js';

const CardIdParams = z.object({ id: z.string().min(1).max(100) });

/** The customer's saved cards: masked numbers only; the provider's token never leaves the server. */
export function cardRoutes(app: FastifyInstance, context: HostAppContext): void {
  app.get('/api/cards', async (request) => {
    const customerId = await requireCustomer(request, context.sessions);
    const cards = await context.service.listCards(customerId);
    return { cards: cards.map(toCardListItem) };
  });

  app.delete('/api/cards/:id', async (request, reply) => {
    assertSameOrigin(request);
    const customerId = await requireCustomer(request, context.sessions);
    const params = CardIdParams.safeParse(request.params);
    if (!params.success) throw new CardBindingError('CARD_NOT_FOUND', 'No such card for this customer');
    await context.service.removeCard(customerId, params.data.id);
    return reply.code(204).send();
  });
}
