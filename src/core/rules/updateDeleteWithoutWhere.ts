/** update-delete-without-where: an UPDATE or DELETE with no WHERE changes every row of the table. */
import { formatCount } from '../format';
import type { Rule } from './types';

export const updateDeleteWithoutWhere: Rule = {
  id: 'update-delete-without-where',
  defaultSeverity: 'error',
  description: 'UPDATE or DELETE without a WHERE clause changes every row of the table.',
  docs: 'docs/rules/update-delete-without-where.md',
  check(ctx) {
    const s = ctx.statement as any;
    if ((s.type !== 'update' && s.type !== 'delete') || s.where) return [];
    // pgsql-ast-parser does not parse `WHERE CURRENT OF cursor`; a statement without WHERE is exactly that.
    const verb = s.type === 'update' ? 'UPDATE' : 'DELETE';
    const target = s.type === 'update' ? s.table : s.from;
    const name = [target?.schema, target?.name].filter(Boolean).join('.');
    const t = target?.name ? ctx.table(target.name, target.schema) : undefined;
    const rows = t && t.rows >= 0 ? t.rows : undefined;
    return [
      ctx.report({
        at: { start: 0, end: Math.max(s._location?.end ?? 0, (target?._location?.end ?? 0)) },
        message: `${verb} without WHERE changes every row of ${name || 'the table'}${rows !== undefined ? ` (about ${formatCount(rows)} rows)` : ''}.`,
        help: s.type === 'delete'
          ? 'Add a WHERE clause. To empty a table on purpose use TRUNCATE, or write WHERE true to make the intent explicit.'
          : 'Add a WHERE clause. If every row must change, write WHERE true to make the intent explicit, and update large tables in batches.',
        evidence: rows !== undefined ? { tableRows: rows } : undefined,
      }),
    ];
  },
};
