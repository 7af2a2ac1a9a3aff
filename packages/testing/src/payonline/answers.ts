import type { ServerResponse } from 'node:http';

/**
 * PayOnline's two answer formats, written by the emulator: `Name=value&...` (ContentType=text, values
 * raw, as recorded) and XML with a `transaction` or `error` root. Key spellings follow the recorded
 * traffic (`rebillAnchor`, `binCountry` in lower camel case) so clients must match without case.
 */
export type AnswerFormat = 'text' | 'xml';

export interface AnswerEntry {
  /** The text key, e.g. `Id`, `rebillAnchor`. */
  readonly name: string;
  /** The XML element; defaults to the text key with a lower-case first letter. */
  readonly element?: string;
  readonly value: string | undefined;
  /** XML only: the element to nest it in (PayOnline puts PaReq, ACSUrl and PD in `threedSecure`). */
  readonly group?: string;
}

export function answerFormatOf(contentType: string | undefined): AnswerFormat {
  return contentType?.toLowerCase() === 'xml' ? 'xml' : 'text';
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function elementOf(entry: AnswerEntry): string {
  return entry.element ?? `${entry.name.charAt(0).toLowerCase()}${entry.name.slice(1)}`;
}

/**
 * Text answers carry values raw, not percent-encoded: recorded live answers keep base64's `+`, `/` and
 * `=` as they are (`rebillAnchor=3Rbx…59BU=`, `pareq=eJx1…+…/…==&acsurl=https://…&pd=…+…=`, in the
 * comments of a public Python PayOnline client; `rebillAnchor=zayr…PpE=` in PayOnline/node-payonline
 * `tmp.txt`). A client that reads the body as a form turns each `+` into a space. Only `&`, `%` and line
 * breaks, which would end or garble a pair, are escaped: no recording shows a value holding one
 * (*inferred*).
 */
export function writeText(entries: readonly AnswerEntry[]): string {
  return entries
    .filter((entry) => entry.value !== undefined)
    .map((entry) => `${entry.name}=${rawTextValue(entry.value ?? '')}`)
    .join('&');
}

function rawTextValue(value: string): string {
  return value.replace(/[%&\r\n]/g, (character) => encodeURIComponent(character));
}

export function writeXml(root: string, entries: readonly AnswerEntry[]): string {
  const present = entries.filter((entry) => entry.value !== undefined);
  const element = (entry: AnswerEntry): string =>
    `<${elementOf(entry)}>${escapeXml(entry.value ?? '')}</${elementOf(entry)}>`;
  const lines: string[] = [];
  const groupsWritten = new Set<string>();
  for (const entry of present) {
    if (entry.group === undefined) {
      lines.push(`\t${element(entry)}`);
      continue;
    }
    if (groupsWritten.has(entry.group)) continue;
    groupsWritten.add(entry.group);
    const members = present.filter((member) => member.group === entry.group);
    lines.push(
      `\t<${entry.group}>`,
      ...members.map((member) => `\t\t${element(member)}`),
      `\t</${entry.group}>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>\n${lines.join('\n')}\n</${root}>`;
}

export function writeAnswer(format: AnswerFormat, entries: readonly AnswerEntry[]): string {
  return format === 'xml' ? writeXml('transaction', entries) : writeText(entries);
}

/** A refusal of the request itself (bad key, bad field): `Code=..&Message=..` or `<error>`. */
export function writeFormatError(format: AnswerFormat, code: string, message: string): string {
  const entries: AnswerEntry[] = [
    { name: 'Code', value: code },
    { name: 'Message', value: message },
  ];
  return format === 'xml' ? writeXml('error', entries) : writeText(entries);
}

/** A protocol-shaped but broken answer, for the `malformed` fault. */
export function writeMalformed(format: AnswerFormat, route: string): string {
  if (format === 'xml') return '<?xml version="1.0" encoding="utf-8"?>\n<transaction>\n\t<id>59';
  return route === 'search' ? 'TransactionId=&Amount&Status=' : 'Id=&Operation=Auth&Result';
}

/** Messages for the format-error codes the emulator uses (PayOnline's "Response codes" table). */
export const FORMAT_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  '4004': 'Incorrect card number',
  '4005': 'Incorrect card holder name',
  '4006': 'Incorrect card verification code',
  '4007': 'Incorrect card expiration date',
  '4008': 'Incorrect country',
  '4014': 'Card expired',
  '4016': 'Order already paid',
  '4017': 'Incorrect email',
  '4018': 'Incorrect ipaddress',
  '4021': 'Incorrect RebillAnchor',
  '4024': 'Incorrect security key',
  '4025': 'Incorrect order ID',
  '4026': 'Incorrect currency',
  '4027': 'Incorrect merchant',
  '4029': 'Incorrect transaction ID',
  '4300': 'Incorrect params',
};

/** Browsers post the card straight to the processor: Auth and 3DS must answer cross-origin reads. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
} as const;

const CONTENT_TYPES: Readonly<Record<AnswerFormat, string>> = {
  text: 'text/plain; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** Writes an answer body in its format (200), with CORS for the routes a browser calls. */
export function respond(res: ServerResponse, format: AnswerFormat, body: string, cors = false): void {
  res.writeHead(200, { 'content-type': CONTENT_TYPES[format], ...(cors ? CORS_HEADERS : {}) }).end(body);
}

/** Writes a refusal of the request itself with PayOnline's message for the code. */
export function respondFormatError(
  res: ServerResponse,
  format: AnswerFormat,
  code: string,
  cors = false,
): void {
  respond(res, format, writeFormatError(format, code, FORMAT_ERROR_MESSAGES[code] ?? 'Error'), cors);
}

export function respondHtml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}
