import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file in `dir` (the databases and whatever SQLite keeps beside them), name → raw bytes. */
export function filesIn(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, readFileSync(path));
  }
  return files;
}

/** The names of the files in `dir` that contain `needle` (a string is looked for as UTF-8). */
export function filesContaining(dir: string, needle: Buffer | string): string[] {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle;
  return [...filesIn(dir)].filter(([, content]) => content.includes(bytes)).map(([name]) => name);
}

/** A key as it could appear in a file: its raw bytes, hex (both cases) and base64 (both alphabets). */
export const keyForms = (key: Buffer): (Buffer | string)[] => [
  key,
  key.toString('hex'),
  key.toString('hex').toUpperCase(),
  key.toString('base64'),
  key.toString('base64url'),
];
