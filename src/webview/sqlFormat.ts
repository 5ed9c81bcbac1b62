/**
 * The SQL formatter of the plan viewer, bundled on its own (media/dist/sqlFormat.js) and loaded by
 * the viewer the first time its Query tab shows SQL, so the viewer's own bundle stays small.
 */
import { formatSql } from '../core/formatSql';

(globalThis as { pgLensFormatSql?: typeof formatSql }).pgLensFormatSql = formatSql;
