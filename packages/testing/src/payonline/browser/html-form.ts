/** HTML helpers of the emulated bank pages. */

export interface ParsedHtmlForm {
  readonly action: string;
  readonly method: string;
  readonly fields: Record<string, string>;
}

function decodeHtml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_match, entity: string) => {
    switch (entity) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(
          entity.startsWith('#x')
            ? Number.parseInt(entity.slice(2), 16)
            : Number.parseInt(entity.slice(1), 10),
        );
    }
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  const raw = match?.[2] ?? match?.[3];
  return raw === undefined ? undefined : decodeHtml(raw);
}

/**
 * Reads the first `<form>` of a page the way a browser would submit it: its action, method and the
 * named `<input>` values (attribute values decoded). Tests use it to "click" auto-submit pages.
 */
export function readHtmlForm(html: string): ParsedHtmlForm | undefined {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const openTag = /<form\b[^>]*>/i.exec(form[0])?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form[1]?.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attribute(input, 'name');
    if (name !== undefined) fields[name] = attribute(input, 'value') ?? '';
  }
  return {
    action: attribute(openTag, 'action') ?? '',
    method: (attribute(openTag, 'method') ?? 'GET').toUpperCase(),
    fields,
  };
}
