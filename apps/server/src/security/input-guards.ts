import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiError, type FieldError } from '../shared/api-error.js';

/**
 * Checks on what a request carries before any controller sees it, each
 * answering the contract's error body (through the global filter):
 * the body's media type, the query string's shape, and the parsed JSON's
 * depth and keys.
 */

const API = /^\/api(?:\/|$)/i;
/** The one route that takes a file rather than JSON (`text/csv`, or `text/plain` as some browsers label a .csv). */
export const IMPORT_ROUTE = /^\/api\/conferences\/[^/]+\/registrations\/import\/?$/i;

const hasBody = (req: Request): boolean => {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
};

/**
 * A body must say what it is: JSON (`application/json`, in UTF-8), or CSV on
 * the import route. Anything else (a form, multipart, text, no type at all,
 * JSON in another charset) is answered 415 `unsupported_media_type` (or
 * `unsupported_charset`) before it is read.
 */
export function contentTypeGuard(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!API.test(req.path) || !hasBody(req)) return next();
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const csv = IMPORT_ROUTE.test(req.path);
    const ok = csv ? req.is(['text/csv', 'text/plain']) : req.is('application/json');
    if (!ok) {
      return next(
        new ApiError(
          415,
          'unsupported_media_type',
          csv ? 'Send the file as text/csv' : 'Send the body as application/json',
        ),
      );
    }
    // JSON is UTF-8 (RFC 8259). The parser would also decode UTF-7 or UTF-16,
    // in which a body reads differently to anything that checks its bytes.
    // A CSV file may come in the spreadsheet's own charset (windows-1252...).
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (!csv && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(new ApiError(415, 'unsupported_charset', 'Send JSON in UTF-8'));
    }
    next();
  };
}

export const QUERY_LIMITS = {
  /** Characters per value (a search `q` is at most 200). */
  valueLength: 200,
  /** Parameters per request. */
  parameters: 20,
} as const;

/**
 * Query strings hold a few scalar parameters (`q`, `limit`, `asOf`...): a
 * repeated parameter (`?q=a&q=b`), a nested one (`?q[x]=1`), too many of
 * them or too long a value is refused 400 `validation_failed`, so that no
 * controller ever receives an array where it expects a string.
 */
export function queryGuard(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!API.test(req.path)) return next();
    const query = req.query as Record<string, unknown>;
    const errors: FieldError[] = [];
    const names = Object.keys(query);
    if (names.length > QUERY_LIMITS.parameters) {
      errors.push({ field: 'query', message: `at most ${QUERY_LIMITS.parameters} parameters` });
    }
    for (const name of names.slice(0, QUERY_LIMITS.parameters)) {
      const value = query[name];
      const field = name.slice(0, 64);
      if (typeof value !== 'string') errors.push({ field, message: 'must be given once, as a plain value' });
      else if (value.length > QUERY_LIMITS.valueLength)
        errors.push({ field, message: `must be at most ${QUERY_LIMITS.valueLength} characters` });
      if (errors.length >= 5) break;
    }
    if (errors.length === 0) return next();
    next(new ApiError(400, 'validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors));
  };
}

export const JSON_LIMITS = {
  /** Nesting of objects and arrays; the deepest legitimate body (signature strokes) has 4. */
  depth: 16,
  /** Items in one array; the longest legitimate one is a signature stroke (at most 5,000 points). */
  arrayLength: 10_000,
} as const;

/** Keys that mean something to JavaScript objects and nothing to this API. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first problem of a parsed JSON value: nested deeper than `depth`, an
 * array longer than `arrayLength` (validating each of a million items takes
 * seconds), or a key such as `__proto__` (which class-transformer would
 * assign, changing an object's prototype). Iterative, so no body can blow
 * the stack here.
 */
export function jsonProblem(
  value: unknown,
  { depth: maxDepth, arrayLength }: { depth: number; arrayLength: number } = JSON_LIMITS,
): FieldError | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) {
      return { field: item.path || 'body', message: `nested deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(item.value)) {
      if (item.value.length > arrayLength) {
        return { field: item.path || 'body', message: `more than ${arrayLength} items` };
      }
      item.value.forEach((v, i) => stack.push({ value: v, depth: item.depth + 1, path: join(item.path, String(i)) }));
      continue;
    }
    for (const key of Object.keys(item.value)) {
      const path = join(item.path, key.slice(0, 64));
      if (FORBIDDEN_KEYS.has(key)) return { field: path, message: `the key ${key} is not allowed` };
      stack.push({ value: (item.value as Record<string, unknown>)[key], depth: item.depth + 1, path });
    }
  }
  return null;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** After the JSON parser: a body too deep or with a forbidden key is refused 400 `validation_failed`. */
export function jsonShapeGuard(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const body: unknown = req.body;
    // The CSV import's body is the file's bytes (a Buffer), not JSON: nothing to walk.
    if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return next();
    const problem = jsonProblem(body);
    if (problem === null) return next();
    next(new ApiError(400, 'validation_failed', `${problem.field}: ${problem.message}`, [problem]));
  };
}
