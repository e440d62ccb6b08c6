/**
 * Markdown as the XHTML that a QTI 2.1 `itemBody` or `modalFeedback` takes (imsqti_v2p1p2.xsd): well-formed
 * XML (`<br/>`, `<hr/>`, every attribute value escaped), and only the elements and attributes that schema
 * declares. HTML has more than QTI does, so what has no QTI element is kept as its text: a strikethrough,
 * a task list's checkbox (`[x]`), a list's start number, a cell's alignment, a link's or image's title.
 * HTML written in the Markdown is text to show, as in every other format (common.ts).
 */
import { Marked, type Tokens } from 'marked';
import { escapeXml } from './common.js';

/** XML 1.0's Char production: what a document may hold, even as a character reference. */
const isXmlChar = (c: number): boolean =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;

/** Text as XML 1.0 can hold it: a control character or a lone surrogate is dropped, rather than a file that does not parse. */
export function xmlChars(text: string): string {
  let out = '';
  // By code point: a pair of surrogates is one character, a lone one is refused.
  for (const ch of text) if (isXmlChar(ch.codePointAt(0)!)) out += ch;
  return out;
}

const qtiMarkdown = new Marked({
  renderer: {
    html: ({ text }) => escapeXml(text),
    code: ({ text }) => `<pre><code>${escapeXml(text.replace(/\n$/, ''))}\n</code></pre>\n`,
    hr: () => '<hr/>\n',
    br: () => '<br/>',
    list(token: Tokens.List) {
      const tag = token.ordered ? 'ol' : 'ul';
      return `<${tag}>\n${token.items.map((item) => this.listitem(item)).join('')}</${tag}>\n`;
    },
    listitem(item: Tokens.ListItem) {
      const box = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
      return `<li>${box}${this.parser.parse(item.tokens, !!item.loose)}</li>\n`;
    },
    tablecell(cell: Tokens.TableCell) {
      const tag = cell.header ? 'th' : 'td';
      return `<${tag}>${this.parser.parseInline(cell.tokens)}</${tag}>\n`;
    },
    del({ tokens }) {
      return this.parser.parseInline(tokens);
    },
    link({ href, tokens }) {
      return `<a href="${escapeXml(href)}">${this.parser.parseInline(tokens)}</a>`;
    },
    image({ href, text }) {
      return `<img src="${escapeXml(href)}" alt="${escapeXml(text)}"/>`;
    },
  },
});

/** A statement or a worked solution (Markdown) as QTI 2.1 XHTML. */
export const qtiXhtmlOf = (markdown: string): string =>
  xmlChars(qtiMarkdown.parse(markdown, { async: false }) as string);
