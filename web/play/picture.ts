/**
 * The picture of POST /v1/render (SVG drawn by the service), put into the page as nodes: parsed
 * as SVG, never as HTML, so that nothing in it can run. Each value's box is found by its id,
 * which the service writes in bold as the box's first cell (src/core/render/dot.ts): the box is
 * then a button (a click, or Enter from the keyboard, asks for its details), and the
 * explanation's current step highlights its box.
 */
export function showPicture(frame: HTMLElement, svgText: string, label: string): void {
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = parsed.documentElement;
  if (svg.nodeName !== 'svg') return;
  for (const script of svg.querySelectorAll('script, foreignObject')) script.remove();
  // A group, not an image: its boxes are buttons, read by their own text (id, value, gradient).
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', label);
  const shown = document.importNode(svg, true);
  for (const node of shown.querySelectorAll<SVGGElement>('g.node')) {
    const id = node.querySelector('text[font-weight="bold"]')?.textContent;
    if (!id) continue;
    node.dataset.id = id;
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
  }
  frame.replaceChildren(shown);
}

/** Marks the box of `id` as the one the explanation is at (none: no box marked). */
export function highlight(frame: HTMLElement, id: string | undefined): void {
  for (const node of frame.querySelectorAll<SVGGElement>('g.node[data-id]')) {
    node.classList.toggle('current', node.dataset.id === id);
  }
}

/** Calls `choose` with the id of a box clicked, or of a box focused when Enter or Space is pressed. */
export function onBoxChosen(frame: HTMLElement, choose: (id: string) => void): void {
  const chosen = (target: EventTarget | null) => (target as Element | null)?.closest<SVGGElement>('g.node[data-id]');
  frame.addEventListener('click', (event) => {
    const node = chosen(event.target);
    if (node) choose(node.dataset.id!);
  });
  frame.addEventListener('keydown', (event) => {
    const node = chosen(event.target);
    if (!node || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    choose(node.dataset.id!);
  });
}
