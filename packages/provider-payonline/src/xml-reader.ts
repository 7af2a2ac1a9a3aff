/**
 * A deliberately small XML reader for PayOnline's answers (`<transaction>`, `<error>`, `<list>`): elements
 * and text only. Attributes are skipped, DTDs are not expanded (no entity tricks), and anything that is
 * not well-formed is refused. It has no dependencies so the client entry (browsers, React Native) can
 * use it too.
 */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  /** The element's own text (CDATA included), entities decoded, not trimmed. */
  text: string;
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/y;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]+);/g, (match, entity: string) => {
    if (entity.startsWith('#x')) return safeCodePoint(Number.parseInt(entity.slice(2), 16), match);
    if (entity.startsWith('#')) return safeCodePoint(Number.parseInt(entity.slice(1), 10), match);
    return Object.hasOwn(NAMED_ENTITIES, entity) ? (NAMED_ENTITIES[entity] ?? match) : match;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/** Parses one document; returns undefined when it is not well-formed XML with exactly one root. */
export function readXml(source: string): XmlElement | undefined {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  let position = 0;
  while (position < source.length) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(source);
    if (!match) return undefined;
    position = TOKEN.lastIndex;
    const [whole, cdata, closing, name, , selfClosing, text] = match;
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
      if (!current || current.name !== name || selfClosing === '/') return undefined;
      stack.pop();
      continue;
    }
    const element: XmlElement = { name, children: [], text: '' };
    if (current) current.children.push(element);
    else if (root) return undefined;
    else root = element;
    if (selfClosing !== '/') stack.push(element);
  }
  return stack.length === 0 ? root : undefined;
}
