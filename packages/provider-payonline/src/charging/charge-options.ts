import { CardBindingError } from '@cardbind/core';
import { z } from 'zod';

/**
 * PayOnline's per-charge options (`providerOptions`). `flow: relay` is LitRes's relayed rebill: the
 * provider signs the Rebill and hands it to the app, which posts it to PayOnline as given (LitRes's
 * form-params spec: "a rebill request carries no substitute params; the app relays it"). Strict: a key
 * or value this provider does not know is refused, never silently charged the default way.
 */
export const PayOnlineChargeOptions = z.strictObject({
  flow: z.enum(['direct', 'relay']).default('direct'),
});
export type PayOnlineChargeOptions = z.infer<typeof PayOnlineChargeOptions>;

export type ChargeOptionsResult =
  | { readonly ok: true; readonly options: PayOnlineChargeOptions }
  | { readonly ok: false; readonly error: CardBindingError };

/** The options, or NOT_SUPPORTED naming the option (never its value) that PayOnline does not offer. */
export function parseChargeOptions(input: Readonly<Record<string, string>>): ChargeOptionsResult {
  const parsed = PayOnlineChargeOptions.safeParse(input);
  if (parsed.success) return { ok: true, options: parsed.data };
  const [issue] = parsed.error.issues;
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const name = unknownKey ?? issue?.path.map(String).join('.') ?? 'providerOptions';
  return {
    ok: false,
    error: new CardBindingError(
      'NOT_SUPPORTED',
      `PayOnline has no charge option ${name} with that value (supported: flow = direct | relay)`,
      { field: `providerOptions.${name}`, retryable: false },
    ),
  };
}
