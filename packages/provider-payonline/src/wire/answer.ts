import { CardBindingError } from '@cardbind/core/client';
import { z } from 'zod';
import { readXml, type XmlElement } from '@cardbind/core/client';

/**
 * Reading PayOnline's answers. Every method answers either `Name=value&...` (ContentType=text) or XML
 * (`<transaction>...</transaction>`, `<error>...</error>`); keys and values must be matched without
 * regard to case (`rebillAnchor` and `RebillAnchor`, `Ok` and `OK` both occur in the wild). The result
 * is a case-folded field map that zod schemas then validate. No Node built-ins: the client uses it too.
 */

/** Lower-cased field name → its values, in order (XML may repeat an element, e.g. `errorCode`). */
export type AnswerFields = ReadonlyMap<string, readonly string[]>;

export interface AnswerRecord {
  /** `text`, or the XML root's lower-cased name (`transaction`, `error`). */
  readonly shape: string;
  readonly fields: AnswerFields;
}

export function unreadable(what: string): CardBindingError {
  // The body itself stays out of the message: answers may echo card data or anchors.
  return new CardBindingError('PROVIDER_UNAVAILABLE', `PayOnline sent an unreadable ${what}`, {
    providerCode: 'UNREADABLE_ANSWER',
  });
}

function add(fields: Map<string, string[]>, name: string, value: string): void {
  const key = name.toLowerCase();
  const values = fields.get(key) ?? [];
  values.push(value);
  fields.set(key, values);
}

/**
 * Percent-escapes are decoded, but `+` is kept: base64 values (PaReq, PD, RebillAnchor) are sent raw by
 * some PayOnline versions, and turning their `+` into a space would corrupt them.
 */
function decodeValue(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const TEXT_KEY = /^[A-Za-z][\w.-]*$/;

function readTextLine(line: string): Map<string, string[]> | undefined {
  const fields = new Map<string, string[]>();
  for (const pair of line.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) return undefined;
    const name = pair.slice(0, equals);
    if (!TEXT_KEY.test(name)) return undefined;
    add(fields, name, decodeValue(pair.slice(equals + 1)).trim());
  }
  return fields.size > 0 ? fields : undefined;
}

/** Leaf elements become fields; containers (`threedSecure`) are flattened into their parent record. */
function flatten(element: XmlElement, into: Map<string, string[]>): void {
  for (const child of element.children) {
    if (child.children.length === 0) add(into, child.name, child.text.trim());
    else flatten(child, into);
  }
}

const XML_RECORD_ROOTS = new Set(['transaction', 'error']);

function readXmlRecords(body: string, what: string): AnswerRecord[] {
  const root = readXml(body);
  if (!root) throw unreadable(what);
  const rootName = root.name.toLowerCase();
  if (XML_RECORD_ROOTS.has(rootName)) {
    const fields = new Map<string, string[]>();
    flatten(root, fields);
    return [{ shape: rootName, fields }];
  }
  // A list of transactions (Search may find more than one successful payment).
  const records = root.children
    .filter((child) => child.name.toLowerCase() === 'transaction')
    .map((child) => {
      const fields = new Map<string, string[]>();
      flatten(child, fields);
      return { shape: 'transaction', fields };
    });
  if (records.length === 0 && root.children.length > 0) throw unreadable(what);
  return records;
}

/**
 * Splits an answer body into records: none for an empty body (Search's "nothing found"), one per line
 * of text, one per XML record. Throws PROVIDER_UNAVAILABLE (retryable) for anything else: an HTML error
 * page, a truncated document, a line that is not `key=value` pairs.
 */
export function readAnswerRecords(body: string, what = 'answer'): AnswerRecord[] {
  const trimmed = body.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('<')) return readXmlRecords(trimmed, what);
  return trimmed
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = readTextLine(line.trim());
      if (!fields) throw unreadable(what);
      return { shape: 'text', fields };
    });
}

/** Any HTTP status but 200 is an outage: a 4xx page with an empty body must not read as an answer. */
export function requireHttpOk(statusCode: number, what: string): void {
  if (statusCode !== 200) {
    throw new CardBindingError('PROVIDER_UNAVAILABLE', `PayOnline ${what} answered HTTP ${statusCode}`, {
      providerCode: `HTTP_${statusCode}`,
    });
  }
}

/** The first non-empty value of the first of `names` present (names lower-case). */
export function fieldOf(fields: AnswerFields, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = fields.get(name)?.find((candidate) => candidate !== '');
    if (value !== undefined) return value;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Schemas of the answers cardbind reads.

/** A TransactionId, Code or ErrorCode: PayOnline's numeric fields (at most a 64-bit integer). */
export const Digits = z.string().regex(/^\d{1,19}$/);
/** Base64 as PayOnline sends it; line breaks inside XML elements are dropped first. */
export const Base64Value = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(
    z
      .string()
      .min(1)
      .max(32_768)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/),
  );
const ResultValue = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(['ok', 'error']));

/** Statuses as PayOnline spells them, matched without regard to case. */
export const TRANSACTION_STATUSES = [
  'Pending',
  'PreAuthorized',
  'Settled',
  'Declined',
  'Voided',
  'Awaiting3DAuthentication',
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

const Status = z.string().transform((value, context) => {
  const status = TRANSACTION_STATUSES.find((known) => known.toLowerCase() === value.toLowerCase());
  if (status === undefined) {
    context.addIssue({ code: 'custom', message: 'unknown status' });
    return z.NEVER;
  }
  return status;
});

/** What Auth and 3DS (and Rebill) answer when the request itself was well-formed. */
export const TransactionAnswer = z.object({
  transactionId: Digits,
  operation: z.string().optional(),
  result: ResultValue,
  code: Digits.optional(),
  /** Every ErrorCode given; the doc's XML example repeats the element (`6001`, then `4`). */
  errorCodes: z.array(Digits),
  status: Status.optional(),
  message: z.string().optional(),
  rebillAnchor: z.string().min(1).max(200).optional(),
  binCountry: z.string().optional(),
  paReq: Base64Value.optional(),
  acsUrl: z.string().url().optional(),
  pd: Base64Value.optional(),
  /**
   * Rebill only, and only when PayOnline routed the payment to another merchant account: later
   * operations on the transaction must use that merchant (charging.md, "Rebill answer").
   */
  merchantId: Digits.optional(),
});
export type TransactionAnswer = z.infer<typeof TransactionAnswer>;

/** A request PayOnline refused before processing it: `Code=..&Message=..` / `<error>`. */
export const FormatError = z.object({ code: Digits, message: z.string().optional() });
export type FormatError = z.infer<typeof FormatError>;

export type OperationAnswer =
  | { readonly kind: 'transaction'; readonly answer: TransactionAnswer }
  | { readonly kind: 'format-error'; readonly error: FormatError };

/** Reads an Auth / 3DS / Rebill answer body. Throws PROVIDER_UNAVAILABLE when it is not one. */
export function readOperationAnswer(body: string, what = 'answer'): OperationAnswer {
  const [record, ...extra] = readAnswerRecords(body, what);
  if (!record || extra.length > 0) throw unreadable(what);
  const { fields } = record;
  const isFormatError =
    record.shape === 'error' || (fieldOf(fields, 'result') === undefined && fields.has('message'));
  if (isFormatError) {
    const parsed = FormatError.safeParse({
      code: fieldOf(fields, 'code'),
      ...renamed(fields, 'message', 'message'),
    });
    if (!parsed.success) throw unreadable(what);
    return { kind: 'format-error', error: parsed.data };
  }
  const parsed = TransactionAnswer.safeParse({
    transactionId: fieldOf(fields, 'id', 'transactionid'),
    result: fieldOf(fields, 'result'),
    errorCodes: (fields.get('errorcode') ?? []).filter((value) => value !== ''),
    ...renamed(fields, 'operation', 'operation'),
    ...renamed(fields, 'code', 'code'),
    ...renamed(fields, 'status', 'status'),
    ...renamed(fields, 'message', 'message'),
    ...renamed(fields, 'rebillAnchor', 'rebillanchor'),
    ...renamed(fields, 'binCountry', 'bincountry'),
    ...renamed(fields, 'paReq', 'pareq'),
    // The doc spells it ACSUrl, AcsUrl and (once) ASCUrl.
    ...renamed(fields, 'acsUrl', 'acsurl', 'ascurl'),
    ...renamed(fields, 'pd', 'pd'),
    ...renamed(fields, 'merchantId', 'merchantid'),
  });
  if (!parsed.success) throw unreadable(what);
  return { kind: 'transaction', answer: parsed.data };
}

function renamed(fields: AnswerFields, as: string, ...names: string[]): Record<string, string> {
  const value = fieldOf(fields, ...names);
  return value === undefined ? {} : { [as]: value };
}

/**
 * The one ErrorCode that says why: the doc's XML repeats `errorCode`, first echoing the Code (6001) and
 * then giving the class (4). The first value that differs from Code wins; else the first value.
 */
export function primaryErrorCode(answer: Pick<TransactionAnswer, 'code' | 'errorCodes'>): string | undefined {
  return answer.errorCodes.find((value) => value !== answer.code) ?? answer.errorCodes[0];
}

/** What an Auth or 3DS answer means for the payer. */
export type AuthOutcome =
  | {
      readonly kind: 'accepted';
      readonly transactionId: string;
      readonly status: TransactionStatus | undefined;
      readonly rebillAnchor?: string;
    }
  | {
      readonly kind: '3ds';
      readonly transactionId: string;
      readonly acsUrl: string;
      readonly paReq: string;
      readonly pd: string;
    }
  | {
      readonly kind: 'declined';
      readonly transactionId?: string;
      readonly code?: string;
      readonly errorCode?: string;
    };

const THREE_DS_REQUIRED = '6001';

/** Classifies an Auth / 3DS answer. A 6001 without its PaReq, ACSUrl and PD is unreadable. */
export function interpretAuthAnswer(operation: OperationAnswer, what = 'answer'): AuthOutcome {
  if (operation.kind === 'format-error') return { kind: 'declined', code: operation.error.code };
  const { answer } = operation;
  const errorCode = primaryErrorCode(answer);
  const asksFor3ds =
    answer.code === THREE_DS_REQUIRED ||
    answer.errorCodes.includes(THREE_DS_REQUIRED) ||
    answer.status === 'Awaiting3DAuthentication';
  if (answer.result === 'error' && asksFor3ds) {
    if (!answer.paReq || !answer.acsUrl || !answer.pd) throw unreadable(what);
    return {
      kind: '3ds',
      transactionId: answer.transactionId,
      acsUrl: answer.acsUrl,
      paReq: answer.paReq,
      pd: answer.pd,
    };
  }
  if (answer.result === 'ok' && answer.status !== 'Declined') {
    return {
      kind: 'accepted',
      transactionId: answer.transactionId,
      status: answer.status,
      ...(answer.rebillAnchor === undefined ? {} : { rebillAnchor: answer.rebillAnchor }),
    };
  }
  return {
    kind: 'declined',
    transactionId: answer.transactionId,
    ...(answer.code === undefined ? {} : { code: answer.code }),
    ...(errorCode === undefined ? {} : { errorCode }),
  };
}
