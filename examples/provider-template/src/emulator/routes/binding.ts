import { randomBytes } from 'node:crypto';
import { json, refusal } from '../answers.js';
import type { Session } from '../state.js';
import type { RouteHandler } from './support.js';

/** `POST /v1/sessions`: a repeated Idempotency-Key answers the session it created. */
export const createSession: RouteHandler = (ctx, { req, res, fields }) => {
  const { state } = ctx;
  const key = req.headers['idempotency-key'];
  const replayed =
    typeof key === 'string' ? state.sessions.get(state.byIdempotencyKey.get(key) ?? '') : undefined;
  const session: Session = replayed ?? {
    id: `ses_${randomBytes(8).toString('hex')}`,
    customerReference: fields['customer_reference'] ?? '',
    status: 'open',
    expiresAt: new Date(Date.now() + ctx.sessionTtlMs),
    ...(fields['return_url'] ? { returnUrl: fields['return_url'] } : {}),
  };
  state.sessions.set(session.id, session);
  if (typeof key === 'string') state.byIdempotencyKey.set(key, session.id);
  json(res, 200, {
    id: session.id,
    hosted_page_url: `${ctx.pageOrigin()}/pay/${session.id}`,
    expires_at: session.expiresAt.toISOString(),
  });
};

/** `POST /v1/cards/{token}/delete`. */
export const deleteCard: RouteHandler = (ctx, { res, id }) => {
  if (ctx.state.deleteCard(id)) return json(res, 200, { deleted: true });
  refusal(res, 404, 'card_not_found');
};
