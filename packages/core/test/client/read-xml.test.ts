import { describe, expect, it } from 'vitest';
import { readXml } from '../../src/client/read-xml.js';

describe('readXml, the XML reader of the XML gateways', () => {
  it('reads elements, attributes (entities decoded), text and CDATA in one pass', () => {
    const root = readXml(
      '<?xml version="1.0"?><!-- c --><GetList Success="True" Holder=\'O&apos;NEIL &amp; SON\'>' +
        '<Item CardId="c1"><Param Key="k" Value="v"/></Item><note><![CDATA[a<b]]> &lt;c&gt;</note></GetList>',
    );
    expect(root?.name).toBe('GetList');
    expect(root?.attributes).toEqual({ Success: 'True', Holder: "O'NEIL & SON" });
    expect(root?.children.map((child) => child.name)).toEqual(['Item', 'note']);
    expect(root?.children[0]?.children[0]?.attributes).toEqual({ Key: 'k', Value: 'v' });
    expect(root?.children[1]?.text).toBe('a<b <c>');
  });

  it('keeps an attribute named __proto__ as data', () => {
    const root = readXml('<a __proto__="x" b="y"/>');
    expect(Object.getPrototypeOf(root?.attributes)).toBe(Object.prototype);
    expect(Object.entries(root?.attributes ?? {})).toEqual([
      ['__proto__', 'x'],
      ['b', 'y'],
    ]);
  });

  it.each([
    ['truncated', '<GetList Success="True" VWUserLgn="cu'],
    ['closed by another name', '<GetList Success="True"></Check>'],
    ['a child never closed', '<GetList><Item CardId="c1"></GetList>'],
    ['two roots', '<a/><b/>'],
    ['an attribute given twice', '<a b="1" b="2"/>'],
    ['an unquoted attribute', '<a b=1/>'],
    ['a < in an attribute', '<a b="<"/>'],
    ['attributes on a closing tag', '<a></a b="1">'],
    ['text after the root', '<a/>junk'],
    ['a DOCTYPE after the root', '<a/><!DOCTYPE a>'],
    ['no element at all', 'just text'],
  ])('refuses %s', (_label, xml) => {
    expect(readXml(xml)).toBeUndefined();
  });
});
