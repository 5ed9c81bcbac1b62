/**
 * count-for-existence: `count(*) > 0` counts every matching row to answer a yes/no question;
 * EXISTS stops at the first one.
 */
import { intValue, isCountStar, walk, type Node } from './ast';
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
        out.push(
          ctx.report({
            at: n,
            message: `${ctx.textOf(n)} counts every matching row just to learn whether ${m ? 'there is one' : 'there is none'}; ${m ? 'EXISTS' : 'NOT EXISTS'} stops at the first.`,
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
