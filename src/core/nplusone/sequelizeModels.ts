/**
 * Sequelize models as a file declares them: the association mixins each association gives the model's instances
 * (`this.belongsToMany(Tag, { as: "tagList" })` → `article.getTagList()`, `hasTagList(…)`, `countTagList()` …).
 * A cheap text scan of model files.
 */

type AssociationKind = 'belongsTo' | 'hasOne' | 'hasMany' | 'belongsToMany';

/** One mixin method an association defines on the source model's instances (each one queries when called). */
export interface SequelizeMixin {
  /** The method (`getTagList`, `countUsers`, `hasFollower`). */
  name: string;
  /** 1-based line of the association's declaration. */
  line: number;
  /** The model declaring the association (`Article`), the model it targets (`Tag`). */
  model: string;
  target: string;
  kind: AssociationKind;
  /** The association's `as`, when declared: what `include` must name. */
  as?: string;
}

const ASSOCIATION = /\b(this|[A-Z][\w$]*)\s*\.\s*(belongsToMany|belongsTo|hasMany|hasOne)\s*\(\s*(?:[\w$]+\.)*([A-Z][\w$]*)\s*(?:,\s*(\{[^;]*?\}))?\s*\)/g;
const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The class or model the declaration at `at` belongs to, for `this.belongsTo(…)` (the nearest class before it). */
function enclosingModel(text: string, at: number): string | undefined {
  let found: string | undefined;
  for (const m of text.slice(0, at).matchAll(/\bclass\s+([A-Z][\w$]*)\s+extends\b/g)) found = m[1];
  return found;
}

function singular(s: string): string {
  if (/ies$/.test(s)) return s.slice(0, -3) + 'y';
  if (/(ss|us)$/.test(s)) return s;
  return s.replace(/s$/, '');
}

export function plural(s: string): string {
  if (/[^aeiou]y$/.test(s)) return s.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(s)) return s + 'es';
  return s + 's';
}

/** The mixins of one association, as Sequelize names them from `as` (else the target model's name). */
function mixinNames(kind: AssociationKind, target: string, as: string | undefined): string[] {
  if (kind === 'belongsTo' || kind === 'hasOne') {
    const n = upper(as ?? target);
    return [`get${n}`, `set${n}`, `create${n}`];
  }
  // hasMany / belongsToMany: a string `as` is the plural name (its singular inflected); without it, the model's name.
  const many = upper(as ?? plural(target));
  const one = upper(as ? singular(as) : target);
  const names = [`get${many}`, `set${many}`, `count${many}`, `has${many}`, `add${many}`, `remove${many}`, `add${one}`, `create${one}`, `remove${one}`, `has${one}`];
  return [...new Set(names)];
}

/**
 * The property an included association is read from on each instance (`article.tagList`): its `as`, else Sequelize's
 * default — the target model's name, pluralised for hasMany / belongsToMany.
 */
export function associationProperty(m: Pick<SequelizeMixin, 'kind' | 'target' | 'as'>): string {
  return m.as ?? (m.kind === 'hasMany' || m.kind === 'belongsToMany' ? plural(m.target) : m.target);
}

/** Every association mixin the file's Sequelize models declare (none unless the file declares an association). */
export function sequelizeMixins(text: string): SequelizeMixin[] {
  if (!/\b(belongsTo|hasOne|hasMany|belongsToMany)\s*\(/.test(text)) return [];
  const out: SequelizeMixin[] = [];
  for (const m of text.matchAll(ASSOCIATION)) {
    const model = m[1] === 'this' ? enclosingModel(text, m.index) : m[1];
    if (!model) continue;
    const kind = m[2] as AssociationKind;
    const target = m[3];
    const as = /\bas\s*:\s*['"`]([\w$]+)['"`]/.exec(m[4] ?? '')?.[1];
    const line = text.slice(0, m.index).split('\n').length;
    for (const name of mixinNames(kind, target, as)) out.push({ name, line, model, target, kind, ...(as ? { as } : {}) });
  }
  return out;
}
