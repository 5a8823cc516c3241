import { canonicalJson, jsonObjectSchema, jsonProblems } from '../../../src/audit/json';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same text whatever the insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('serialises numbers and strings as ECMAScript JSON does (RFC 8785)', () => {
    expect(canonicalJson([1e21, 0.1, -0, 5e-7, 100])).toBe('[1e+21,0.1,0,5e-7,100]');
    expect(canonicalJson('é\u2028"\\\n')).toBe('"é\u2028\\"\\\\\\n"');
  });

  it('orders keys by UTF-16 code units, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it('refuses values that are not JSON', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ d: new Date(0) } as never)).toThrow(/not a JSON value \(Date\)/);
  });
});

describe('jsonObjectSchema', () => {
  it('accepts plain JSON objects', () => {
    expect(jsonObjectSchema.parse({ a: [1, 'x', { b: null }], c: { d: false } })).toEqual({ a: [1, 'x', { b: null }], c: { d: false } });
  });

  it('names the path and rule of each value that would not round-trip through MongoDB and FerretDB', () => {
    const problems = jsonProblems({ m: [[1, 2]], 'a.b': 1, $x: 2, n: Number.POSITIVE_INFINITY, d: new Date(0) });
    expect(problems).toEqual([
      { path: ['m', 0], message: expect.stringMatching(/nested arrays/) },
      { path: ['a.b'], message: expect.stringMatching(/must not contain '\.'/) },
      { path: ['$x'], message: expect.stringMatching(/nor start with '\$'/) },
      { path: ['n'], message: expect.stringMatching(/finite number/) },
      { path: ['d'], message: expect.stringMatching(/got Date/) },
    ]);
    const result = jsonObjectSchema.safeParse({ deep: { list: [[1]] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['deep', 'list', 0]);
  });
});
