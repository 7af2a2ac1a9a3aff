import type { z } from 'zod';
import { CardBindingError } from './errors.js';

/**
 * Parses configuration with zod and fails with CONFIG_INVALID naming the first bad field. Messages name
 * fields and rules only, never values: configuration holds passwords and keys.
 */
export function parseConfig<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  where: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    return { path, message: issue.message };
  });
  const first = issues[0];
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new CardBindingError('CONFIG_INVALID', `${where}: invalid configuration: ${summary}`, {
    ...(first ? { field: first.path } : {}),
  });
}
