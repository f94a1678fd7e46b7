// Every request DTO of the server bounds what it accepts: each string has a
// maximum length (or a fixed format: a UUID, one of a list), each array a
// maximum size, each number a minimum and a maximum. The DTOs are found by
// reading the source tree, so a new one is checked without being listed.
import { describe, expect, test } from '@jest/globals';
import { ArrayMaxSize, IsArray, IsInt, IsString, Max, MaxLength, getMetadataStorage } from 'class-validator';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const DTO_CLASS = /export class (\w+Dto)\b/g;

/** `{ file, name }` of every exported class named `...Dto` under apps/server/src. */
const declared = sourceFiles(SRC).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(DTO_CLASS)].map((m) => ({ file, name: m[1]! })),
);

const BOUNDED_STRING = ['maxLength', 'isLength', 'isUuid', 'isIn'];
const STRINGISH = ['isString', 'isEmail', 'isIso8601', 'matches'];

/** What is wrong with one DTO class: properties whose values are not bounded. */
function unbounded(target: new () => unknown): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const byProperty = new Map<string, { names: Set<string>; each: Set<string> }>();
  for (const m of metadata) {
    const entry = byProperty.get(m.propertyName) ?? { names: new Set<string>(), each: new Set<string>() };
    const name = m.name ?? m.type;
    (m.each ? entry.each : entry.names).add(name);
    byProperty.set(m.propertyName, entry);
  }
  const problems: string[] = [];
  for (const [property, { names, each }] of byProperty) {
    const has = (list: string[], set = names) => list.some((n) => set.has(n));
    if (has(STRINGISH) && !has(BOUNDED_STRING)) problems.push(`${property}: a string without a maximum length`);
    if (names.has('isArray') && !names.has('arrayMaxSize'))
      problems.push(`${property}: an array without a maximum size`);
    if (has(STRINGISH, each) && !has(BOUNDED_STRING, each))
      problems.push(`${property}: array items without a maximum length`);
    if (has(['isNumber', 'isInt']) && !(names.has('min') && names.has('max')))
      problems.push(`${property}: a number without a minimum and a maximum`);
  }
  return problems;
}

class Unbounded {
  @IsString() name!: string;
  @IsArray() @IsString({ each: true }) tags!: string[];
  @IsInt() @Max(10) count!: number;
}

class Bounded {
  @IsString() @MaxLength(10) name!: string;
  @IsArray() @ArrayMaxSize(3) @IsString({ each: true }) @MaxLength(5, { each: true }) tags!: string[];
}

describe('request DTOs bound every value', () => {
  test('the check sees a missing bound', () => {
    expect(unbounded(Unbounded)).toEqual([
      'name: a string without a maximum length',
      'tags: an array without a maximum size',
      'tags: array items without a maximum length',
      'count: a number without a minimum and a maximum',
    ]);
    expect(unbounded(Bounded)).toEqual([]);
  });

  test('the DTOs are found', () => {
    expect(declared.map((d) => d.name)).toEqual(
      expect.arrayContaining(['RegisterPersonDto', 'ScheduleConferenceDto', 'SignCharterDto', 'ScanDto']),
    );
  });

  test.each(declared.map((d) => [d.name, relative(SRC, d.file), d.file] as const))(
    '%s (%s)',
    async (name, _relative, file) => {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const target = module[name] as new () => unknown;
      expect(typeof target).toBe('function');
      expect(unbounded(target)).toEqual([]);
    },
  );
});
