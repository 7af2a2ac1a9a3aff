import { z } from 'zod';

/** One field of a form-params request. `substitute` names the card field the app fills in itself. */
export const FormParam = z.object({
  name: z.string().min(1),
  value: z.string(),
  substitute: z.string().min(1).optional(),
});
export type FormParam = z.infer<typeof FormParam>;

export const RedirectAction = z.object({
  type: z.literal('redirect'),
  url: z.string().url(),
  method: z.enum(['GET', 'POST']),
  fields: z.record(z.string(), z.string()).optional(),
});
export type RedirectAction = z.infer<typeof RedirectAction>;

/**
 * The form-params flow: the app posts the params (with card data it substitutes itself) straight to the
 * processor, so the card never passes through the host. `Redirect` means "open url for the customer".
 */
export const FormAction = z.object({
  type: z.literal('form'),
  url: z.string().url(),
  method: z.enum(['POST', 'GET', 'Redirect']),
  processor: z.object({ name: z.string(), homepage: z.string().optional() }),
  orderId: z.string(),
  termUrl: z.string().optional(),
  params: z.array(FormParam),
});
export type FormAction = z.infer<typeof FormAction>;

/** What the customer (or the app) must do next; a discriminated union keyed by `type`, like Stripe's. */
export const NextAction = z.discriminatedUnion('type', [RedirectAction, FormAction]);
export type NextAction = z.infer<typeof NextAction>;
