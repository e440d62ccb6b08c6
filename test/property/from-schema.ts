/**
 * Bodies built from the OpenAPI document's own request schemas, as a third-party client would
 * build them: a fast-check arbitrary for the JSON Schema keywords the document uses. It aims at
 * the schema (each `oneOf` branch's `required` keys given, the others left out); the caller keeps
 * what Ajv accepts. A keyword it does not know is an error, so a new kind of schema is noticed.
 */
import fc from 'fast-check';

type Json = Record<string, any>;

export interface Vocabulary {
  /** Strings for a `pattern` (the document has one: the id pattern). */
  patterns: Record<string, fc.Arbitrary<string>>;
  /** Strings where the schema says only `type: string` (expr text, op names, answer keys...). */
  text: fc.Arbitrary<string>;
}

const KNOWN = new Set([
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'anyOf',
  'oneOf',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minProperties',
  'maxProperties',
  'pattern',
  'description',
  'example',
  'examples',
  'default',
  '$schema',
  'title',
  'not',
]);

const MAX_ITEMS = 3;

export class SchemaArbitraries {
  constructor(
    private readonly components: Record<string, Json>,
    private readonly vocabulary: Vocabulary,
  ) {}

  of(schema: Json): fc.Arbitrary<unknown> {
    for (const key of Object.keys(schema))
      if (!KNOWN.has(key)) throw new Error(`from-schema: keyword ${key} is not supported`);
    if (schema.$ref)
      return fc
        .constant(null)
        .chain(() => this.of(this.components[String(schema.$ref).replace('#/components/schemas/', '')]));
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
    if (schema.anyOf) return fc.oneof(...(schema.anyOf as Json[]).map((s) => this.of(s)));
    if (schema.oneOf && schema.type !== 'object') return fc.oneof(...(schema.oneOf as Json[]).map((s) => this.of(s)));
    // No type: any JSON value (an element of a graded answer's list, which may be anything).
    if (schema.type === undefined) return fc.jsonValue({ maxDepth: 2 });
    const type = Array.isArray(schema.type) ? schema.type : [schema.type];
    const values = fc.oneof(...type.map((t: string) => this.ofType(t, schema)));
    if (schema.not === undefined) return values;
    // `not` as the document uses it: an object without some members (`not: {required: [...]}`).
    const forbidden: string[] = schema.not.required ?? [];
    if (Object.keys(schema.not).some((k) => k !== 'required'))
      throw new Error('from-schema: only not: {required} is supported');
    return values.filter((v) => typeof v !== 'object' || v === null || !forbidden.every((k) => Object.hasOwn(v, k)));
  }

  private ofType(type: string, schema: Json): fc.Arbitrary<unknown> {
    switch (type) {
      case 'number':
        return this.number(schema, false);
      case 'integer':
        return this.number(schema, true);
      case 'string':
        return this.string(schema);
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(this.of(schema.items ?? {}), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? MAX_ITEMS, MAX_ITEMS)),
        });
      case 'object':
        return this.object(schema);
      default:
        throw new Error(`from-schema: type ${type} is not supported`);
    }
  }

  private number(schema: Json, integer: boolean): fc.Arbitrary<number> {
    const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : -1e6);
    const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : 1e6);
    const min = Math.max(low, -1e6);
    const max = Math.min(high, 1e6);
    const ok = (x: number) =>
      (schema.exclusiveMinimum === undefined || x > schema.exclusiveMinimum) &&
      (schema.exclusiveMaximum === undefined || x < schema.exclusiveMaximum);
    if (integer) return fc.integer({ min: Math.ceil(Math.max(min, -1e6)), max: Math.floor(max) }).filter(ok);
    // Small numbers mostly, as people send; the edges of the range too.
    return fc
      .oneof(
        { weight: 4, arbitrary: fc.integer({ min: Math.ceil(Math.max(min, -5)), max: Math.floor(Math.min(max, 5)) }) },
        { weight: 4, arbitrary: fc.double({ min: Math.max(min, -10), max: Math.min(max, 10), noNaN: true }) },
        { weight: 1, arbitrary: fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true }) },
      )
      .filter(ok);
  }

  private string(schema: Json): fc.Arbitrary<string> {
    const base = schema.pattern ? this.vocabulary.patterns[schema.pattern] : this.vocabulary.text;
    if (!base) throw new Error(`from-schema: no strings for the pattern ${schema.pattern}`);
    const { minLength = 0, maxLength = Infinity } = schema;
    return base.filter((s) => s.length >= minLength && s.length <= maxLength);
  }

  private object(schema: Json): fc.Arbitrary<Record<string, unknown>> {
    const properties: Record<string, Json> = schema.properties ?? {};
    if (!schema.properties && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      const keys = schema.propertyNames ? this.string(schema.propertyNames) : this.vocabulary.text;
      const minKeys = schema.minProperties ?? 0;
      return fc.dictionary(keys, this.of(schema.additionalProperties), {
        minKeys,
        maxKeys: Math.max(minKeys, Math.min(schema.maxProperties ?? 4, 4)),
        noNullPrototype: true,
      });
    }
    // oneOf of `required` (exactly one of some fields): one branch's fields given, the others' left out.
    const branches: string[][] = schema.oneOf ? (schema.oneOf as Json[]).map((b) => b.required ?? []) : [[]];
    return fc.nat({ max: branches.length - 1 }).chain((chosen) => {
      const excluded = new Set(branches.flatMap((b, i) => (i === chosen ? [] : b)));
      const required = new Set<string>([...(schema.required ?? []), ...branches[chosen]]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(properties)) if (!excluded.has(key)) record[key] = this.of(sub);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
    });
  }
}
