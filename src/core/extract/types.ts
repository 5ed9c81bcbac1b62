/**
 * A place in a source file where SQL is found. Every feature (hover, index advice, N+1, rules,
 * scan) starts from SqlSite. Offsets are UTF-16 offsets into the file text.
 */
import type { Span } from '../findings';
import type { SourceLanguage } from '../syntax/treeSitter';

export interface SqlParam {
  /** 1-based: $1, $2, … in `sql`. */
  index: number;
  /** The placeholder or expression as written in the source: `?`, `%(name)s`, `:name`, `${user.id}`. */
  source: string;
  span: Span;
  /** Text spliced in at run time (string interpolation, a format directive), not a bind parameter. */
  spliced?: boolean;
  /**
   * For a positional placeholder (`$2`, `?`, `%s`), the argument the call passes for it, as written: `updationTime` in
   * `db.Query(sql, userID, updationTime)`, `b` in `pool.query(sql, [a, b])` or `cur.execute(sql, (a, b))`. Set only
   * when the call's values can be read one for one (no spread, no `args...`, as many values as placeholders).
   */
  argument?: string;
  /** That argument's value when the code writes it as a constant (`paid` of `'paid'`, `20`, `true`): a value prompt starts with it. */
  value?: string;
}

export interface SqlSite {
  file?: string;
  language: SourceLanguage | 'sql';
  /**
   * What the SQL was given to: e.g. `pg.query`, `postgres.sql`, `prisma.$queryRaw`, `knex.raw`,
   * `psycopg.execute`, `sqlalchemy.text`, `database/sql.QueryContext`, `jdbc.prepareStatement`,
   * `activerecord.find_by_sql`; `sql-file` for .sql files; `marker` for `-- language=SQL` and
   * `/* sql *\/`; `constant` for a string that parses as SQL.
   */
  api: string;
  /** The SQL text with placeholders mapped to PostgreSQL's $n. */
  sql: string;
  /**
   * For every character of `sql`, its offset in the file (length sql.length). Characters that do
   * not come from the file verbatim (a `$n` that replaced `?` or `${expr}`) map to the start of
   * what they replaced.
   */
  sourceMap: number[];
  /** The whole SQL expression in the file (string literal, template, concatenation). */
  span: Span;
  /** The call the SQL is passed to, when there is one (for diagnostics on the call, N+1). */
  callSpan?: Span;
  /**
   * A string taken as SQL because it parses (api `constant`) handed straight to a call PG Lens does not know as its first
   * argument (pg-promise's `db.one(` then the SQL on the next line, an app's own wrapper): that call. It names the
   * statement by its call's lines, as a recording does (the workload's places, person52 L-3); the site keeps no callSpan,
   * so its lines stay the string's. A known driver call (`await db.query<Order>(…)` too) gives its site a callSpan instead.
   */
  calledBy?: Span;
  params: SqlParam[];
  /** 1 for known APIs and markers; below 1 for strings taken as SQL because they parse as SQL. */
  confidence: number;
  /** True when parts of the text are computed at run time and were not mapped to parameters. */
  dynamic: boolean;
  /**
   * The static statements this site can become at run time, when the code composes it from parts
   * (conditional `+=` appends, MyBatis `<if>`/`<choose>`) and every variant could be enumerated
   * (bounded). The rules judge them together: a whole-statement rule reports only what holds in
   * every variant, a predicate rule what holds in any. `sql` is then one of them (the fullest).
   */
  variants?: SqlVariant[];
  /**
   * The declared model class the rows become, when the call names one (`db.fetchone(sql, values, model=Wallet)`):
   * such a model takes every column, so `SELECT *` is what it asks for (as ActiveRecord's find_by_sql).
   */
  rowModel?: string;
  /** Pieces of the code spliced in where a name goes (`FROM ${table}`): said when the statement then does not parse. */
  splicedNames?: SplicedName[];
}

/**
 * A string that looks like SQL (a statement's shape) but was not analysed, and why: built at run time from
 * pieces that cannot be composed (`FROM (${eventQuery}) t`, `ANY($3::%s)`), or text PostgreSQL cannot parse.
 * Never silently dropped: the scan and `pg-lens sql` say so (one line each, counted in the summary).
 */
export interface UnreadSql {
  span: Span;
  /** The call it is handed to, when it is its first argument. */
  callSpan?: Span;
  /** True when run-time pieces are what keeps it from parsing. */
  runTime: boolean;
  /** PostgreSQL's parse error, and the run-time pieces (as written) when there are any. */
  reason: string;
  /** The database the text is written for, when it is plainly another one's (ClickHouse's `{name:Type}`). */
  otherDatabase?: string;
  /** True when what is built at run time is a name (`FROM ${table}`): the statement is whole, but its table is not known. */
  name?: boolean;
  /**
   * PostgreSQL's parse error, as it says it, when nothing built at run time nor another database explains it: the text as
   * written fails when it runs (a typo: `ORDER BY placed_at D LIMIT 100ESC`).
   */
  syntaxError?: string;
  /**
   * With a syntaxError: the text as read (`$n` for the code's values) and each of its characters' offset in the file — what
   * the connected server is asked to parse (db/ruleEvidence), and where its error position is in the file.
   */
  sql?: string;
  sourceMap?: number[];
}

/** One statement a composed site can become (same shape as the site's own text). */
export interface SqlVariant {
  sql: string;
  sourceMap: number[];
  params: SqlParam[];
  /** Parts of this variant are still computed at run time (text spliced in, not a parameter). */
  dynamic: boolean;
  /** Pieces of the code that stand where a name goes (`FROM ${table}`). */
  splicedNames?: SplicedName[];
}

/**
 * A piece of the code spliced in where a name goes (`FROM ${table}`, `FROM #{table}`, `"… FROM " + table`): `source` as
 * written, `read` what the SQL text holds there (the expression's own name, `table`, or the `$n` standing for it).
 */
export interface SplicedName {
  source: string;
  read: string;
}

/** File offset of an offset inside site.sql (clamped). */
function fileOffsetOf(site: Pick<SqlSite, 'sourceMap' | 'span'>, sqlOffset: number): number {
  if (!site.sourceMap.length) return site.span.start;
  const i = Math.max(0, Math.min(site.sourceMap.length - 1, sqlOffset));
  return site.sourceMap[i];
}

/** File span of a span inside site.sql. */
export function fileSpanOf(site: Pick<SqlSite, 'sourceMap' | 'span'>, start: number, end: number): Span {
  const s = fileOffsetOf(site, start);
  const e = end > start ? fileOffsetOf(site, end - 1) + 1 : s;
  return { start: s, end: Math.max(s, e) };
}
