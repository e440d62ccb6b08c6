/**
 * An exercise's statement (Markdown, as POST /v1/exercises writes it) as the page's own nodes:
 * headings, paragraphs, bulleted and numbered lists, `code` and **bold**. Built from text nodes
 * only, never parsed as HTML, so that nothing in a statement can be markup.
 */

/** `code` and **bold** within a line. */
function inline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
    const element = document.createElement(m[1] !== undefined ? 'code' : 'strong');
    element.textContent = m[1] ?? m[2];
    nodes.push(element);
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

export function showStatement(frame: HTMLElement, markdown: string): void {
  const blocks: HTMLElement[] = [];
  let list: HTMLElement | undefined;
  let paragraph: HTMLElement | undefined;
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const item = /^(?:[-*]|(\d+)\.)\s+(.*)$/.exec(line);
    if (line === '' || heading) {
      list = paragraph = undefined;
      if (heading) {
        const h = document.createElement('h3');
        h.append(...inline(heading[1]));
        blocks.push(h);
      }
    } else if (item) {
      paragraph = undefined;
      const kind = item[1] !== undefined ? 'OL' : 'UL';
      if (list?.tagName !== kind) blocks.push((list = document.createElement(kind === 'OL' ? 'ol' : 'ul')));
      const li = document.createElement('li');
      li.append(...inline(item[2]));
      list.append(li);
    } else if (paragraph) {
      paragraph.append(' ', ...inline(line));
    } else {
      list = undefined;
      blocks.push((paragraph = document.createElement('p')));
      paragraph.append(...inline(line));
    }
  }
  frame.replaceChildren(...blocks);
}
