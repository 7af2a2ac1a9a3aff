import { z } from 'zod';

/**
 * A schema name the store may put into SQL. Identifiers cannot be statement parameters, so the name is
 * restricted to lower-case letters, digits and underscores (PostgreSQL's 63-byte limit) and then quoted.
 */
export const SchemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be 1-63 lower-case letters, digits or underscores')
  .refine((name) => !name.startsWith('pg_'), 'must not start with pg_ (reserved by PostgreSQL)');

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
