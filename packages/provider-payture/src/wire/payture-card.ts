import { z } from 'zod';
import { PaytureBoolean } from './answer.js';

const Optional = z.string().optional();

/**
 * One `<Item>` of a GetList answer. Only CardId and CardName are required: the rest is read when
 * present and ignored when new (recorded answers carry ExpMonth, ExpYear, PaymentSystem and nested
 * `<Param>` children as well).
 */
export const PaytureCard = z
  .object({
    CardId: z.string().min(1),
    CardName: z.string().min(1),
    CardHolder: Optional,
    Status: Optional,
    NoCVV: PaytureBoolean.optional(),
    Expired: PaytureBoolean.optional(),
    ExpMonth: Optional,
    ExpYear: Optional,
    PaymentSystem: Optional,
  })
  .transform((item) => ({
    cardId: item.CardId,
    cardName: item.CardName,
    holder: item.CardHolder === '' ? undefined : item.CardHolder,
    /** `IsActive` or `NotActive` (needs activation); compared case-insensitively. */
    active: item.Status?.toLowerCase() === 'isactive',
    noCvv: item.NoCVV,
    expired: item.Expired,
    expMonth: item.ExpMonth,
    expYear: item.ExpYear,
    paymentSystem: item.PaymentSystem === '' ? undefined : item.PaymentSystem,
  }));
export type PaytureCard = z.output<typeof PaytureCard>;
