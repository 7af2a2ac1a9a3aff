import { z } from 'zod';
import { CardBindingError } from '../errors.js';
import { FormAction, FormParam } from '../next-action.js';

/**
 * The request description in the wire format of LitRes's form-params spec (a merchant backend's
 * `w_add_new_creditcard` answer): snake_case names, `term_url` — spelled `terms_url` in the spec's own
 * example answer, so both are read — and `name`/`homepage` of the processor at the top level.
 */
const SeedProcessingRequest = z.object({
  url: z.string().url(),
  method: z.enum(['POST', 'GET', 'Redirect']),
  name: z.string(),
  homepage: z.string().optional(),
  order_id: z.union([z.string(), z.number()]).optional(),
  term_url: z.string().optional(),
  terms_url: z.string().optional(),
  params: z.array(
    z.object({
      name: z.string().min(1),
      // LitRes's example answer sends numbers as strings, but a JSON encoder may not.
      value: z.union([z.string(), z.number()]).transform(String),
      substitute: z.string().min(1).optional(),
    }),
  ),
});

/**
 * Reads what a merchant backend handed the app: cardbind's own `form` NextAction, or the format of LitRes's
 * form-params spec. Anything else is INVALID_STATE (naming the fields, never their values), so an app never
 * posts card data to a half-understood request.
 */
export function readProcessingRequest(input: unknown): FormAction {
  const own = FormAction.safeParse(input);
  if (own.success) return own.data;
  const seed = SeedProcessingRequest.safeParse(input);
  if (seed.success) {
    const { url, method, name, homepage, order_id, term_url, terms_url, params } = seed.data;
    const termUrl = term_url ?? terms_url;
    return {
      type: 'form',
      url,
      method,
      processor: homepage === undefined ? { name } : { name, homepage },
      orderId: order_id === undefined ? '' : String(order_id),
      ...(termUrl === undefined ? {} : { termUrl }),
      params: params.map((param) => FormParam.parse(param)),
    };
  }
  const fields = [...new Set(seed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
  throw new CardBindingError('INVALID_STATE', `The processing request is not understood (${fields})`);
}
