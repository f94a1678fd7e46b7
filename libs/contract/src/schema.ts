import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * The building blocks of the contract's schemas. Every answer is a JSON
 * Schema object (`as const`), its TypeScript type derived from it with
 * `FromSchema`, so that the type the server returns, the type the web reads
 * and the schema the OpenAPI document publishes are one declaration.
 *
 * Objects are declared closed (`additionalProperties: false`): the derived
 * type is then exact (no index signature) and the contract test can tell an
 * undocumented field. The OpenAPI document publishes them open (`publish`):
 * a client generated from it must accept a field the server adds later.
 */

export type { JSONSchema };
/**
 * The value a schema describes, read-only all the way down: answers are
 * values to read, and a read-only type accepts the server's read-only lists
 * (a conference's `doors`, a revision's `promoted`) as well as fresh arrays.
 */
export type Answer<S extends JSONSchema> = DeepReadonly<FromSchema<S>>;

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type Properties = Record<string, JSONSchema>;

/** A closed object whose properties are all required except those named in `optional`. */
export function object<const P extends Properties, const O extends keyof P & string = never>(
  properties: P,
  optional: readonly O[] = [],
) {
  const required = Object.keys(properties).filter((key) => !(optional as readonly string[]).includes(key)) as Exclude<
    keyof P & string,
    O
  >[];
  return { type: 'object', additionalProperties: false, required, properties } as const;
}

export const string = { type: 'string' } as const;
export const nullableString = { type: 'string', nullable: true } as const;
export const integer = { type: 'integer' } as const;
export const boolean = { type: 'boolean' } as const;
/** An ISO-8601 time as the server wrote it (no `format` keyword: the validators are not asked to re-parse it). */
export const instant = { type: 'string', description: 'ISO-8601 time' } as const;
export const nullableInstant = { type: 'string', nullable: true, description: 'ISO-8601 time' } as const;
/** A `$all` position: a decimal string of up to 20 digits, compared as a big integer, never as a float. */
export const position = { type: 'string', pattern: '^\\d{1,20}$' } as const;
export const listOf = <const S extends JSONSchema>(items: S) => ({ type: 'array', items }) as const;
/** A file answer (PDF, PNG, CSV, PEM): its body is not JSON. */
export const file = { type: 'string', format: 'binary' } as const;

/**
 * The schema as the OpenAPI document publishes it: objects open to fields the
 * server may add, everything else as declared. Pure, returns a copy.
 */
export function publish(schema: JSONSchema): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null) return { type: 'object' };
  return walk(schema, (node) => {
    let out = node;
    if (out['additionalProperties'] === false) {
      const { additionalProperties: _closed, ...open } = out;
      out = open;
    }
    // An object whose properties are all optional: OpenAPI 3.0 forbids an empty `required` list.
    if (Array.isArray(out['required']) && out['required'].length === 0) {
      const { required: _none, ...rest } = out;
      out = rest;
    }
    return out;
  });
}

/**
 * The strict reading of a published schema: an object that lists its
 * properties admits no other (`additionalProperties: true` stays open: those
 * objects carry stored event data as it is). The contract test checks real
 * answers with it, so that a field the server sends and the document does not
 * name fails.
 */
export function closeObjects(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  return walk(schema as Record<string, unknown>, (node) =>
    node['properties'] !== undefined && node['additionalProperties'] === undefined
      ? { ...node, additionalProperties: false }
      : node,
  );
}

function walk(
  node: Record<string, unknown>,
  change: (node: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, walkAny(child, change)]),
      );
    } else {
      out[key] = walkAny(value, change);
    }
  }
  return change(out);
}

function walkAny(value: unknown, change: (node: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => walkAny(v, change));
  if (typeof value === 'object' && value !== null) return walk(value as Record<string, unknown>, change);
  return value;
}

/** A closed object with one required property per key, all of one schema (counts by reason, by category). */
export function keyed<const K extends string, const S extends JSONSchema>(keys: readonly K[], value: S) {
  const properties = Object.fromEntries(keys.map((key) => [key, value])) as { [key in K]: S };
  return { type: 'object', additionalProperties: false, required: [...keys] as K[], properties } as const;
}
