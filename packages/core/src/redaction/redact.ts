import { maskPan } from '../card.js';
import { CardBindingError } from '../errors.js';
import { passesLuhn } from '../luhn.js';
import { Secret } from '../secret.js';
import { RedactionRules, type RedactionRulesInput } from './redaction-rules.js';
import { type FieldTreatment, genericTreatment, normaliseFieldName } from './secret-fields.js';

export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 8;

// A run of 13-19 digits, optionally grouped by single spaces or dashes, not glued to other digits.
const PAN_CANDIDATE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

/** Masks every 13-19 digit run that passes Luhn (first 6 / last 4 kept). */
export function maskPansInText(text: string): string {
  return text.replace(PAN_CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    return passesLuhn(digits) ? maskPan(digits) : match;
  });
}

// key=value pairs in form bodies, query strings and Payture DATA (`;`-separated), wherever they stand in
// free text (`(VWUserPsw=...)`, `cfg.password=...`). Keys are letters, digits, `_` and `-`.
const KEY_VALUE = /(^|[^\w-])([A-Za-z][\w-]*)=([^&;\s"']*)/g;
// XML attributes and other quoted assignments, either quote (`Key="value"`, `Key='value'`).
const QUOTED_VALUE = /([A-Za-z][\w-]*)=(?:"([^"]*)"|'([^']*)')/g;
// JSON string (escapes included) or number values: a numeric CVV is as secret as a quoted one.
const JSON_FIELD = /"([A-Za-z][\w-]*)"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d[\d.eE+-]*))/g;
// XML element content (PayOnline's ContentType=xml answers: `<rebillAnchor>...</rebillAnchor>`), also
// with a namespace prefix, attributes or a CDATA section.
const XML_ELEMENT =
  /<((?:[A-Za-z][\w-]*:)?([A-Za-z][\w-]*))(\s[^>]*)?>(<!\[CDATA\[[\s\S]*?\]\]>|[^<]*)<\/\1>/g;

// Credentials in a URL's authority (`postgres://app:secret@db/...`, `https://user:pass@host`): a driver
// or a host's config error may quote a connection string. The user name stays, the password goes.
const URL_CREDENTIALS = /\b([a-z][a-z\d+.-]*:\/\/)([^\s:@/?#]*):([^\s@/?#]*)@/gi;

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * Redaction with a given set of rules: the generic ones plus what each provider contributed. The
 * container builds one from every provider's rules and wraps its logger in it; `redact` and
 * `redactText` below use the generic rules alone.
 */
export class Redactor {
  readonly #drop: ReadonlySet<string>;
  readonly #maskPan: ReadonlySet<string>;
  readonly #patterns: readonly RegExp[];

  constructor(input: readonly RedactionRulesInput[] = []) {
    const rules = input.map((rule) => RedactionRules.parse(rule));
    this.#drop = new Set(rules.flatMap((rule) => rule.dropFields.map(normaliseFieldName)));
    this.#maskPan = new Set(rules.flatMap((rule) => rule.maskPanFields.map(normaliseFieldName)));
    // Global and sticky-free copies: a caller's `lastIndex` never leaks between calls.
    this.#patterns = rules.flatMap((rule) =>
      rule.patterns.map((pattern) => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g')),
    );
  }

  treatment(name: string): FieldTreatment {
    const normalised = normaliseFieldName(name);
    if (this.#drop.has(normalised)) return 'drop';
    if (this.#maskPan.has(normalised)) return 'mask-pan';
    return genericTreatment(normalised);
  }

  /**
   * Redacts a wire body or URL: secret fields by name in form, DATA, XML-attribute, XML-element and
   * JSON syntax, credentials in URLs, the contributed patterns, then any PAN-looking digit run.
   */
  redactText(text: string): string {
    const byName = text
      .replace(
        KEY_VALUE,
        (_m, lead: string, key: string, value: string) => `${lead}${key}=${this.#treatValue(key, value)}`,
      )
      .replace(
        QUOTED_VALUE,
        (match: string, key: string, double: string | undefined, single: string | undefined) =>
          double !== undefined
            ? `${key}="${this.#treatValue(key, double)}"`
            : single !== undefined
              ? `${key}='${this.#treatValue(key, single)}'`
              : match,
      )
      .replace(
        JSON_FIELD,
        (match: string, key: string, value: string | undefined, number: string | undefined) =>
          value !== undefined
            ? `"${key}":"${this.#treatValue(key, value)}"`
            : number !== undefined
              ? `"${key}":${this.treatment(key) === 'keep' ? number : `"${this.#treatValue(key, number)}"`}`
              : match,
      )
      .replace(
        XML_ELEMENT,
        (_m, tag: string, localName: string, attributes: string | undefined, value: string) =>
          `<${tag}${attributes ?? ''}>${this.#treatValue(localName, value)}</${tag}>`,
      )
      .replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
    return maskPansInText(this.#applyPatterns(byName));
  }

  /**
   * Returns a deep copy of `value` that is safe to log: Secrets print `***`, secret fields are dropped
   * by name, card-number fields and PAN-looking strings are masked, errors keep only safe fields.
   */
  redact(value: unknown): unknown {
    return this.#redactValue(value, 0, new WeakSet());
  }

  #applyPatterns(text: string): string {
    let out = text;
    for (const pattern of this.#patterns) {
      out = out.replace(pattern, (match: string, ...rest: unknown[]) => {
        const group = rest[0];
        return typeof group === 'string' && group !== '' ? match.replace(group, REDACTED) : REDACTED;
      });
    }
    return out;
  }

  #treatValue(key: string, value: string): string {
    switch (this.treatment(key)) {
      case 'drop':
        return value === '' ? '' : REDACTED;
      case 'mask-pan': {
        const digits = decodeSafely(value).replace(/\D/g, '');
        return digits.length >= 12 ? maskPan(digits) : value === '' ? '' : REDACTED;
      }
      case 'keep':
        return value;
    }
  }

  #redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (
      (typeof value === 'number' && Number.isInteger(value) && String(value).length >= 13) ||
      typeof value === 'bigint'
    ) {
      return this.redactText(String(value));
    }
    if (typeof value !== 'object' || value === null) return value;
    if (value instanceof Secret) return value.toString();
    if (value instanceof Date) return value;
    // A provider may have built the message from a body: its safe fields are still redacted text.
    if (value instanceof CardBindingError) return this.#redactValue(value.toFailure(), depth + 1, seen);
    if (value instanceof Error) return { name: value.name, message: this.redactText(value.message) };
    if (value instanceof Uint8Array) return '[binary]';
    if (seen.has(value)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.#redactValue(item, depth + 1, seen));
    if (value instanceof URLSearchParams) return this.redactText(value.toString());
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const treatment = this.treatment(key);
      if (treatment === 'drop') out[key] = item === '' || item === undefined ? item : REDACTED;
      else if (
        treatment === 'mask-pan' &&
        (typeof item === 'string' || typeof item === 'number' || typeof item === 'bigint')
      ) {
        out[key] = this.#treatValue(key, String(item));
      } else out[key] = this.#redactValue(item, depth + 1, seen);
    }
    return out;
  }
}

/** The generic rules alone, for code outside a container (errors' causes, a store's guard). */
export const genericRedactor = new Redactor();

/** `genericRedactor.redactText`: a wire body or URL with secrets dropped and PANs masked. */
export function redactText(text: string): string {
  return genericRedactor.redactText(text);
}

/** `genericRedactor.redact`: a deep copy of `value` that is safe to log. */
export function redact(value: unknown): unknown {
  return genericRedactor.redact(value);
}
