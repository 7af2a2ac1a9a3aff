/// <reference lib="dom" />
import { CardBindingError } from '@cardbind/core/client';
import { ApiError } from './api.js';

/** What to tell the customer: our API's and cardbind's messages are written for people; others are not. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError || error instanceof CardBindingError) return error.message;
  return 'Something went wrong. Please try again.';
}
