/**
 * The SQL statements of a file named on the command line (`--file F [--line N]`), for every command that takes one
 * (`pg-lens explain`, `pg-lens advise`): one reader, the same statements and the same messages (before, each command
 * picked the statement on a line with its own code and said so in its own words). Pure: given the file's text (the CLI
 * reads it); the statements are the ones SQL discovery finds (extractSqlSitesDetailed), as `pg-lens sql` lists them.
 *
 * A statement is on line N when its SQL has text on that line (from the line its SQL starts on to the line of its last
 * character).
 */
import { extractSqlSitesDetailed } from './index';
import { lineStarts, positionAt } from '../findings';
import type { SqlSite } from './types';

/** A statement of the file and the 1-based line its SQL starts on. */
export interface FileStatement {
  site: SqlSite;
  line: number;
}

export interface FileStatementsOptions {
  /** The file as the user named it, for the messages. */
  name: string;
  /** Only the statements on this 1-based line (none there: an error). */
  line?: number;
  /** Exactly one statement is wanted: none in the file, or several and no line, is an error (the first on the line is taken). */
  one?: boolean;
}

/** The statements asked for, or the one line that says why there are none to give. */
export type FileStatements = { statements: FileStatement[] } | { error: string };

export async function fileStatements(text: string, file: string, opts: FileStatementsOptions): Promise<FileStatements> {
  const { sites, reason } = await extractSqlSitesDetailed(text, file, file);
  const starts = lineStarts(text);
  const lineOf = (offset: number) => positionAt(starts, offset).line + 1;
  const all = sites.map((site) => ({ site, line: lineOf(site.span.start), endLine: lineOf(Math.max(site.span.start, site.span.end - 1)) }));
  const startLines = () => all.map((s) => s.line).join(', ');
  const noSql = { error: `no SQL found in ${opts.name}${reason ? ` (${reason})` : ''}` };
  const out = (list: typeof all) => ({ statements: list.map(({ site, line }) => ({ site, line })) });
  if (opts.line === undefined) {
    if (!opts.one) return out(all);
    if (!all.length) return noSql;
    if (all.length > 1) return { error: `${opts.name} holds ${all.length} SQL statements (lines ${startLines()}): pick one with --line N` };
    return out(all);
  }
  if (!all.length) return noSql;
  const on = all.filter((s) => s.line <= opts.line! && opts.line! <= s.endLine);
  if (!on.length) return { error: `no SQL statement on line ${opts.line} of ${opts.name} (statements start on lines ${startLines()})` };
  return out(opts.one ? on.slice(0, 1) : on);
}
