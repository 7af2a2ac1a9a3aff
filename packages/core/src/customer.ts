import { z } from 'zod';

export const Customer = z.object({
  id: z.string().min(1).max(200),
  email: z.string().email().optional(),
  phone: z.string().max(50).optional(),
  ip: z.string().max(64).optional(),
});
export type Customer = z.infer<typeof Customer>;
