import { z } from 'zod';

/**
 * A `bigint` column of minor units as either driver decodes it: node-postgres hands out int8 as a
 * string (it may not fit a double), PGlite as a number, or as a BigInt once it is past 2^53. Core's Money
 * is a safe integer, so a larger stored value is refused, never rounded.
 */
export const MinorUnits = z
  .union([z.string().regex(/^-?\d+$/), z.number().int(), z.bigint()])
  .transform((value, ctx) => {
    const minor = Number(value);
    if (!Number.isSafeInteger(minor) || BigInt(value) !== BigInt(minor)) {
      ctx.addIssue({ code: 'custom', message: 'an amount beyond Number.MAX_SAFE_INTEGER' });
      return z.NEVER;
    }
    return minor;
  });
