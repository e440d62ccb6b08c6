/**
 * What the student page (web/play) reads from text, without a browser: the leaves as a student
 * types them, the URL's hash it shares, and where each value of a JSON spec starts (an error's
 * place). The page itself is tested in Chromium (test/browser/play.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { jsonPlaces, lineAndColumn } from '../../web/play/json-places.js';
import { readHash, writeHash } from '../../web/play/share.js';
import { readLeaves, readNumber, roundNumber, writeLeaves } from '../../web/play/values.js';

describe('the leaves typed', () => {
  it('reads a decimal point or comma and either minus sign, and a tensor as a JSON list', () => {
    expect(readNumber('0,5')).toBe(0.5);
    expect(readNumber('\u22121')).toBe(-1);
    expect(readNumber('2.5e-3')).toBe(0.0025);
    expect(readNumber('two')).toBeNaN();
    expect(readLeaves('w = \u22120,2; b = 0.4\nv = [0.5, \u22121]')).toEqual({
      ok: true,
      leaves: { w: -0.2, b: 0.4, v: [0.5, -1] },
    });
  });

  it('names the slip, in both languages', () => {
    const read = readLeaves('w = two');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.message.en).toMatch(/^'two' \(w\) is not a number/);
    expect(read.message['pt-BR']).toMatch(/^'two' \(w\) não é um número/);
    expect(readLeaves('w 0.5').ok).toBe(false);
  });

  it('writes them back in the language, a decimal comma and the minus sign in pt-BR', () => {
    expect(writeLeaves({ w: -0.2, b: 0.4 }, 'pt-BR')).toBe('w = \u22120,2; b = 0,4');
    expect(writeLeaves({ w: -0.2, b: 0.4 }, 'en')).toBe('w = \u22120.2; b = 0.4');
  });

  it('rounds a result to 6 significant figures, as the explanation writes it', () => {
    // The tutorial's exercise: dL/dx = −0.022284709227322688 (docs/api.md, POST /v1/gradients).
    expect(roundNumber(-0.022284709227322688, 'en')).toBe('\u22120.0222847');
    expect(roundNumber(-0.022284709227322688, 'pt-BR')).toBe('\u22120,0222847');
    expect(roundNumber(2, 'en')).toBe('2');
  });
});

describe('the URL shared', () => {
  it('holds the graph and its numbers, a JSON spec, or an exercise and its seed, and reads them back', () => {
    const notation = {
      kind: 'notation',
      expr: 'u = w*x; L = u^2',
      inputs: 'x = 3',
      params: 'w = \u22120,2',
      lr: '0,1',
    };
    expect(readHash(writeHash(notation as never))).toEqual(notation);
    const json = { kind: 'json', spec: '{"neuron": {"x": 3}}', lr: '0.1' };
    expect(readHash(writeHash(json as never))).toEqual(json);
    expect(readHash('#template=neuron-sigmoid&seed=7')).toEqual({
      kind: 'exercise',
      template: 'neuron-sigmoid',
      seed: '7',
    });
    expect(readHash('')).toBeUndefined();
    expect(readHash('#lr=0.1')).toBeUndefined();
  });
});

describe('the places in a JSON spec', () => {
  it('finds each member by its key, and each element of a list, by the paths the service writes', () => {
    const text =
      '{\n  "graph": {\n    "nodes": [\n      { "id": "u", "args": ["w", "q"] }\n    ]\n  },\n  "a\\"b": 1\n}';
    const places = jsonPlaces(text);
    expect(places.get('graph')).toBe(text.indexOf('"graph"'));
    expect(places.get('graph.nodes[0]')).toBe(text.indexOf('{ "id"'));
    expect(places.get('graph.nodes[0].args[1]')).toBe(text.indexOf('"q"'));
    expect(places.get('a"b')).toBe(text.indexOf('"a\\"b"'));
    expect(lineAndColumn(text, text.indexOf('"q"'))).toEqual({
      line: 4,
      column: text.split('\n')[3].indexOf('"q"') + 1,
    });
  });
});
