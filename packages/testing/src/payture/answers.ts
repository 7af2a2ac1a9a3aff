import type { ServerResponse } from 'node:http';

export type XmlValue = string | number | boolean | undefined;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attributeText(attributes: Readonly<Record<string, XmlValue>>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([name, value]) => {
      const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
      return ` ${name}="${escapeAttribute(text)}"`;
    })
    .join('');
}

/** One element with attributes only, or with child elements: how vwapi answers look. */
export function xmlElement(
  name: string,
  attributes: Readonly<Record<string, XmlValue>>,
  children: readonly string[] = [],
): string {
  if (children.length === 0) return `<${name}${attributeText(attributes)} />`;
  return `<${name}${attributeText(attributes)}>\n  ${children.join('\n  ')}\n</${name}>`;
}

/** Writes a vwapi answer as Payture serves it: 200, `text/xml; charset=utf-8`, no XML declaration. */
export function writeXml(res: ServerResponse, xml: string): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(xml);
}

export function successXml(
  command: string,
  attributes: Readonly<Record<string, XmlValue>> = {},
  children: readonly string[] = [],
): string {
  return xmlElement(command, { Success: true, ...attributes }, children);
}

export function failureXml(command: string, errCode: string): string {
  return xmlElement(command, { Success: false, ErrCode: errCode });
}

/** A truncated answer: what a dropped upstream connection behind Payture's balancer looks like. */
export function malformedXml(command: string): string {
  return `<${command} Success="True" SessionId="36a02faf-ae1b`;
}
