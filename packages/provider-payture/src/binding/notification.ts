import { z } from 'zod';

/** The notifications that concern card binding; Payture sends others (CustomerPaySuccess...) too. */
export const ADD_NOTIFICATIONS = ['CustomerAddSuccess', 'CustomerAddFail'] as const;

const Optional = z.string().trim().min(1).optional().catch(undefined);

// The ErrCode of an unsigned notification ends up in a stored binding's `providerCode`, which hosts show
// their clients: only something shaped like a Payture code is kept, anything else counts as absent.
const ErrCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]{1,64}$/)
  .optional()
  .catch(undefined);

/**
 * A Payture notification (form-encoded POST). Unsigned: every field is a claim, used only to find the
 * binding and to decide what to confirm with GetList.
 */
export const PaytureNotification = z.object({
  Notification: z.string().trim().min(1),
  SessionId: Optional,
  VWUserLgn: Optional,
  CardId: Optional,
  ErrCode: ErrCode,
});
export type PaytureNotification = z.infer<typeof PaytureNotification>;

export function isAddNotification(
  notification: PaytureNotification,
): notification is PaytureNotification & { Notification: (typeof ADD_NOTIFICATIONS)[number] } {
  return ADD_NOTIFICATIONS.some((name) => name === notification.Notification);
}
