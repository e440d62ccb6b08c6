/** XML read back in tests: a small tree from saxes, and the lookups the export tests make. */
import { SaxesParser } from 'saxes';
import { expect } from 'vitest';

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** The document as a tree: each element's attributes, children and its own text (CDATA sections joined, entities read). */
export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  const root: XmlNode = { name: '#document', attributes: {}, children: [], text: '' };
  const open: XmlNode[] = [root];
  parser.on('opentag', (tag) => {
    const node: XmlNode = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    open.at(-1)!.children.push(node);
    open.push(node);
  });
  parser.on('closetag', () => void open.pop());
  parser.on('text', (t) => void (open.at(-1)!.text += t));
  parser.on('cdata', (t) => void (open.at(-1)!.text += t));
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
  return root.children[0];
}

export const child = (node: XmlNode, name: string): XmlNode => {
  const found = node.children.filter((c) => c.name === name);
  expect(found, `one <${name}> in <${node.name}>`).toHaveLength(1);
  return found[0];
};
export const textOf = (node: XmlNode, name: string): string => child(child(node, name), 'text').text;
