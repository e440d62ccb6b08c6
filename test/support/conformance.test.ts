import { describe, expect, it } from 'vitest';
import { checkCase } from './conformance.js';

/** The checker must be able to fail, or the conformance suite proves nothing. */
describe('conformance checker', () => {
  const c = {
    name: 'c',
    endpoint: '/v1/forward',
    expect: { 'values.u': 1.5, 'local.of=u&wrt=w.value': 2, 'values.r': '-Infinity' },
    rtol: 1e-9,
    atol: 1e-12,
  };
  const body = (u: number, local: number, r: unknown) =>
    JSON.stringify({
      values: { u, r },
      local: [
        { of: 'u', wrt: 'x', value: 9 },
        { of: 'u', wrt: 'w', value: local },
      ],
    });

  it('passes a response within tolerance', () => {
    expect(checkCase(c, 200, 'application/json', body(1.5 + 1e-12, 2, '-Infinity'))).toEqual([]);
  });
  it('fails a number outside tolerance, a wrong selector match and a wrong non-finite string', () => {
    expect(checkCase(c, 200, 'application/json', body(1.5001, 2, '-Infinity'))).toHaveLength(1);
    expect(checkCase(c, 200, 'application/json', body(1.5, 9, '-Infinity'))).toHaveLength(1);
    expect(checkCase(c, 200, 'application/json', body(1.5, 2, 'Infinity'))).toHaveLength(1);
  });
  it('fails a wrong status and a problem without the expected error path', () => {
    const refused = { ...c, expectStatus: 422, expectErrorPathContains: 'graph.nodes[2]' };
    expect(checkCase(refused, 400, 'application/problem+json', '{"status":400,"title":"x"}')).toHaveLength(1);
    expect(
      checkCase(
        refused,
        422,
        'application/problem+json',
        '{"status":422,"title":"x","errors":[{"path":"graph.nodes[1]"}]}',
      ),
    ).toHaveLength(1);
  });
});
