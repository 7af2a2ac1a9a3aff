import { z } from 'zod';
import { errorForCodes } from '../errors/codes.js';
import { type AnswerRecord, Digits, fieldOf, readAnswerRecords, unreadable } from './answer.js';

/** Search returns only successful payments, in one of these statuses. */
const SUCCESSFUL = ['Pending', 'PreAuthorized', 'Settled'] as const;

const WHAT = 'Search answer';

export const FoundPayment = z.object({
  transactionId: Digits,
  orderId: z.string().optional(),
  amount: z.string().optional(),
  currency: z.string().optional(),
  dateTime: z.string().optional(),
  status: z.string().transform((value, context) => {
    const status = SUCCESSFUL.find((known) => known.toLowerCase() === value.toLowerCase());
    if (status === undefined) {
      context.addIssue({ code: 'custom', message: 'not a successful status' });
      return z.NEVER;
    }
    return status;
  }),
});
export type FoundPayment = z.infer<typeof FoundPayment>;

function readRecord(record: AnswerRecord): FoundPayment {
  const { fields } = record;
  const transactionId = fieldOf(fields, 'transactionid', 'id');
  if (transactionId === undefined) {
    // `Code=..&Message=..`: Search refused the request itself (a bad key, an unknown merchant...).
    const code = fieldOf(fields, 'code');
    if (code !== undefined && /^\d{1,6}$/.test(code)) throw errorForCodes({ code });
    throw unreadable(WHAT);
  }
  const parsed = FoundPayment.safeParse({
    transactionId,
    orderId: fieldOf(fields, 'order', 'orderid'),
    amount: fieldOf(fields, 'amount'),
    currency: fieldOf(fields, 'currency'),
    dateTime: fieldOf(fields, 'datetime'),
    status: fieldOf(fields, 'status'),
  });
  if (!parsed.success) throw unreadable(WHAT);
  return parsed.data;
}

/**
 * Reads a Search answer: one record per successful payment, none for an empty body ("nothing
 * successful yet", which PayOnline answers for a decline too). A refusal of the request is thrown as
 * its mapped error; anything unreadable is PROVIDER_UNAVAILABLE.
 */
export function readSearchAnswer(body: string): FoundPayment[] {
  return readAnswerRecords(body, WHAT).map(readRecord);
}
