/**
 * Webex's published response schemas (the OpenAPI copies in `../shared/reference/webex-openapi/`,
 * beside the repository) compiled with ajv, for checking what the emulator serves.
 *
 * Two things are added to the published schemas, both read off the schemas themselves:
 * - formats: a string whose description says it is a date and time (or ISO 8601) must be an RFC 3339
 *   `date-time`; one described as an email address must be an `email`;
 * - a strict variant that refuses properties the schema does not declare (`undeclared` below), so the
 *   emulator cannot invent fields the bot might come to rely on. A property the operation's own
 *   documented example shows is accepted (the published schemas leave out some fields their examples
 *   carry), and objects listed as free-form (card inputs) may hold anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const OPENAPI_DIR = resolve(__dirname, '../../../shared/reference/webex-openapi');

type Json = Record<string, any>;

function readSpec(file: string): Json {
  const path = join(OPENAPI_DIR, file);
  if (!existsSync(path)) {
    throw new Error(`Webex OpenAPI schema ${path} is missing: the emulator's responses cannot be checked without it.`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/** Adds the formats the descriptions state; with `strict`, refuses undeclared properties. */
function sharpen(schema: unknown, strict: boolean, freeForm = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => sharpen(s, strict));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === 'example') continue;
    out[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, sharpen(sub, strict)]))
      : sharpen(value, strict);
  }
  const description = typeof out.description === 'string' ? out.description : '';
  if (out.type === 'string' && !out.format && !out.enum) {
    if (/^(the )?date and time|ISO 8601/i.test(description)) out.format = 'date-time';
    else if (/email address/i.test(description)) out.format = 'email';
  }
  if (out.type === 'array' && /email addresses/i.test(description) && out.items?.type === 'string') {
    out.items = { ...out.items, format: 'email' };
  }
  if (strict && !freeForm && out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

export interface Operation {
  method: string;
  /** OpenAPI path template without the /v1 prefix, e.g. `/people/{personId}`. */
  path: string;
}

export interface CheckResult {
  /** Errors against the published schema (plus the stated formats). */
  errors: string[];
  /** Properties present in the response that neither the schema nor the example declares. */
  undeclared: string[];
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** `/items/*\/name` for `/items/3/name`: where a property sits, whatever the array index. */
function shapeOf(pointer: string): string {
  return pointer.replace(/\/\d+(?=\/|$)/g, '/*');
}

/** Every property pointer (as a shape) in a documented example. */
function exampleShapes(example: unknown, at = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(example)) example.forEach((item) => exampleShapes(item, `${at}/*`, into));
  else if (example && typeof example === 'object') {
    for (const [key, value] of Object.entries(example)) {
      into.add(`${at}/${key}`);
      exampleShapes(value, `${at}/${key}`, into);
    }
  }
  return into;
}

function undeclaredOf(errors: ErrorObject[] | null | undefined, allowed: Set<string>): string[] {
  return (errors ?? [])
    .filter((e) => e.keyword === 'additionalProperties')
    .map((e) => `${e.instancePath}/${String(e.params.additionalProperty)}`)
    .filter((pointer) => !allowed.has(shapeOf(pointer)))
    .map((pointer) => `${pointer} is not declared`);
}

export class WebexSchemas {
  readonly messaging = readSpec('messaging-subset.json');
  readonly recordings = readSpec('converged-recordings.json');
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, { loose: ValidateFunction; strict: ValidateFunction }>();

  /**
   * @param overrides component schemas replaced (each with its reason at the call site)
   * @param freeForm `Schema.property` objects whose members are not fixed (e.g. a card's inputs)
   */
  constructor(overrides: Record<string, unknown> = {}, freeForm: string[] = []) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    const schemas = { ...this.messaging.components.schemas, ...this.recordings.schemas, ...overrides } as Json;
    const loosen = (name: string, schema: Json, strict: boolean): unknown => {
      const out = sharpen(schema, strict) as Json;
      for (const entry of freeForm) {
        const [owner, property] = entry.split('.') as [string, string];
        if (owner === name && out.properties?.[property]) out.properties[property] = sharpen(schema.properties[property], strict, true);
      }
      return out;
    };
    for (const strict of [false, true]) {
      const prefix = strict ? 'strict' : 'loose';
      const components = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, loosen(name, s as Json, strict)]));
      this.ajv.addSchema({ $id: `${prefix}.json`, components: { schemas: components } });
    }
  }

  /** The 2xx statuses the spec documents for an operation (throws when the spec has no such operation). */
  successStatuses(op: Operation): number[] {
    const responses = this.messaging.paths[op.path]?.[op.method.toLowerCase()]?.responses as Json | undefined;
    if (!responses) throw new Error(`The published spec has no ${op.method} ${op.path}.`);
    return Object.keys(responses).filter((s) => s.startsWith('2')).map(Number);
  }

  /** The component name of the JSON body the spec documents for an operation and status, and its example. */
  documentedResponse(op: Operation, status: number): { schema?: string; example?: unknown } {
    const response = this.messaging.paths[op.path]?.[op.method.toLowerCase()]?.responses?.[String(status)];
    const json = response?.content?.['application/json'];
    const ref = json?.schema?.$ref as string | undefined;
    return { schema: ref?.replace('#/components/schemas/', ''), example: json?.example };
  }

  /** Validates a body against a named component schema (messaging or recordings). */
  check(schemaName: string, body: unknown, example?: unknown): CheckResult {
    const pair = this.validators(schemaName);
    const errors = pair.loose(body) ? [] : describe(pair.loose.errors);
    const undeclared = pair.strict(body) ? [] : undeclaredOf(pair.strict.errors, exampleShapes(example));
    return { errors, undeclared };
  }

  /** Validates `{items: T[]}` where the spec names only the item schema. */
  checkItems(itemSchemaName: string, body: unknown): CheckResult {
    const b = body as { items?: unknown };
    if (!b || typeof b !== 'object' || !Array.isArray(b.items)) return { errors: ['/ must be {items: [...]}'], undeclared: [] };
    const extra = Object.keys(b).filter((k) => k !== 'items').map((k) => `/${k} is not declared`);
    const results = b.items.map((item) => this.check(itemSchemaName, item));
    const at = (i: number, e: string): string => `/items/${i}${e.startsWith('/ ') ? e.slice(1) : e}`;
    return {
      errors: results.flatMap((r, i) => r.errors.map((e) => at(i, e))),
      undeclared: [...extra, ...results.flatMap((r, i) => r.undeclared.map((e) => at(i, e)))],
    };
  }

  private validators(name: string): { loose: ValidateFunction; strict: ValidateFunction } {
    let pair = this.cache.get(name);
    if (!pair) {
      const get = (prefix: string): ValidateFunction => {
        const fn = this.ajv.getSchema(`${prefix}.json#/components/schemas/${name}`);
        if (!fn) throw new Error(`No schema named ${name}.`);
        return fn;
      };
      pair = { loose: get('loose'), strict: get('strict') };
      this.cache.set(name, pair);
    }
    return pair;
  }
}
