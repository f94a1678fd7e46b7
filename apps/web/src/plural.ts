const pluralRules: Record<'fr' | 'en', Intl.PluralRules> = {
  fr: new Intl.PluralRules('fr-FR'),
  en: new Intl.PluralRules('en-GB'),
};

/**
 * `{name, plural, one {…} other {…}}` (ICU's form, its categories those of `Intl.PluralRules`, `=0` for an exact
 * value): the branch for the number `name` holds, `#` in it standing for the number. French counts 0 and 1 as
 * one (« 0 scan en attente »), English 1 only. A branch may hold `{placeholders}`; branches do not nest.
 */
export function choosePlurals(lang: 'fr' | 'en', template: string, params: Record<string, string | number>): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = template.indexOf(', plural,', i);
    if (start < 0) return out + template.slice(i);
    const open = template.lastIndexOf('{', start);
    const name = template.slice(open + 1, start);
    // The block ends at the brace that closes `open`.
    let depth = 0;
    let end = open;
    for (; end < template.length; end++) {
      if (template[end] === '{') depth++;
      else if (template[end] === '}' && --depth === 0) break;
    }
    const branches = new Map<string, string>();
    for (const m of template
      .slice(start + ', plural,'.length, end)
      .matchAll(/\s*(=\d+|\w+)\s*\{((?:[^{}]|\{\w+\})*)\}/g))
      branches.set(m[1]!, m[2]!);
    const n = Number(params[name]);
    const branch =
      branches.get(`=${n}`) ??
      branches.get(Number.isFinite(n) ? pluralRules[lang].select(n) : 'other') ??
      branches.get('other') ??
      '';
    out += template.slice(i, open) + branch.replaceAll('#', String(params[name] ?? ''));
    i = end + 1;
  }
}
