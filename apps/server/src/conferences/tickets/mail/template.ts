import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The messages' words live in files beside this code (`templates/<lang>.{subject.txt,txt,html}`), so that a
 * reader can change them without reading TypeScript. The language is a small subset of Mustache, enough for a
 * letter: `{{name}}` (HTML-escaped in `.html` files), `{{#name}}…{{/name}}` (shown when truthy, repeated for each
 * item of a list, with the item's fields in scope) and `{{^name}}…{{/name}}` (shown when falsy or empty).
 * Nothing in a template can run code, and an unknown name is an error at render time rather than a blank.
 */

export type TemplateValue = string | number | boolean | null | undefined | TemplateScope[];
export interface TemplateScope {
  [name: string]: TemplateValue;
}

const TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

const cache = new Map<string, string>();

/** A template's text, read once (the files are copied beside the built code by scripts/copy-assets.mjs). */
export function templateText(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    if (!/^[a-z]{2}\.(subject\.txt|txt|html)$/.test(name)) throw new Error(`No template ${name}`);
    text = readFileSync(`${TEMPLATES_DIR}${name}`, 'utf8');
    cache.set(name, text);
  }
  return text;
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function lookUp(scopes: readonly TemplateScope[], name: string): TemplateValue {
  for (let i = scopes.length - 1; i >= 0; i--) if (Object.hasOwn(scopes[i]!, name)) return scopes[i]![name];
  throw new Error(`The template names {{${name}}}, which the message does not give`);
}

const SECTION = /\{\{([#^])([a-zA-Z][a-zA-Z0-9]*)\}\}([\s\S]*?)\{\{\/\2\}\}/g;
const VARIABLE = /\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g;

function renderIn(text: string, scopes: readonly TemplateScope[], html: boolean): string {
  const withSections = text.replace(SECTION, (_, kind: string, name: string, body: string) => {
    const value = lookUp(scopes, name);
    const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
    if (kind === '^') return truthy ? '' : renderIn(body, scopes, html);
    if (!truthy) return '';
    if (Array.isArray(value)) return value.map((item) => renderIn(body, [...scopes, item], html)).join('');
    return renderIn(body, scopes, html);
  });
  return withSections.replace(VARIABLE, (_, name: string) => {
    const value = lookUp(scopes, name);
    if (Array.isArray(value)) throw new Error(`{{${name}}} is a list: use it as a section`);
    const out = value === null || value === undefined ? '' : String(value);
    return html ? escapeHtml(out) : out;
  });
}

/** Renders `text` with `scope`; `html` escapes every value (names, organisations and venues come from outside). */
export const renderTemplate = (text: string, scope: TemplateScope, html: boolean): string =>
  renderIn(text, [scope], html);
