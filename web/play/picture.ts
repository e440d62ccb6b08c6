/**
 * The picture of POST /v1/render (SVG drawn by the service), put into the page as nodes: parsed
 * as SVG, never as HTML, so that nothing in it can run. Each value's box is found by its id,
 * which the service gives the box's group (`id="value-z"`, src/core/render/dot.ts); a part of a
 * statement, labelled with its formula, also names its statement (`class="part-of-L"`). The box
 * is then a button (a click, or Enter from the keyboard, asks for its details), and the
 * explanation's current step highlights its box.
 */

/** What the page knows of a box chosen: its id, what the picture calls it, and for a part of a statement, that statement's id. */
export interface BoxChosen {
  id: string;
  label: string;
  partOf?: string;
}

const ID_PREFIX = 'value-';
const PART_PREFIX = 'part-of-';

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
    if (!node.id.startsWith(ID_PREFIX)) continue;
    node.dataset.id = node.id.slice(ID_PREFIX.length);
    // Its id is the service's, not the page's: two pictures, or a page's own element, never share it.
    node.removeAttribute('id');
    const part = [...node.classList].find((name) => name.startsWith(PART_PREFIX));
    if (part) node.dataset.partOf = part.slice(PART_PREFIX.length);
    // data-name, not data-label: that one names a word of the page's (language.ts applyWords).
    node.dataset.name = node.querySelector('text[font-weight="bold"]')?.textContent ?? node.dataset.id;
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
  }
  frame.replaceChildren(shown);
}

/**
 * Marks the box of `id` as the one the explanation is at (none: no box marked), and scrolls the
 * picture sideways to it when it is out of view: only the picture, never the page, which stays at
 * the step being read.
 */
export function highlight(frame: HTMLElement, id: string | undefined): void {
  let current: SVGGElement | undefined;
  for (const node of frame.querySelectorAll<SVGGElement>('g.node[data-id]')) {
    const at = node.dataset.id === id;
    node.classList.toggle('current', at);
    if (at) current = node;
  }
  if (!current || frame.hidden) return;
  const box = current.getBoundingClientRect();
  const view = frame.getBoundingClientRect();
  if (box.left < view.left || box.right > view.right)
    frame.scrollLeft += box.left - view.left - (view.width - box.width) / 2;
}

/** Calls `choose` with the box clicked, or the box focused when Enter or Space is pressed. */
export function onBoxChosen(frame: HTMLElement, choose: (box: BoxChosen) => void): void {
  const chosen = (target: EventTarget | null) => (target as Element | null)?.closest<SVGGElement>('g.node[data-id]');
  const boxOf = ({ dataset }: SVGGElement): BoxChosen => ({
    id: dataset.id!,
    label: dataset.name!,
    ...(dataset.partOf !== undefined && { partOf: dataset.partOf }),
  });
  frame.addEventListener('click', (event) => {
    const node = chosen(event.target);
    if (node) choose(boxOf(node));
  });
  frame.addEventListener('keydown', (event) => {
    const node = chosen(event.target);
    if (!node || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    choose(boxOf(node));
  });
}
