import { z } from 'zod';

export const BindingStatus = z.enum(['requires_action', 'processing', 'succeeded', 'failed', 'expired']);
export type BindingStatus = z.infer<typeof BindingStatus>;
