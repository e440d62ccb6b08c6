/**
 * What is on screen as a URL, as TensorFlow Playground shares its state, in the URL's hash
 * (which never leaves the browser): the statements, the numbers and the learning rate
 * (`#expr=…&inputs=…&params=…&lr=…`), a JSON spec (`#spec=…&lr=…`), or a template exercise and
 * its seed (`#template=neuron-sigmoid&seed=7`). Opening such a URL opens that graph, computed.
 */
export type Shared =
  | { kind: 'notation'; expr: string; inputs: string; params: string; lr: string }
  | { kind: 'json'; spec: string; lr: string }
  | { kind: 'exercise'; template: string; seed: string };

export function writeHash(shared: Shared): string {
  const { kind: _kind, ...fields } = shared;
  return `#${new URLSearchParams(fields).toString()}`;
}

/** What a hash holds; undefined when it holds no graph. */
export function readHash(hash: string): Shared | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const get = (name: string) => params.get(name) ?? '';
  if (params.get('template')) return { kind: 'exercise', template: get('template'), seed: get('seed') };
  if (params.get('spec')) return { kind: 'json', spec: get('spec'), lr: get('lr') };
  if (params.get('expr'))
    return { kind: 'notation', expr: get('expr'), inputs: get('inputs'), params: get('params'), lr: get('lr') };
  return undefined;
}
