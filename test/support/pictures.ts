/**
 * Independent readers of the pictures POST /v1/render draws: an XML parser (jsdom's), Graphviz's
 * own layout (@viz-js/viz) and Mermaid's own parser. Mermaid sanitizes labels with DOMPurify,
 * which needs a DOM: jsdom's window is installed as the global one before Mermaid loads.
 */
import { instance } from '@viz-js/viz';
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
Object.assign(globalThis, { window, document: window.document });
const { default: mermaid } = await import('mermaid');

/** The SVG's text elements with their positions, after checking that it is well-formed XML with an <svg> root. */
export function svgTextElements(svg: string): { text: string; x: number; y: number }[] {
  const doc = new window.DOMParser().parseFromString(svg, 'image/svg+xml');
  if (doc.getElementsByTagName('parsererror').length > 0 || doc.documentElement.nodeName !== 'svg') {
    throw new Error(`not well-formed SVG: ${doc.documentElement.textContent?.slice(0, 500)}`);
  }
  return Array.from(doc.getElementsByTagName('text'), (t) => ({
    text: t.textContent ?? '',
    x: Number(t.getAttribute('x')),
    y: Number(t.getAttribute('y')),
  }));
}

/** The SVG's texts (svgTextElements). */
export const svgTexts = (svg: string): string[] => svgTextElements(svg).map((t) => t.text);

/** Graphviz's errors laying out a DOT graph (warnings left out): [] when it draws it. */
export async function layoutErrors(dot: string): Promise<string[]> {
  const result = (await instance()).render(dot, { format: 'svg' });
  const errors = result.errors.filter((e) => e.level !== 'warning').map((e) => e.message);
  return result.status === 'success' ? errors : ['layout failed', ...errors];
}

/** The diagram type Mermaid's own parser reads; it throws on text Mermaid refuses. */
export async function mermaidType(text: string): Promise<string> {
  const result = await mermaid.parse(text);
  if (!result) throw new Error('Mermaid refused the diagram');
  return result.diagramType;
}
