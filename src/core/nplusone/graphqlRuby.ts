/**
 * Implicit N+1 in graphql-ruby through a field with no resolver of its own:
 *
 *   class OfferType < Types::BaseObject
 *     field :submission, Types::SubmissionType, null: false     # default resolver: object.submission
 *
 * graphql-ruby resolves such a field by calling the method of that name on the parent object; when the
 * parent is an ActiveRecord model and the name is one of its associations (`belongs_to :submission`), that
 * is one query per parent of a list, unless the list's query preloads it. Reported at the field, only when:
 * the field's type is an object type of the schema (not an enum or scalar), the parent type is listed
 * (`[Types::OfferType]`, `node_type(Types::OfferType)`, `OfferType.connection_type`), the field names no
 * resolver (`method:`, `resolver:`, `hash_key:`, a `def` of that name), a model declares the association
 * (the model named after the type when there is one), and no query of the app's GraphQL code preloads it.
 * A field method calling a short model method that reads an association (`object.sale_state`, where
 * `def sale_state = consigned_partner_submission&.state`) loads it per parent the same way.
 * Read across files once every Ruby file is in (like the Rails views pass).
 */
import type { Finding } from '../findings';
import { lineStarts, positionAt } from '../findings';
import { RULE_ID } from './ruleId';
import type { NPlusOneEvidence } from './detect';
import { rewriteFixes, rewriteFor } from './rewrites';

const ASSOCIATION = /^\s*(?:belongs_to|has_many|has_one|has_and_belongs_to_many)\s+:(\w+)/gm;
const OBJECT_TYPE = /^\s*class\s+(\w+Type)\s*<\s*(?:Types::)?(?:Base\w*Object|BaseObject|GraphQL::Schema::Object)\b/m;
/** `field :name, Types::XType` / `[Types::XType]` and an app's own helper (`nilable_field :name, …`). */
const FIELD = /^[ \t]*(?:\w+_)?field\s+:(\w+)\s*,\s*\[?\s*(?:::)?(?:Types::)?(\w+Type)\b([^\n]*)/gm;
const LISTED = /node_type\(\s*(?:::)?(?:Types::)?(\w+Type)\s*\)|\[\s*(?:::)?(?:Types::)?(\w+Type)\b|(\w+Type)\.connection_type\b/g;
const PRELOAD = /\b(?:includes|preload|eager_load)\s*\(?([^)\n]*)/g;

export class GraphqlRubyFields {
  /** Model class → its associations. */
  private readonly models = new Map<string, Set<string>>();
  /** Model class → its methods whose body reads one of its associations (`def sale_state = consigned_partner_submission&.state`). */
  private readonly readers = new Map<string, Map<string, string>>();
  private readonly types: { file: string; text: string; name: string }[] = [];
  private readonly listed = new Set<string>();
  private readonly preloaded = new Set<string>();

  addRuby(file: string, text: string): void {
    if (/(^|\/)app\/models\//.test(file) && /^\s*(?:belongs_to|has_many|has_one|has_and_belongs_to_many)\s/m.test(text)) {
      const cls = /^\s*class\s+([A-Z]\w*(?:::[A-Z]\w*)*)\s*</m.exec(text)?.[1]?.split('::').pop();
      if (cls) {
        const associations = new Set([...text.matchAll(ASSOCIATION)].map((m) => m[1]));
        this.models.set(cls, associations);
        // One-level methods (`def name` … `end` at the same indentation) that read an association by its bare name.
        const readers = new Map<string, string>();
        for (const d of text.matchAll(/^([ \t]*)def\s+(\w+[?!]?)\s*\n([\s\S]*?)^\1end\b/gm)) {
          const used = [...associations].find((a) => new RegExp(`(^|[^.@:\\w])${a}\\b(?!\\s*[:=(])`, 'm').test(d[3]));
          if (used && d[3].split('\n').length <= 6) readers.set(d[2], used);
        }
        this.readers.set(cls, readers);
      }
    }
    if (!/(^|\/)app\/graphql\//.test(file)) return;
    for (const m of text.matchAll(LISTED)) this.listed.add(m[1] ?? m[2] ?? m[3]);
    for (const m of text.matchAll(PRELOAD)) for (const s of m[1].matchAll(/:(\w+)|(\w+):/g)) this.preloaded.add(s[1] ?? s[2]);
    const type = OBJECT_TYPE.exec(text)?.[1];
    if (type) this.types.push({ file, text, name: type });
  }

  findings(): Finding[] {
    const objectTypes = new Set(this.types.map((t) => t.name));
    const anyModel = new Set([...this.models.values()].flatMap((s) => [...s]));
    const out: Finding[] = [];
    for (const t of this.types) {
      if (!this.listed.has(t.name)) continue;
      const model = t.name.replace(/Type$/, '');
      const associations = this.models.get(model) ?? anyModel;
      const starts = lineStarts(t.text);
      for (const m of t.text.matchAll(FIELD)) {
        const [, name, fieldType, rest] = m;
        if (!objectTypes.has(fieldType) || /\b(method|resolver|resolver_method|hash_key|dig)\s*:/.test(rest)) continue;
        if (new RegExp(`^\\s*def\\s+${name}\\b`, 'm').test(t.text) || !associations.has(name) || this.preloaded.has(name)) continue;
        const start = m.index! + m[0].length - m[0].trimStart().length;
        const line = positionAt(starts, start).line + 1;
        out.push(finding(t.file, { start, end: m.index! + m[0].length }, line, t.name.replace(/Type$/, ''), name, fieldType));
      }
      // `object.sale_state` in a field method, where the model's `sale_state` reads an association.
      const readers = this.readers.get(model);
      for (const m of readers?.size ? t.text.matchAll(/\bobject\.(\w+[?!]?)/g) : []) {
        const association = readers!.get(m[1]);
        if (!association || this.preloaded.has(association)) continue;
        const span = { start: m.index!, end: m.index! + m[0].length };
        const line = positionAt(starts, span.start).line + 1;
        out.push(finding(t.file, span, line, model, association, undefined, m[1]));
      }
    }
    return out;
  }
}

function finding(file: string, span: { start: number; end: number }, line: number, parent: string, name: string, fieldType?: string, via?: string): Finding {
  const rewrite = rewriteFor({ call: { library: 'activerecord', op: 'read', batch: false, label: `object.${name}`, method: name, model: parent }, variable: 'object', iterable: parent, relation: name });
  const loop = `${parent}.${name} (GraphQL field resolver, once per parent ${parent})`;
  const evidence: NPlusOneEvidence = { kind: 'lazy-relation', implicit: true, library: 'activerecord', call: `object.${name}`, loop, variable: 'object', iterable: parent, rewrite };
  return {
    ruleId: RULE_ID,
    severity: 'warning',
    message: via
      ? `N+1 query: \`object.${via}\` reads the association \`${name}\` (${parent}#${via}), loaded once per parent ${parent} of a list; the list's query does not includes(:${name}).`
      : `N+1 query: the field \`${name}\` (${fieldType}) has no resolver of its own, so graphql-ruby calls \`object.${name}\` — an association, loaded once per parent ${parent} of a list; the list's query does not includes(:${name}).`,
    span,
    file,
    help: rewrite.help,
    fixes: rewriteFixes(rewrite),
    related: [{ span, message: `\`${parent}.${name}\` resolved by graphql-ruby's default resolver, line ${line}` }],
    evidence: evidence as unknown as Record<string, unknown>,
  };
}
