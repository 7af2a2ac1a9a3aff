import { CardBindingError } from '@cardbind/core';
import { z } from 'zod';
import type { PaytureCommand } from './request.js';
import { readXml } from '@cardbind/core/client';

/** Payture writes booleans as `True`/`False` or `true`/`false`: compared case-insensitively. */
export const PaytureBoolean = z
  .string()
  .regex(/^(true|false)$/i)
  .transform((value) => value.toLowerCase() === 'true');

/** Attributes of one element, as the XML reader hands them over. */
type Attributes = Readonly<Record<string, string>>;

/** One vwapi answer: the root element's attributes and its `Item` children's attributes. */
export type PaytureAnswer =
  | { success: true; attributes: Attributes; items: Attributes[] }
  | { success: false; errCode: string; attributes: Attributes };

/**
 * A payment command's answer (Pay, PaySubmit3DS), which has a third outcome: `Success="3DS"`, the
 * issuer wants 3-D Secure (charging.md, "3-D Secure on Pay"). A separate type with its own
 * discriminant, so that no binding command can mistake the truthy "3DS" for a success.
 */
export type PaymentAnswer =
  | { kind: 'success'; attributes: Attributes }
  | { kind: '3ds'; attributes: Attributes }
  | { kind: 'failure'; errCode: string; attributes: Attributes };

// Built once: zod schemas are costly to construct, and every vwapi answer is read with this one.
// Payture's code for "no code" is NONE; an empty ErrCode (or `ErrCode="NONE"` on a success) means the
// same and must not make an otherwise readable answer unreadable.
const SuccessFlag = z.object({
  Success: PaytureBoolean,
  ErrCode: z
    .string()
    .optional()
    .transform((code) => (code === undefined || code.trim() === '' ? undefined : code.trim())),
});

export interface RawResponse {
  statusCode: number;
  body: string;
}

/**
 * Reads a vwapi answer: one XML element named after the command, attributes only (plus `Item`
 * children for GetList). Anything else — an HTML page from a balancer, an empty body, `This is not
 * XML`, a truncated document, another root element — is PROVIDER_UNAVAILABLE. Messages never quote
 * the body.
 */
export function parseAnswer(command: PaytureCommand, response: RawResponse): PaytureAnswer {
  const root = readRoot(command, response, [command]);
  const flag = SuccessFlag.safeParse(root.attributes);
  if (!flag.success) throw unavailable(command, 'an answer without a valid Success attribute');
  if (!flag.data.Success) {
    // A failure without a code stays distinguishable and typed.
    return { success: false, errCode: flag.data.ErrCode ?? 'NONE', attributes: root.attributes };
  }
  return { success: true, attributes: root.attributes, items: root.items };
}

/**
 * Reads a Pay or PaySubmit3DS answer: `Success="True"`, `"False"` (with ErrCode) or `"3DS"`, compared
 * case-insensitively. `rootNames` are the element names accepted: PaySubmit3DS answers "Pay's answer"
 * (charging.md), and no recording shows which element name it carries, so both are read.
 */
export function parsePaymentAnswer(
  command: PaytureCommand,
  response: RawResponse,
  rootNames: readonly string[] = [command],
): PaymentAnswer {
  const { attributes } = readRoot(command, response, rootNames);
  if (attributes['Success']?.trim().toLowerCase() === '3ds') return { kind: '3ds', attributes };
  const flag = SuccessFlag.safeParse(attributes);
  if (!flag.success) throw unavailable(command, 'an answer without a valid Success attribute');
  if (flag.data.Success) return { kind: 'success', attributes };
  return { kind: 'failure', errCode: flag.data.ErrCode ?? 'NONE', attributes };
}

function unavailable(
  command: PaytureCommand,
  what: string,
  options: { providerCode?: string; retryable?: boolean } = {},
): CardBindingError {
  return new CardBindingError('PROVIDER_UNAVAILABLE', `Payture answered ${command} with ${what}`, options);
}

/**
 * The one root element of a vwapi answer: its attributes and its `Item` children's, from one pass of
 * the XML reader (which refuses anything not well-formed). Other children (GetList's nested `Param`s
 * live inside the Items) and text are not read.
 */
function readRoot(
  command: PaytureCommand,
  response: RawResponse,
  rootNames: readonly string[],
): { attributes: Attributes; items: Attributes[] } {
  if (response.statusCode !== 200) {
    throw unavailable(command, `HTTP ${response.statusCode}`, {
      providerCode: `HTTP_${response.statusCode}`,
      // A 4xx will not fix itself by asking again (a wrong baseUrl, a blocked IP).
      retryable: response.statusCode >= 500,
    });
  }
  const body = response.body.trim();
  if (body === '') throw unavailable(command, 'an empty body');
  if (!body.startsWith('<')) throw unavailable(command, 'a body that is not XML');
  const root = readXml(body);
  if (!root) throw unavailable(command, 'malformed XML');
  const rootName = root.name.toLowerCase();
  if (!rootNames.some((name) => name.toLowerCase() === rootName)) {
    throw unavailable(command, `something other than one <${command}> element`);
  }
  const items: Attributes[] = [];
  for (const child of root.children) if (child.name === 'Item') items.push(child.attributes);
  return { attributes: root.attributes, items };
}

/** Validates a successful answer's attributes with the command's schema. */
export function readAttributes<Schema extends z.ZodType>(
  command: PaytureCommand,
  schema: Schema,
  attributes: Attributes,
): z.output<Schema> {
  const parsed = schema.safeParse(attributes);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
  throw new CardBindingError(
    'PROVIDER_UNAVAILABLE',
    `Payture answered ${command} with invalid attributes (${fields})`,
  );
}
