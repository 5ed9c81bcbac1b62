/**
 * value-not-allowed: a literal compared with a column that can never hold it — the column's CHECK constraint lists the
 * values it allows (`CHECK (status IN ('paid','shipped','delivered','refunded'))`, of the table or of the column's
 * domain) or its type is an enum — so `WHERE status = 'refundd'` is never true and the statement silently returns (or
 * changes) nothing (person50 L-D b). An enum is different: PostgreSQL rejects a label it does not know (`invalid input
 * value for enum mood: "angy"`), so the statement fails — said as an error, with PostgreSQL's message (person52 M-3).
 * Needs the catalog (a connected database): the allowed values come from
 * core/allowedValues through the catalog facts. `=` and `IN (…)` with string literals only: a parameter's value is not
 * known, and `<>` / `NOT IN` with a value the column cannot hold is always true — nothing to say.
 */
import { atOperators, bothSides, resolveColumn, stripCasts, type Node } from './ast';
import type { Rule } from './types';

const OPS = new Set(['=', 'IN']);

export const valueNotAllowed: Rule = {
  id: 'value-not-allowed',
  defaultSeverity: 'warning',
  description: 'A literal the column can never hold: its CHECK list allows other values (the condition is never true), or its enum type has no such label (the statement fails).',
  check: atOperators(OPS, (n, info, ctx) => {
    for (const [colSide, other] of bothSides(n)) {
      const ref = stripCasts(colSide);
      if (ref?.type !== 'ref' || ref.name === '*') continue;
      const values = literals(other);
      if (!values?.length) continue;
      const allowed = resolveColumn(ref, info.scope, ctx.evidence)?.column?.allowed;
      if (!allowed) continue;
      const bad = values.filter((v) => !allowed.values.includes(v));
      if (!bad.length) continue;
      const column = ctx.textOf(ref);
      const list = allowed.values.map(quote).join(', ');
      const enumType = allowed.kind === 'enum';
      const where = enumType
        ? `its type ${allowed.source} (an enum) allows only ${list}`
        : allowed.domain
          ? `its type, the domain ${allowed.domain}, has the CHECK constraint ${allowed.source} that allows only ${list}`
          : `its CHECK constraint ${allowed.source} allows only ${list}`;
      // An enum label PostgreSQL does not know is an error when the statement runs (the input function of the enum
      // rejects it, in PostgreSQL's words below); a CHECK list is not checked in a WHERE clause: the condition is false.
      const someMatch = String(n.op).toUpperCase() === 'IN' && bad.length < values.length;
      const outcome = enumType
        ? `the statement fails: ERROR: invalid input value for enum ${allowed.source}: "${bad[0]}"`
        : someMatch
          ? `${bad.map(quote).join(', ')} can never match`
          : 'the condition is never true';
      // What it means for the whole statement (the index advice leaves such a statement out, core/advice/neverMatches):
      // `fails` — an enum label PostgreSQL rejects, wherever it stands; `no-rows` — a never-true condition ANDed into the
      // statement's own WHERE. A never-true condition under an OR, NOT, a subquery or a join's ON is that condition's only.
      const statement = enumType ? 'fails' : !someMatch && topConjuncts(ctx.statement as Node).includes(n) ? 'no-rows' : undefined;
      return ctx.report({
        at: n,
        ...(enumType ? { severity: 'error' as const } : {}),
        message: `${bad.map(quote).join(', ')} is not a value ${column} can hold: ${where}, so ${outcome}.`,
        help: `Use one of the allowed values (a typo?)${allowed.kind === 'check' ? `, or change the constraint if ${bad.length === 1 ? 'it is' : 'they are'} a new value` : `, or add ${bad.length === 1 ? 'it' : 'them'} to the enum (ALTER TYPE … ADD VALUE)`}.`,
        evidence: { column, values: bad, allowed: allowed.values, kind: allowed.kind, source: allowed.source, ...(allowed.domain ? { domain: allowed.domain } : {}), ...(allowed.definition ? { definition: allowed.definition } : {}), ...(statement ? { statement } : {}) },
      });
    }
    return undefined;
  }),
};

/** The conditions ANDed together in a SELECT's, UPDATE's or DELETE's own WHERE (none for any other statement). */
function topConjuncts(statement: Node): Node[] {
  if (!['select', 'update', 'delete'].includes(String(statement?.type))) return [];
  const out: Node[] = [];
  const add = (e: Node) => {
    if (e?.type === 'binary' && String(e.op).toUpperCase() === 'AND') {
      add(e.left);
      add(e.right);
    } else if (e) out.push(e);
  };
  add(statement.where);
  return out;
}

/** The string literals of a value side (`'x'`, `'x'::text`, a list of them); undefined when any part is not one (a parameter). */
function literals(v: Node): string[] | undefined {
  const parts: Node[] = v?.type === 'list' ? v.expressions ?? [] : [v];
  const out: string[] = [];
  for (const p of parts) {
    const s = stripCasts(p);
    if (s?.type !== 'string' || typeof s.value !== 'string') return undefined;
    out.push(s.value);
  }
  return out;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
