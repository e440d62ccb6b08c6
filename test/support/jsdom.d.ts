/**
 * The little of jsdom the tests use (pictures.ts). @types/jsdom is not installed: it brings the
 * DOM library into the type check of the whole project, src/ included.
 */
declare module 'jsdom' {
  interface XmlElement {
    readonly nodeName: string;
    readonly textContent: string | null;
    getAttribute(name: string): string | null;
  }
  interface XmlDocument {
    readonly documentElement: XmlElement;
    getElementsByTagName(name: string): ArrayLike<XmlElement>;
  }
  export class JSDOM {
    constructor(html?: string);
    readonly window: {
      readonly document: unknown;
      readonly DOMParser: new () => { parseFromString(text: string, type: 'image/svg+xml'): XmlDocument };
    };
  }
}
