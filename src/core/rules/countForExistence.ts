/**
 * count-for-existence: `count(*) > 0` counts every matching row to answer a yes/no question;
 * EXISTS stops at the first one.
 */
import { conjunctsOf, equalitiesOf, intValue, isCountStar, walk, type Node } from './ast';
import type { Finding, Fix } from '../findings';
import type { Rule, StatementContext } from './types';

/** Does `count OP k` (count on the side given) mean "exists" (true) or "not exists" (false)? */
function meaning(op: string, k: number, countOnLeft: boolean): boolean | undefined {
  const o = countOnLeft ? op : ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[op] ?? op;
  if ((o === '>' && k === 0) || (o === '>=' && k === 1) || ((o === '<>' || o === '!=') && k === 0)) return true;
  if ((o === '=' && k === 0) || (o === '<' && k === 1) || (o === '<=' && k === 0)) return false;
  return undefined;
}

function countSubquery(n: Node): Node | undefined {
  return n?.type === 'select' && n.columns?.length === 1 && isCountStar(n.columns[0].expr) && !n.groupBy && !n.having ? n : undefined;
}

export const countForExistence: Rule = {
  id: 'count-for-existence',
  defaultSeverity: 'warning',
  description: 'count(*) > 0 counts every matching row to answer yes or no; EXISTS stops at the first.',
  check(ctx) {
    const out: Finding[] = [];
    const top = ctx.statement as Node;
    walk(top, (n, info) => {
      if (n.type !== 'binary') return;
      const op = String(n.op);
      for (const [side, other, left] of [[n.left, n.right, true], [n.right, n.left, false]] as [Node, Node, boolean][]) {
        const k = intValue(other);
        if (k === undefined) continue;
        const m = meaning(op, k, left);
        if (m === undefined) continue;
        const sub = countSubquery(side);
        const direct = isCountStar(side) && info.query && !info.query.groupBy && !info.inPredicate ? info.query : undefined;
        if (!sub && !direct) continue;
        const fix = left ? (sub ? subqueryFix(ctx, n, sub, m) : direct === top ? selectListFix(ctx, top, n, m) : undefined) : undefined;
        const keys = pinnedKeys((sub ?? direct) as Node);
        out.push(
          ctx.report({
            at: n,
            // Keyed by the row's own key, or by two keys at once (`client_id = ? AND appuser_id = ?`, a mapping's composite
            // key): a row or two to count, so EXISTS saves nothing worth a change. Said, not hidden (the idiom is still EXISTS).
            ...(keys ? { severity: 'info' as const } : {}),
            message: `${ctx.textOf(n)} counts every matching row just to learn whether ${m ? 'there is one' : 'there is none'}; ${m ? 'EXISTS' : 'NOT EXISTS'} stops at the first.${keys ? ` Here the WHERE pins ${keys}, so there is a row or two to count: little is at stake.` : ''}`,
            help: `Use ${m ? 'EXISTS' : 'NOT EXISTS'} (SELECT 1 FROM … WHERE …).`,
            fixes: fix ? [fix] : [],
          }),
        );
        return false;
      }
    });
    return out;
  },
};

/**
 * The key columns the counted query's WHERE pins by equality to a value, when they leave a row or two: the primary key
 * (`id`, `uuid`) alone, or two different `…_id` keys ANDed (`client_id = ? AND appuser_id = ?`). One foreign key alone
 * (`room_id = ?`) may match thousands of rows, and stays a warning.
 */
function pinnedKeys(q: Node | undefined): string | undefined {
  if (!q?.where) return undefined;
  const names = new Set(equalitiesOf(conjunctsOf(q.where)).map((e) => String(e.column.name).toLowerCase()));
  const keys = [...names].filter((k) => /^(id|uuid|\w+_id)$/.test(k));
  if (keys.some((k) => k === 'id' || k === 'uuid') || keys.length >= 2) return keys.join(' and ');
  return undefined;
}

/** `(SELECT count(*) FROM t WHERE c) > 0` → `EXISTS (SELECT 1 FROM t WHERE c)`. */
function subqueryFix(ctx: StatementContext, cmp: Node, sub: Node, exists: boolean): Fix | undefined {
  const open = ctx.sql.lastIndexOf('(', sub._location!.start);
  if (open < 0 || ctx.sql.slice(open + 1, sub._location!.start).trim() !== '') return undefined;
  const countEnd = sub.columns[0]._location.end;
  const newText = `${exists ? '' : 'NOT '}EXISTS (SELECT 1${ctx.sql.slice(countEnd, sub._location!.end)})`;
  const edit = ctx.replace(open, cmp._location!.end, newText);
  return edit ? { title: `Rewrite as ${exists ? 'EXISTS' : 'NOT EXISTS'}`, edits: [edit] } : undefined;
}

/** `SELECT count(*) > 0 [AS x] FROM t WHERE c` → `SELECT EXISTS (SELECT 1 FROM t WHERE c) [AS x]`. */
function selectListFix(ctx: StatementContext, s: Node, cmp: Node, exists: boolean): Fix | undefined {
  if (s.columns?.length !== 1 || s.columns[0].expr !== cmp || s.limit || s.orderBy || s.distinct || !s._location) return undefined;
  const colEnd = s.columns[0]._location.end;
  const alias = ctx.sql.slice(cmp._location!.end, colEnd);
  const rest = ctx.sql.slice(colEnd, s._location.end);
  const newText = `${exists ? '' : 'NOT '}EXISTS (SELECT 1${rest})${alias}`;
  const edit = ctx.replace(cmp._location!.start, s._location.end, newText);
  return edit ? { title: `Rewrite as ${exists ? 'EXISTS' : 'NOT EXISTS'}`, edits: [edit] } : undefined;
}
