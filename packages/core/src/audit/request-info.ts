import { z } from 'zod';

/**
 * Who asked, as the host saw it: its own request id and the caller's source address. The service
 * writes both into the transition's log line and audit row; it never trusts them for anything else.
 */
export const RequestInfo = z.object({
  requestId: z.string().min(1).max(200).optional(),
  sourceAddress: z.string().min(1).max(100).optional(),
});
export type RequestInfo = z.infer<typeof RequestInfo>;
