/**
 * non-sargable-predicate in an ActiveRecord condition string, which no statement holds (issue 14, session 31): `User.where("lower(email)
 * = ?", email)`, or a bare `where(…)` / `find_by(…)` in `class User < ApplicationRecord`. Reported only on the schema's
 * evidence: the model's table is declared (db/schema.rb or structure.sql), an index of it leads with the column, and none holds the
 * expression — then the expression hides that index, and every lookup reads the whole table. The condition must be the
 * comparison alone (`"lower(email) = ?"`), so that no other condition in it may find the rows first. A text scan, per file.
 */
import type { Analyzer } from '../scan';
import { dialectOfFile, type DialectVerdict } from '../dialect';
import type { Finding } from '../findings';
import { declaredLeadingColumn, isDeclaredIndexExpression, type DeclaredIndexes } from '../sql/declaredIndexes';
import { nonSargablePredicate } from './nonSargablePredicate';
import { plural } from '../nplusone/sequelizeModels';

/** `Model.where("…"` or a bare `where("…"` (also find_by, exists?, find_or_create_by): the receiver, if a constant, and the condition. */
const CONDITION_CALL = /(?:\b([A-Z][A-Za-z0-9]*)\.|(?<![.\w]))(?:where|find_by|exists\?|find_or_create_by|find_or_initialize_by)\s*\(?\s*(["'])((?:(?!\2)[^\\\n]|\\.){1,200})\2/g;
/** The whole condition: `lower(email) = ?`, `LOWER("users"."email") = :email`, `upper(code) = lower(?)`. */
const WRAPPED_EQUALS = /^\s*(lower|upper)\s*\(\s*(?:"?[A-Za-z_]\w*"?\.)?"?([A-Za-z_]\w*)"?\s*\)\s*=\s*(?:\?|:[A-Za-z_]\w*|(?:lower|upper)\s*\(\s*(?:\?|:[A-Za-z_]\w*)\s*\))\s*$/i;

/** ActiveRecord's table for a model class: `User` → users, `Category` → categories, `Address` → addresses. */
export function tableOfModel(model: string): string {
  return plural(model.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

/** The model class the text defines (`class User < ApplicationRecord`), and its table (`self.table_name = "…"` or by convention). */
function ownModel(text: string): { model: string; table: string } | undefined {
  const m = /^\s*class\s+([A-Z][A-Za-z0-9]*)\s*<\s*(?:ApplicationRecord|ActiveRecord::Base)\b/m.exec(text);
  if (!m) return undefined;
  const named = /^\s*self\.table_name\s*=\s*["':]([\w.]+)["']?/m.exec(text)?.[1];
  return { model: m[1], table: named ?? tableOfModel(m[1]) };
}

export function fragmentSargableAnalyzer(opts: { project?: DialectVerdict; declared?: DeclaredIndexes } = {}): Analyzer {
  return {
    id: 'fragment-sargable',
    rules: [nonSargablePredicate],
    analyze({ text, file, sites }): Finding[] {
      const declared = opts.declared;
      if (!declared?.tables?.size || !file.endsWith('.rb') || !/\b(?:lower|upper)\s*\(/i.test(text)) return [];
      if (dialectOfFile(file, text, opts.project).dialect === 'other') return [];
      const own = ownModel(text);
      const out: Finding[] = [];
      CONDITION_CALL.lastIndex = 0;
      for (let m = CONDITION_CALL.exec(text); m; m = CONDITION_CALL.exec(text)) {
        const w = WRAPPED_EQUALS.exec(m[3]);
        if (!w) continue;
        const table = m[1] ? (m[1] === own?.model ? own.table : tableOfModel(m[1])) : own?.table;
        const column = w[2].toLowerCase();
        if (!table || !declared.tables.has(table) || !declaredLeadingColumn(declared, table, column)) continue;
        const expression = `${w[1].toLowerCase()}(${column})`;
        if (isDeclaredIndexExpression(declared, table, expression, { wrapped: true })) continue;
        const at = m.index + m[0].length - m[3].length - 1;
        // A statement PG Lens composed around the condition is the SQL rule's to judge.
        if (sites.some((x) => at >= x.span.start && at < x.span.end)) continue;
        out.push({
          ruleId: nonSargablePredicate.id,
          severity: 'warning',
          message: `${m[3].trim()} hides ${table}.${column} from its index: the schema files index ${column} itself, not ${expression}, so each lookup reads every row of ${table}.`,
          help: `Create an expression index ON ${table} (${expression}), or make the column citext and compare it directly.`,
          span: { start: at, end: at + m[3].length },
          file,
          fixes: [],
          evidence: { column, table, indexed: true, expression, written: 'condition-string', lookupFrom: 'schema files' },
        });
      }
      return out;
    },
  };
}
