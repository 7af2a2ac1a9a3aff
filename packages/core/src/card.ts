import { z } from 'zod';

/** What a client may see of a saved card: no token, no full number. */
export const CardDisplay = z.object({
  maskedPan: z.string(),
  holder: z.string().optional(),
  expiry: z
    .string()
    .regex(/^\d{2}\/\d{2,4}$/)
    .optional(),
  brand: z.string().optional(),
});
export type CardDisplay = z.infer<typeof CardDisplay>;

/**
 * What a provider returns on success. `token` is the provider's handle for later charges (Payture CardId,
 * PayOnline RebillAnchor): it stays in the BindingStore and is never part of a Binding or a client view.
 */
export const CardToken = z.object({
  token: z.string().min(1),
  display: CardDisplay,
});
export type CardToken = z.infer<typeof CardToken>;

/** A card as stored server-side. */
export const SavedCard = z.object({
  id: z.string(),
  provider: z.string(),
  customerId: z.string(),
  bindingId: z.string(),
  token: z.string(),
  display: CardDisplay,
  createdAt: z.date(),
});
export type SavedCard = z.infer<typeof SavedCard>;

/** The host/client view of a saved card. */
export const CardView = SavedCard.omit({ token: true });
export type CardView = z.infer<typeof CardView>;

export function toCardView(card: SavedCard): CardView {
  return {
    id: card.id,
    provider: card.provider,
    customerId: card.customerId,
    bindingId: card.bindingId,
    display: card.display,
    createdAt: card.createdAt,
  };
}

/** First 6 and last 4 digits, the rest masked: the PCI DSS display rule. */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  if (digits.length < 10) return '*'.repeat(digits.length);
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}
