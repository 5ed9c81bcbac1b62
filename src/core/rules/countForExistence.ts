/**
 * count-for-existence: `count(*) > 0` counts every matching row to answer a yes/no question;
 * EXISTS stops at the first one.
 */
import { conjunctsOf, equalitiesOf, intValue, isCountStar, walk, type Node } from './ast';
import type { Finding, Fix } from '../findings';
import type { Rule, StatementContext } from './types';
import { tableSize, unprovedSize } from './sizeEvidence';
import { rowsPhrase, type TableFacts } from '../catalogFacts';

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
        const counted = (sub ?? direct) as Node;
        const keys = pinnedKeys(counted);
        // What counting costs over stopping at the first row is the rows counted: a problem only where there are many. The
        // catalog's row count of the counted tables decides (under SMALL_TABLE_ROWS: nothing worth a change); without it the
        // finding is a note that says the size is unproved (sizeEvidence.ts, as offset-pagination; issue 14, session 26:
        // liberapay's paydays of one day and one payer's routes, labelled intended, have the shape of synapse's members of
        // one room, labelled a problem — only the number of rows tells them apart).
        const sized = keys ? undefined : tableSize(countedTables(ctx, counted), SMALL_TABLE_ROWS);
        if (sized?.size === 'small') return false;
        const base = `${ctx.textOf(n)} counts every matching row just to learn whether ${m ? 'there is one' : 'there is none'}; ${m ? 'EXISTS' : 'NOT EXISTS'} stops at the first`;
        out.push(
          ctx.report({
            at: n,
            // Keyed by the row's own key, or by two keys at once (`client_id = ? AND appuser_id = ?`, a mapping's composite
            // key): a row or two to count, so EXISTS saves nothing worth a change. Said, not hidden (the idiom is still EXISTS).
            ...(keys || sized?.size === 'unproved' ? { severity: 'info' as const } : {}),
            message: keys
              ? `${base}. Here the WHERE pins ${keys}, so there is a row or two to count: little is at stake.`
              : sized?.size === 'large'
                ? `${base} (${rowsPhrase(sized.largest)}).`
                : `${base}. ${unprovedSize('How many rows it counts', 'a problem once thousands of rows match')}.`,
            help: `Use ${m ? 'EXISTS' : 'NOT EXISTS'} (SELECT 1 FROM … WHERE …).`,
            fixes: fix ? [fix] : [],
            evidence: sized?.size === 'large' ? { tableRows: sized.rows } : sized?.size === 'unproved' ? { size: 'unproved' } : {},
          }),
        );
        return false;
      }
    });
    return out;
  },
};

/** With a database, counting fewer rows than this costs nothing EXISTS would save. */
const SMALL_TABLE_ROWS = 1000;

/** The catalog's facts of the tables the counted query reads (undefined for one it does not know, or without a database). */
function countedTables(ctx: StatementContext, q: Node): (TableFacts | undefined)[] {
  return ((q.from ?? []) as Node[]).filter((f) => f.type === 'table').map((f) => ctx.table(String(f.name.name), f.name.schema ? String(f.name.schema) : undefined));
}

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
