/**
 * The XML reader of cardbind's providers, for gateway answers (Payture's vwapi elements, PayOnline's
 * `<transaction>`, `<error>` and `<list>`): elements with their attributes and text, read in one pass.
 * DTDs are not expanded (no entity tricks), and anything that is not well-formed — a truncated body,
 * a tag closed by another name, a second root, an attribute given twice — is refused. No dependencies
 * and no Node built-ins, so PayOnline's client entry (browsers, React Native) uses it too.
 *
 * Why not fast-xml-parser, which Payture used before: without its validator it accepts truncated and
 * mismatched documents, and with it every answer is read twice; this reader was 3–4× faster on
 * Payture's GetList and Init answers and 7× on PayOnline's 3-D Secure answer (Node 20). Here in core's
 * client entry so that every XML gateway's provider (and PayOnline's browser client) shares one copy.
 */
export interface XmlElement {
  readonly name: string;
  /** Entities decoded, in document order. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** The element's own text (CDATA included), entities decoded, not trimmed. */
  text: string;
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/y;

const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]+);/g, (match, entity: string) => {
    if (entity.startsWith('#x')) return safeCodePoint(Number.parseInt(entity.slice(2), 16), match);
    if (entity.startsWith('#')) return safeCodePoint(Number.parseInt(entity.slice(1), 10), match);
    return Object.hasOwn(NAMED_ENTITIES, entity) ? (NAMED_ENTITIES[entity] ?? match) : match;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/** The attributes of one start tag; undefined when a name comes twice (not well-formed). */
function readAttributes(source: string): Readonly<Record<string, string>> | undefined {
  if (source === '') return {};
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  for (const [, name = '', doubleQuoted, singleQuoted] of source.matchAll(ATTRIBUTE)) {
    if (seen.has(name)) return undefined;
    seen.add(name);
    entries.push([name, decodeEntities(doubleQuoted ?? singleQuoted ?? '')]);
  }
  // fromEntries defines each name as an own property: an attribute called `__proto__` stays data.
  return Object.fromEntries(entries);
}

/** Parses one document; returns undefined when it is not well-formed XML with exactly one root. */
export function readXml(source: string): XmlElement | undefined {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let position = 0;
  while (position < source.length) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(source);
    if (!match) return undefined;
    position = TOKEN.lastIndex;
    const [whole, cdata, closing, name, attributeSource = '', selfClosing, text] = match;
    const current = stack[stack.length - 1];
    if (text !== undefined || cdata !== undefined) {
      const content = cdata ?? decodeEntities(text ?? '');
      if (current) current.text += content;
      else if (content.trim() !== '') return undefined;
      continue;
    }
    if (name === undefined) {
      if (whole.startsWith('<!DOCTYPE') && root) return undefined;
      continue;
    }
    if (closing === '/') {
      if (!current || current.name !== name || selfClosing === '/' || attributeSource !== '')
        return undefined;
      stack.pop();
      continue;
    }
    const attributes = readAttributes(attributeSource);
    if (!attributes) return undefined;
    const element: XmlElement = { name, attributes, children: [], text: '' };
    if (current) current.children.push(element);
    else if (root) return undefined;
    else root = element;
    if (selfClosing !== '/') stack.push(element);
  }
  return stack.length === 0 ? root : undefined;
}
