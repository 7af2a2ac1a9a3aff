import { CardBindingError, Secret } from '@cardbind/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';

/** The vwapi commands this package speaks: the Add terminal's for binding, the Pay terminal's for charging. */
export type PaytureCommand =
  | 'Register'
  | 'Check'
  | 'Update'
  | 'Delete'
  | 'Init'
  | 'GetList'
  | 'Remove'
  | 'Pay'
  | 'PaySubmit3DS'
  | 'GetState'
  | 'Refund';

export type DataValue = string | number | Secret | undefined;

const DATA_KEY = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Builds the DATA field exactly as Payture's own sample does: each value percent-encoded
 * (encodeURIComponent, as Node's querystring.escape), pairs joined with `;`. The HTTP layer then
 * form-encodes the whole string once more as the `DATA` form field. Undefined values are left out.
 *
 * No escape for `;` inside a value is documented, so such a value is refused rather than sent in a
 * form the server might split differently. Errors name the key, never the value: DATA holds passwords.
 */
export function encodeData(fields: Readonly<Record<string, DataValue>>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!DATA_KEY.test(key)) {
      throw new CardBindingError('CONFIG_INVALID', `Invalid Payture DATA key`, { field: 'DATA' });
    }
    const plain = value instanceof Secret ? value.reveal() : String(value);
    if (plain.includes(';')) {
      throw new CardBindingError('CONFIG_INVALID', `Payture DATA value for ${key} must not contain ";"`, {
        field: key,
      });
    }
    pairs.push(`${key}=${encodeURIComponent(plain)}`);
  }
  return pairs.join(';');
}

/** Payture writes booleans as `True`/`False` or `true`/`false`: compared case-insensitively. */
export const PaytureBoolean = z
  .string()
  .regex(/^(true|false)$/i)
  .transform((value) => value.toLowerCase() === 'true');

/** Attributes of one element, as the parser hands them over. */
const Attributes = z.record(z.string(), z.string());
type Attributes = z.infer<typeof Attributes>;

/** An element the parser produced: `""` for `<X/>`, else an object with `@` (attributes) and children. */
const ParsedElement = z.union([
  z.literal(''),
  z.looseObject({ '@': Attributes.optional(), Item: z.array(z.unknown()).optional() }),
]);

const ParsedItem = z.union([z.literal(''), z.looseObject({ '@': Attributes.optional() })]);

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '@',
  // Zero, one or many Items must all come back as an array.
  isArray: (name) => name === 'Item' || name === 'Param',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
});

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

// Built once: zod schemas are costly to construct, and parseAnswer runs on every vwapi answer.
const ParsedDocument = z.record(z.string(), z.unknown());

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

  const items: Attributes[] = [];
  for (const raw of root.items) {
    const item = ParsedItem.safeParse(raw);
    if (!item.success) throw unavailable(command, 'an unreadable <Item> element');
    items.push(item.data === '' ? {} : (item.data['@'] ?? {}));
  }
  return { success: true, attributes: root.attributes, items };
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

/** The one root element of a vwapi answer: its attributes and its raw `Item` children. */
function readRoot(
  command: PaytureCommand,
  response: RawResponse,
  rootNames: readonly string[],
): { attributes: Attributes; items: unknown[] } {
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
  if (XMLValidator.validate(body) !== true) throw unavailable(command, 'malformed XML');

  let document: unknown;
  try {
    document = xml.parse(body);
  } catch {
    throw unavailable(command, 'malformed XML');
  }
  const roots = ParsedDocument.safeParse(document);
  const names = roots.success ? Object.keys(roots.data) : [];
  const [rootName] = names;
  const accepted = rootNames.map((name) => name.toLowerCase());
  if (!roots.success || names.length !== 1 || !accepted.includes(rootName?.toLowerCase() ?? '')) {
    throw unavailable(command, `something other than one <${command}> element`);
  }
  const root = ParsedElement.safeParse(rootName === undefined ? undefined : roots.data[rootName]);
  if (!root.success) throw unavailable(command, `an unreadable <${command}> element`);
  if (root.data === '') return { attributes: {}, items: [] };
  return { attributes: root.data['@'] ?? {}, items: root.data.Item ?? [] };
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
