/**
 * implicit-cast: a comparison whose other side has a type the column's index cannot compare with
 * makes PostgreSQL cast the COLUMN (int4 = numeric → int4::numeric = numeric; char(n) = text →
 * bpchar::text = text), so the index on the column is not used. Needs column types from the catalog;
 * without them only the obvious literal cases are reported (a decimal literal against an *_id column).
 */
import { atOperators, bothSides, COMPARISON_OPS, resolveColumn, stripCasts, type Node } from './ast';
import type { Rule } from './types';

const INTEGER = new Set(['int2', 'int4', 'int8']);
const FLOATING = new Set(['numeric', 'float4', 'float8']);
const OPS = new Set([...COMPARISON_OPS, 'IN']);

/** Cast target names as written → pg_type.typname. */
function typname(written: string): string {
  const t = written.toLowerCase().replace(/\s*\(.*\)$/, '').trim();
  const map: Record<string, string> = {
    int: 'int4', integer: 'int4', int4: 'int4', smallint: 'int2', int2: 'int2', bigint: 'int8', int8: 'int8',
    numeric: 'numeric', decimal: 'numeric', real: 'float4', float4: 'float4', 'double precision': 'float8', float8: 'float8', float: 'float8',
    text: 'text', varchar: 'varchar', 'character varying': 'varchar', char: 'bpchar', character: 'bpchar', bpchar: 'bpchar',
    timestamp: 'timestamp', 'timestamp without time zone': 'timestamp', timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz',
    date: 'date', uuid: 'uuid', bool: 'bool', boolean: 'bool',
  };
  return map[t] ?? t;
}

/** Why comparing a column of type col with a value of type val casts the column, or undefined if it does not. */
export function castsColumn(col: string, val: string): string | undefined {
  if (INTEGER.has(col) && FLOATING.has(val)) return `${col} = ${val} is evaluated as ${col}::${val}: the integer column is converted for every row`;
  if (col === 'numeric' && (val === 'float4' || val === 'float8')) return `numeric = ${val} is evaluated as numeric::${val}`;
  if (col === 'bpchar' && (val === 'text' || val === 'varchar')) return `char(n) = ${val} is evaluated as bpchar::text`;
  if ((col === 'float4') && val === 'float8') return undefined; // cross-type operators exist in float_ops
  return undefined;
}

export const implicitCast: Rule = {
  id: 'implicit-cast',
  defaultSeverity: 'warning',
  description: "A comparison with a value of another type makes PostgreSQL convert the column, so its index is not used.",
  check: atOperators(OPS, (n, info, ctx) => {
    for (const [colSide, other] of bothSides(n)) {
      if (colSide?.type !== 'ref' || colSide.name === '*') continue;
      const values: Node[] = other?.type === 'list' ? other.expressions ?? [] : [other];
      const valType = values.map(valueType).find(Boolean);
      if (!valType) continue;
      const col = resolveColumn(colSide, info.scope, ctx.evidence);
      const colType = col?.column?.typeName;
      let why: string | undefined;
      if (colType) why = castsColumn(colType, valType);
      else if (valType === 'numeric' && /^(id|.+_id)$/i.test(colSide.name) && values.some((v) => v.type === 'numeric')) why = `${colSide.name} looks like an integer key; a decimal literal makes it compare as numeric`;
      if (!why) continue;
      if (col?.column && !col.indexed) continue; // no index to lose
      return ctx.report({
        at: n,
        severity: colType ? undefined : 'info',
        message: `${ctx.textOf(n)}: ${why}, so an index on ${ctx.textOf(colSide)} cannot be used.`,
        help: `Compare with a value of the column's own type${colType ? ` (${colType})` : ''}: e.g. cast the parameter, not the column.`,
        evidence: { columnType: colType ?? null, valueType: valType },
      });
    }
    return undefined;
  }),
};

/** Type of a value expression when it is evident: a literal or an explicit cast of a non-column. */
function valueType(v: Node): string | undefined {
  if (!v) return undefined;
  if (v.type === 'numeric') return 'numeric';
  if (v.type === 'integer') return 'int4';
  if (v.type === 'cast' && stripCasts(v)?.type !== 'ref') return typname(String(v.to?.name ?? ''));
  return undefined;
}
