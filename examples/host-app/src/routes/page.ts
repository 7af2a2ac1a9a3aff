import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HostAppContext } from '../host-context.js';

const AssetParams = z.object({ file: z.string() });

/** The page, its assets and the configuration its script reads. */
export function pageRoutes(app: FastifyInstance, context: HostAppContext): void {
  const { page } = context;

  app.get('/', async (_request, reply) =>
    reply
      .header('content-security-policy', page.contentSecurityPolicy)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(page.html),
  );

  // Only the files the app holds in memory: a name is looked up, never joined into a path.
  app.get('/assets/:file', async (request, reply) => {
    const params = AssetParams.safeParse(request.params);
    const file = params.success ? page.files.get(params.data.file) : undefined;
    if (!file) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').type(file.contentType).send(file.body);
  });

  app.get('/api/config', async () => context.client);
}
