import type { HttpClient } from '@cardbind/core';
import { z } from 'zod';
import {
  type AnswerRecord,
  Digits,
  fieldOf,
  readAnswerRecords,
  requireHttpOk,
  unreadable,
} from './answer.js';
import { errorForCodes } from './codes.js';
import { endpoint, ENDPOINTS, type PayOnlineConfig } from './config.js';
import { mainAccount, type MerchantAccount } from './merchant-account.js';
import { searchSecurityKey } from './security-key.js';

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
 * The successful payments PayOnline knows for an order. An empty list means "nothing successful yet":
 * PayOnline answers a decline the same way, so only a callback, a confirmed report or the deadline can
 * end such an order. `account` is the merchant account to ask (default: the configured one).
 */
export async function searchOrder(
  http: HttpClient,
  config: PayOnlineConfig,
  orderId: string,
  account: MerchantAccount = mainAccount(config),
): Promise<FoundPayment[]> {
  const { merchantId } = account;
  const response = await http.request({
    method: 'POST',
    url: endpoint(config, ENDPOINTS.search),
    form: {
      MerchantId: merchantId,
      OrderId: orderId,
      SecurityKey: searchSecurityKey({ merchantId, orderId }, account.privateSecurityKey),
      // Always text: it is what core's transcript redaction understands field by field.
      ContentType: 'text',
    },
    safeToRetry: true,
  });
  // A 4xx page with an empty body must not read as "nothing found".
  requireHttpOk(response.statusCode, 'Search');
  return readAnswerRecords(response.body, WHAT).map(readRecord);
}
