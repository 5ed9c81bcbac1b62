/**
 * The workspace scan, as pure orchestration: file text → SqlSites → findings of every analyzer →
 * suppressions and severity settings applied. Reading files (CLI walker, VS Code workspace) and
 * talking to a database happen outside; they come in as plain inputs and plug-ins:
 *  - an Analyzer per kind of analysis: the query rules (rulesAnalyzer), N+1 detection, the index advisor…;
 *  - an EvidenceSource giving rules catalog/plan facts (filled by src/db when a database is given).
 */
import { sqlOverLimit } from './limits';
import type { Statement } from 'pgsql-ast-parser';
import { extractLanguageOf, extractSqlSitesDetailed, isTreeLanguage } from './extract/index';
import { fileSpanOf, type SqlSite, type UnreadSql } from './extract/types';
import { notAnalysedMessage } from './extract/looksLikeSql';
import { NOT_ANALYSED } from './rules/engine';
import { type Finding, SEVERITY_RANK, type Severity } from './findings';
import { checkSite } from './rules/engine';
import { OTHER_DIALECT_RULE, OTHER_RULES, RULES, SYNTAX_ERROR_RULE } from './rules/index';
import { readAsOneRow, refilledWithOneRow, takenAsOneRow } from './rules/updateDeleteWithoutWhere';
import type { PlanEvidence, Rule, RuleMeta } from './rules/types';
import { applySuppressions } from './suppress';
import { libraryHelp, libraryKeysetLead, libraryOf } from './rules/libraryFix';
import { judgeSelectStar } from './rules/selectStarEvidence';
import { dialectOfFile, otherDialectNote, type DialectVerdict } from './dialect';
import { applyContext, codeContextOf, DEFAULT_CONTEXT_POLICY, type CodeContext, type ContextPolicy } from './codeContext';
import { applyImportContexts, ImportGraph } from './importContext';
import { SourceTree } from './syntax/treeSitter';
import { unprovedSize } from './rules/sizeEvidence';
import { declaredForeignKey, declaredLaterKey, declaredLeadingColumn, declaredNotNull, declaredPinnedIndex, declaredTextualRelabel, declaredUniqueColumn, declaredUnindexedColumn, isDeclaredIndexExpression, ormDeclaredNotNull, type DeclaredIndexes } from './sql/declaredIndexes';
import type { MapperFragments } from './languages/java/mybatis';
import { mergeRecorded } from './record/findings';
import { foldIntoMissingIndex } from './advice/missingIndex';
import { errorMessage } from './safeText';
import { countOf, escapeRe } from './format';
import { isMinified } from './minified';
import { TimeSlice } from './timeSlice';

export interface FileInput {
  /** Path as it should appear in findings (the CLI uses paths relative to the working directory). */
  path: string;
  text: string;
  /** VS Code language id when known; otherwise the language comes from the path's extension. */
  languageId?: string;
  /** The text's syntax tree when the caller already holds one (the editor's SqlSiteIndex); the caller frees it. */
  source?: SourceTree;
  /** See AnalyzerInput.editing. */
  editing?: boolean;
  /** See AnalyzerInput.isCancelled. */
  isCancelled?: () => boolean;
  /** See AnalyzerInput.contextPath (defaults to path). */
  contextPath?: string;
}

interface AnalyzerInput {
  file: string;
  /**
   * The path the file's kind of code is judged by (codeContextOf: `tests/`, `scripts/`, `migrations/`…): its path in the
   * app, when `file` is absolute (the editor's), so a clone under ~/tools/ or ~/tests/ is not all a script's or a test's.
   * Defaults to file.
   */
  contextPath?: string;
  text: string;
  /** Language id or path, as extractSqlSites and languageOf accept it. */
  language: string;
  sites: SqlSite[];
  /** Strings that look like SQL but could not be read (extraction says why): the rules say so, one hint each. */
  unread?: UnreadSql[];
  /** The text's syntax tree, parsed at most once per file and shared by extraction and the analyzers. */
  source?: SourceTree;
  /**
   * The editor's run while the user types (not on open, save or a settings/connection change):
   * analyzers whose work costs database round trips (the index advisor's EXPLAINs) reuse what they
   * already know and start nothing new.
   */
  editing?: boolean;
  /** True once the result is no longer wanted (the document changed or closed, the scan was cancelled): stop early. */
  isCancelled?: () => boolean;
  /**
   * False for a file whose statements the database does not plan: a migration's (codeContextOf), unless the context
   * policy keeps migrations as they are (`--context migration=keep`). A migration has run, or runs once: an index for
   * it, an EXPLAIN of it or a "not analysed" note on it is never advice for the app (person16 MEDIUM 4: 125 of 214
   * findings in migrations/, and the index advisor proved candidates for every statement of 248 migration files).
   */
  planned?: boolean;
}

/**
 * Whether the database plans the statements of a file of this context (AnalyzerInput.planned): not a migration's,
 * unless the policy keeps migrations' findings as they are.
 */
export function plannedIn(context: CodeContext, policy: ContextPolicy = DEFAULT_CONTEXT_POLICY): boolean {
  return context !== 'migration' || policy.migration === 'keep';
}

/** One kind of analysis plugged into the scan. */
export interface Analyzer {
  id: string;
  /** The rule ids it may report (for SARIF rule metadata and the docs). */
  rules: readonly RuleMeta[];
  analyze(input: AnalyzerInput): Finding[] | Promise<Finding[]>;
  /** Findings that need every file first (workload-wide analyses); called once after the last file. */
  finish?(): Finding[] | Promise<Finding[]>;
  /** After finish: revise the context of findings once every file is known (N+1 in start-up-only functions). */
  adjust?(findings: Finding[], policy: ContextPolicy): Finding[];
}

/** Facts for the rules, when a database is available. prepare() runs before a file's rules. */
export interface EvidenceSource {
  /**
   * `isCancelled`: stop between statements (a cancelled scan, a changed document). `unread`: the file's strings that look
   * like SQL but that PostgreSQL's parser here rejects as written (UnreadSql.syntaxError): the server is asked too.
   */
  prepare(sites: SqlSite[], isCancelled?: () => boolean, unread?: readonly UnreadSql[]): Promise<void>;
  evidenceFor(site: SqlSite, statement: Statement, index: number): PlanEvidence | undefined;
  /** PostgreSQL's rejection of the site's statement for a name it does not have, or as a syntax error (after prepare), if any. */
  rejection?(site: SqlSite): SqlRejection | undefined;
  /** The connected server's syntax error (42601) for an unread string with a syntaxError (after prepare), if it says one. */
  unreadRejection?(u: UnreadSql): SqlRejection | undefined;
  /** Let go of what it follows (the database's table readings), when replaced by another source. */
  dispose?(): void;
}

/**
 * PostgreSQL rejected a statement for a column (42703) or table (42P01) it does not have, or as a syntax error (42601, the
 * server's own parser): its SQLSTATE and its one line.
 */
export interface SqlRejection {
  code: string;
  message: string;
  /** The name not found, as PostgreSQL quotes it (`staus`, `o.staus`), when its message names one. */
  name?: string;
  /** Where in the statement's SQL the server puts the error (0-based), when it says. */
  position?: number;
}

/** The rule of a statement the connected database rejects for a name it does not have (a typo). */
const UNDEFINED_NAME = 'undefined-name';
/** The rule of SQL the connected server rejects as a syntax error (42601): it fails every time it runs. */
const SYNTAX_ERROR = SYNTAX_ERROR_RULE;

/**
 * The name PostgreSQL did not find is one the file itself creates — `CREATE [TEMP|UNLOGGED] TABLE name`, `CREATE [OR
 * REPLACE] [MATERIALIZED] VIEW name`, `ADD [COLUMN] name` — so the statement runs after the file's own DDL (a temporary
 * table the code fills then reads, a setup script's table): the database's order, not a typo.
 */
function createdInFile(r: SqlRejection, text: string): boolean {
  const named = r.name?.split('.').pop();
  if (!named) return false;
  const name = escapeRe(named);
  return new RegExp(`\\b(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:(?:GLOBAL|LOCAL)\\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\\s+)?(?:TABLE|(?:MATERIALIZED\\s+)?VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?|\\bADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?)(?:"?\\w+"?\\.)?"?${name}"?(?![\\w$])`, 'i').test(text);
}

/**
 * The finding of a statement PostgreSQL rejected while PG Lens planned it (person39 L4: `staus`, `orderts` showed the
 * error in the hover only, no squiggle nor Problems entry): at the statement, PostgreSQL's line as its message.
 */
function rejectionFinding(site: SqlSite, file: string, r: SqlRejection): Finding {
  if (r.code === '42601') return syntaxErrorFinding(site, file, r, runsAsSql(site));
  return { ruleId: UNDEFINED_NAME, severity: 'error', message: r.message, span: { start: site.span.start, end: site.span.end }, file, fixes: [], evidence: { sqlstate: r.code } };
}

/**
 * SQL the connected server rejects as a syntax error (person46 NEW-1: a typo in the shop's query dropped its missing-index
 * warning from Problems and nothing took its place; the parse error showed on hover only). A finding at the word the
 * server names (its position mapped into the string), else the whole string; the server's line as the message; an error
 * where the text surely runs as SQL, else a warning (runsAsSql). Only on
 * the server's word: where PostgreSQL's parser here rejects a text the server accepts, or with no connection, the quiet
 * not-analysed hint stays.
 */
function syntaxErrorFinding(at: { span: SqlSite['span']; sql?: string; sourceMap?: number[] }, file: string, r: SqlRejection, runs: boolean): Finding {
  const sql = at.sql ?? '';
  const word = r.position !== undefined && r.position < sql.length ? /^(?:"(?:[^"]|"")*"|[\w$]+|\S)/.exec(sql.slice(r.position))?.[0] : undefined;
  const span = word && at.sourceMap?.length ? fileSpanOf({ span: at.span, sourceMap: at.sourceMap }, r.position!, r.position! + word.length) : { start: at.span.start, end: at.span.end };
  return { ruleId: SYNTAX_ERROR, severity: runs ? 'error' : 'warning', message: `PostgreSQL: ${r.message}`, span, file, fixes: [], evidence: { sqlstate: r.code, ...(r.position !== undefined ? { position: r.position } : {}) } };
}

/**
 * PG Lens is sure the text is SQL the app runs (person49 L-2: the typo was a ⚠ while its hover said "It would fail when it
 * runs"): a statement of a .sql file, a string given to a database call PG Lens knows (`pg.query`, a mapper's statement,
 * a `-- language=SQL` marker). Then the server's syntax error is an error. A string taken as SQL from its content alone
 * (api `constant`, a string no known call takes) may be no SQL at all: its syntax error stays a warning.
 */
function runsAsSql(at: Pick<SqlSite, 'api'>): boolean {
  return at.api !== GUESSED_API;
}

/** The api of a string taken as SQL because it parses as SQL (SqlSite.api). */
const GUESSED_API = 'constant';

/**
 * The query rules as an analyzer (with database evidence when a source is given). `project` is the
 * project's database as its configuration says (core/dialect.ts projectDialect), when known. `declared`: the
 * expression indexes the project's own schema files create (sql/declaredIndexes.ts), read when no database is given.
 */
export function rulesAnalyzer(opts: { rules?: readonly Rule[]; evidence?: EvidenceSource; onRuleError?: (ruleId: string, e: unknown) => void; project?: DialectVerdict; declared?: DeclaredIndexes } = {}): Analyzer {
  const rules = opts.rules ?? RULES;
  return {
    id: 'rules',
    rules: [...rules, OTHER_DIALECT_RULE, ...OTHER_RULES.filter((r) => r.id === UNDEFINED_NAME || r.id === SYNTAX_ERROR)],
    async analyze({ sites, unread, file, text, isCancelled, planned }) {
      // SQL written for another database gets no PostgreSQL advice; one hint per file says so.
      const dialect = dialectOfFile(file, text, opts.project);
      if (dialect.dialect === 'other') {
        return sites.length ? [{ ruleId: OTHER_DIALECT_RULE.id, severity: 'hint', message: otherDialectNote(dialect), span: { start: sites[0].span.start, end: sites[0].span.start }, file, fixes: [], evidence: { dialect: dialect.name, from: dialect.evidence } }] : [];
      }
      // A migration's statements are not planned (AnalyzerInput.planned): its rules run on the text alone.
      const ev = planned === false ? undefined : opts.evidence;
      const typos = (unread ?? []).filter((u) => u.syntaxError !== undefined);
      if (ev && (sites.length || typos.length)) await ev.prepare(sites, isCancelled, typos);
      // Two calls running the same composed statement (`if … { db.Query(q, a, b) } else { db.Query(q, a) }`)
      // give the same finding once.
      const seen = new Set<string>();
      // Without a database: `lower(email) = …` is served by the `lower(email)` index the schema files create.
      // An OR whose every column leads an index the schema files create can be a BitmapOr: nothing to advise.
      const servedByDeclaredIndex = (f: Finding) => {
        if (ev || !opts.declared?.size) return false;
        const e = f.evidence ?? {};
        if (f.ruleId === 'non-sargable-predicate') {
          const table = typeof e.table === 'string' ? e.table : undefined;
          // The expression is indexed, or the same WHERE pins a column the schema declares unique (it finds the row).
          const pinned = Array.isArray(e.pinnedBy) && e.pinnedBy.some((c) => declaredUniqueColumn(opts.declared, table, String(c)));
          // A cast of a text or varchar column to text or varchar is a relabel: the column's index serves it.
          if (typeof e.column === 'string' && declaredTextualRelabel(opts.declared, table, e.column, typeof e.castTo === 'string' ? e.castTo : undefined)) return true;
          // The schema files create the table and index the column nowhere: there is no index to hide (the catalog's rule).
          if (typeof e.column === 'string' && declaredUnindexedColumn(opts.declared, table, e.column.split('.').pop()!)) return true;
          return pinned || (typeof e.expression === 'string' && isDeclaredIndexExpression(opts.declared, table, e.expression, { wrapped: true }));
        }
        if (f.ruleId !== 'or-across-columns' || e.acrossTables || !Array.isArray(e.resolved)) return false;
        return (e.resolved as { table?: string; column: string }[]).every((r) => isDeclaredIndexExpression(opts.declared, r.table, r.column));
      };
      const once = (f: Finding) => {
        const key = `${f.ruleId}\u0000${f.span.start}\u0000${f.span.end}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      };
      // "No query rule or index advice ran on it" says nothing in a file where no advice runs anyway (a migration): not
      // said there, for strings that were not read nor for statements that could not be.
      // A string the server too rejects as a syntax error: its syntax error instead of the hint (a warning: an unread string is
      // handed to no call PG Lens knows, whose string is that call's site, and may be no SQL at all).
      const unreadHints = planned === false ? [] : (unread ?? []).map((u) => {
        const r = ev?.unreadRejection?.(u);
        return r ? syntaxErrorFinding(u, file, r, false) : unreadFinding(file, u);
      });
      return unreadHints.concat(sites.flatMap((site) => {
        const found = checkSite(site, rules, { evidence: ev ? (s, st, i) => ev.evidenceFor(s, st, i) : undefined, onRuleError: opts.onRuleError, declared: ev ? undefined : opts.declared });
        // A statement kept in a mapper file is changed there and called through its library: say how.
        if (site.api === 'named-query' || site.api === 'mybatis') {
          for (const f of found) {
            // The rule's own keyset rewrite (keyed on the statement's ORDER BY) is the one suggestion: the library's
            // words only say where to change it (its generic `id > :last_id` beside it was a second, different one).
            const keyset = Array.isArray(f.evidence?.keysetParams) ? (f.evidence.keysetParams as { param: string; column: string }[]) : undefined;
            const library = libraryOf(file, text, site);
            // SQL quoted in the help is written the way the file writes parameters (`:name`, `#{name}`); a file that writes
            // `$n` (goyesql) reads the rule's own `$n` as it is — a `:last_id` in its statement was a style it cannot run.
            const help = f.help && (library === 'named-query' ? f.help : mapperParams(f.help, site, keyset));
            if (keyset) {
              const lead = libraryKeysetLead(library);
              f.help = lead ? (help ? `${lead}\n${help}` : lead) : help;
            } else {
              // The library's words are the rule's advice said in its terms: they replace it (person9: "Give the named query
              // a LIMIT and keyset pagination…" then "Page through the rows with LIMIT and keyset pagination…", one hover).
              f.help = libraryHelp(f.ruleId, library) ?? help;
            }
          }
        }
        // select-star is kept only on evidence that it costs something or risks a bug (selectStarEvidence.ts).
        const judged = found.flatMap((f) => (f.ruleId === 'select-star' ? (judgeSelectStar(f, site, text, opts.declared?.tables) ?? []) : [f]));
        // The database rejected the statement for a name it does not have: one finding at it (db/ruleEvidence rejection).
        const rejected = site.confidence >= 0.5 ? ev?.rejection?.(site) : undefined;
        if (rejected && !createdInFile(rejected, text)) judged.unshift(rejectionFinding(site, file, rejected));
        // The server's syntax error is said: the not-analysed hint on the same text would say it again, quietly.
        const syntax = rejected?.code === '42601';
        return judged.filter((f) => !(syntax && f.ruleId === NOT_ANALYSED)).filter((f) => once(f) && !servedByDeclaredIndex(f) && !(planned === false && f.ruleId === NOT_ANALYSED)).map((f) => (ev ? f : withDeclaredLookup(withDeclaredNotNull(f, opts.declared), opts.declared))).map((f) => withOneRowByCode(f, text)).map((f) => withFirstRowOnly(f, site, text)).filter((f) => !copiedColumns(f, text));
      }));
    },
  };
}

/**
 * non-sargable-predicate and leading-wildcard-like without a database: the same WHERE compares, by equality, a column an
 * index of the schema files leads with (`participant = $1 AND network::text LIKE 'stripe-%'`, `tipper = $1 AND
 * extract(year from timestamp) = $2`, a LATERAL's `r.participant = sp.payer`). That index finds the rows; the expression
 * only filters them, so no index is lost. Without the table's size the finding stays as a note (info) that says so.
 */
function withDeclaredLookup(f: Finding, declared: DeclaredIndexes | undefined): Finding {
  if (f.ruleId !== 'non-sargable-predicate' && f.ruleId !== 'leading-wildcard-like') return f;
  const e = f.evidence ?? {};
  const table = typeof e.table === 'string' ? e.table : undefined;
  // The column the expression wraps: when the lookup's index holds it as a later key (`UNIQUE (type, name)` and
  // `type = 'USER' AND lower(name) = …`), the expression is what loses that index — the warning stands.
  // A pattern with a leading wildcard never used a later key (`tenant_id = $1 AND name ILIKE '%x%'` reads the tenant's rows
  // by `(tenant_id, name)` with or without it): only an expression compared by equality loses one.
  const wrapped = typeof e.column === 'string' && f.ruleId === 'non-sargable-predicate' ? e.column.split('.').pop()! : undefined;
  // …unless the lookup's column is a foreign key (`participant = $1` with UNIQUE (participant, network, address)): the
  // index still finds one parent's rows, and the expression only costs reading all of them instead of the few it wants.
  // That is a problem only where one parent has many rows, which only a database shows (pg-boss's schedules of one
  // queue, liberapay's routes of one participant; issue 14, session 26): a note that says the size is unproved.
  const parentKey = (c: string) => !!wrapped && declaredLaterKey(declared, table, c, wrapped) && declaredForeignKey(declared, table, c);
  const lead = Array.isArray(e.pinnedBy)
    ? e.pinnedBy.map(String).find((c) => declaredLeadingColumn(declared, table, c) && (!(wrapped && declaredLaterKey(declared, table, c, wrapped)) || parentKey(c)))
    : undefined;
  // …or the WHERE pins every key of an index of two or more columns that does not hold the wrapped column (`user_id = $1
  // AND device_id = $2` with `INDEX (user_id, device_id)` beside `UNIQUE (user_id, device_id, key_id, algorithm)`): the
  // app made that index for this lookup, one device's keys, and the expression only filters what it finds (rules-w:
  // Dendrite's one-time keys by `concat(algorithm, ':', key_id) = ANY($3)`).
  const composite = !lead && Array.isArray(e.pinnedBy) ? declaredPinnedIndex(declared, table, e.pinnedBy.map(String), wrapped) : undefined;
  // …or the WHERE looks the rows up by a set of values of a column an index of the schema files leads with (`"videoID" IN
  // (SELECT "videoID" FROM "videoInfo" WHERE "channelID" = $1)`, `id = ANY($1)`): a semi-join or a probe per value finds
  // them, and the expression only filters what it finds (rules-x: SponsorBlock's similarity() over one channel's segments).
  const setLead = !lead && !composite && Array.isArray(e.lookupIn)
    ? e.lookupIn.map(String).find((c) => declaredLeadingColumn(declared, table, c) && !(wrapped && declaredLaterKey(declared, table, c, wrapped)))
    : undefined;
  const key = lead ?? (composite ? `(${composite.join(', ')})` : setLead);
  // A note that only says the table's size is unproved (leading-wildcard-like without a database) takes these more
  // precise words: the lookup is what is known here.
  if (!key || (SEVERITY_RANK[f.severity] <= SEVERITY_RANK.info && e.size !== 'unproved')) return f;
  const expression = typeof e.expression === 'string' ? e.expression : 'This pattern';
  if (parentKey(key)) {
    return {
      ...f,
      severity: 'info',
      message: `${expression} only filters one ${key}'s rows here: the same WHERE looks them up by ${key} (a foreign key), which an index of the schema files leads with; the expression keeps that index from using ${wrapped} as its next key, so every row of that ${key} is read. ${unprovedSize(`How many rows one ${key} has`, `a problem once one ${key} holds thousands of rows`)}, or index (${key}, (${expression})).`,
      evidence: { ...e, lookupBy: key, lookupFrom: 'schema files', laterKeyLost: wrapped, size: 'unproved' },
    };
  }
  return {
    ...f,
    severity: 'info',
    message: composite
      ? `${expression} only filters rows here: the same WHERE looks them up by ${key}, every key of an index of the schema files (a problem only if one ${key} matches many rows).`
      : setLead
      ? `${expression} only filters rows here: the same WHERE looks them up by a set of ${key} values (IN or = ANY), and an index of the schema files leads with ${key} (a problem only if those values match many rows).`
      : `${expression} only filters rows here: the same WHERE looks them up by ${key}, which an index of the schema files leads with (a problem only if one ${key} matches many rows).`,
    evidence: { ...e, lookupBy: key, lookupFrom: 'schema files', ...(setLead ? { lookupBySet: true } : {}) },
  };
}

/**
 * not-in-subquery without a database: the schema files declare the subquery's column NOT NULL (a primary key's column),
 * so the NULL trap cannot happen; when the subquery is also narrowed by a WHERE (one group's members), the hashed
 * subplan is small too, and the finding is a note (info). A subquery over its whole table keeps its warning: NOT IN
 * hashes every row of it on each run, where NOT EXISTS probes an index.
 */
function withDeclaredNotNull(f: Finding, declared: DeclaredIndexes | undefined): Finding {
  const e = f.evidence ?? {};
  if (f.ruleId !== 'not-in-subquery' || e.subqueryColumnNullable !== null || typeof e.subqueryTable !== 'string' || typeof e.subqueryColumn !== 'string') return f;
  // The schema files, or else the app's SQLAlchemy models and Alembic migrations (`nullable=False`, a primary key's column).
  const from = declaredNotNull(declared, e.subqueryTable, e.subqueryColumn) === true ? 'schema files' : ormDeclaredNotNull(declared, e.subqueryTable, e.subqueryColumn) ? 'ORM models and migrations' : undefined;
  if (!from) return f;
  return {
    ...f,
    severity: e.subqueryFiltered ? 'info' : f.severity,
    message: 'NOT IN (SELECT …) cannot be planned as an anti-join (a subplan per row, or a hashed subplan that must fit in work_mem); NOT EXISTS can.',
    evidence: { ...e, subqueryColumnNullable: false, notNullFrom: from },
  };
}

/**
 * An UPDATE without WHERE of a table the same file keeps at one row (it empties the table and inserts one row), or
 * reads as one row (a SELECT from it with no WHERE whose result is taken as a single row):
 * updating that row is the intent, so a note (`info`), like a table of one row by its name. Without the catalog's
 * row count only: with it, the count decides.
 */
function withOneRowByCode(f: Finding, text: string): Finding {
  const e = f.evidence ?? {};
  if (f.ruleId !== 'update-delete-without-where' || f.severity === 'info' || e.tableRows !== undefined || typeof e.table !== 'string') return f;
  if (!/^\s*UPDATE\b/i.test(text.slice(f.span.start, f.span.end))) return f;
  if (refilledWithOneRow(text, e.table)) {
    return {
      ...f,
      severity: 'info',
      message: `UPDATE without WHERE changes every row of ${e.table}: this file empties ${e.table} and inserts one row into it, so it holds one row and updating it is intended?`,
      evidence: { ...e, oneRow: true, oneRowFrom: 'the file empties the table and inserts one row' },
    };
  }
  if (readAsOneRow(text, e.table)) {
    const name = e.table.split('.').pop()!.replace(/"/g, '');
    return {
      ...f,
      severity: 'info',
      message: `UPDATE without WHERE changes every row of ${e.table}: this file reads ${name} as one row (a SELECT of it with no WHERE taken as a single row, or a scalar subquery), so it holds one row and updating it is intended?`,
      evidence: { ...e, oneRow: true, oneRowFrom: 'the file reads the table as one row' },
    };
  }
  return f;
}

/**
 * select-star's `INSERT INTO a SELECT * FROM b` where the file creates one table as a copy of the other (`CREATE TEMP
 * TABLE b (LIKE a)`, `CREATE TABLE b AS TABLE a`, `… AS SELECT * FROM a`): the same columns in the same order by
 * construction, so the star cannot write a value into the wrong column (rules-u: the Stacks API's event replay stages a
 * TSV in a `(LIKE …)` copy of its target).
 */
function copiedColumns(f: Finding, text: string): boolean {
  const e = f.evidence ?? {};
  if (f.ruleId !== 'select-star' || e.coupling !== 'insert-select' || typeof e.insertInto !== 'string' || typeof e.selectFrom !== 'string') return false;
  const name = (t: string) => `(?:"?\\w+"?\\.)?"?${t.replace(/"/g, '')}"?`;
  const copy = (made: string, of: string) =>
    new RegExp(`\\bcreate\\s+(?:(?:global|local)\\s+)?(?:temp|temporary|unlogged)?\\s*table\\s+(?:if\\s+not\\s+exists\\s+)?${name(made)}\\s*(?:\\(\\s*like\\s+${name(of)}\\b|(?:on\\s+commit\\s+\\w+(?:\\s+rows)?\\s+)?as\\s+(?:table\\s+${name(of)}\\b|select\\s+\\*\\s+from\\s+${name(of)}\\b))`, 'i');
  if (!/^\w+$/.test(e.insertInto.replace(/"/g, '')) || !/^\w+$/.test(e.selectFrom.replace(/"/g, ''))) return false;
  return copy(e.selectFrom, e.insertInto).test(text) || copy(e.insertInto, e.selectFrom).test(text);
}

/**
 * unbounded-query without a database is a hint (the table's size is unproved). An ordered read of every row whose result
 * the code takes as one row (`reports[0].id`, `.first()`, `fetchone()`) is evidence of its own: every row is sorted and
 * sent to use one, whatever the table holds, and `LIMIT 1` is the fix — a note at the rule's level (info).
 */
function withFirstRowOnly(f: Finding, site: SqlSite, text: string): Finding {
  if (f.ruleId !== 'unbounded-query' || f.severity !== 'hint' || !/\border\s+by\b/i.test(site.sql)) return f;
  const end = Math.max(site.span.end, site.callSpan?.end ?? 0);
  if (!takenAsOneRow(text.slice(Math.max(0, site.span.start - 200), site.span.start), text.slice(end, end + 400))) return f;
  return {
    ...f,
    severity: 'info',
    message: 'No WHERE and no LIMIT: every row of the table is sorted and sent to the application, which uses only the first.',
    help: 'Add LIMIT 1: with an index on the ORDER BY columns PostgreSQL then reads one row.',
    evidence: { ...(f.evidence ?? {}), firstRowOnly: true },
  };
}

/** The hint on a string that looks like SQL but was not read: no rule ran on it, and why. */
function unreadFinding(file: string, u: UnreadSql): Finding {
  return {
    ruleId: NOT_ANALYSED,
    severity: 'hint',
    message: notAnalysedMessage(u),
    span: u.span,
    file,
    fixes: [],
    evidence: { reason: u.reason, runTime: u.runTime, otherDatabase: u.otherDatabase, ...(u.name ? { name: true } : {}) },
  };
}

/**
 * `$n` in help text → the parameter as the mapper file writes it. A new one gets a name of its own: the last key seen
 * is named after its sort column (`:last_created_at`, `#{lastCreatedAt}`), also where the rewrite took the number of
 * the OFFSET's parameter — `a.created_at > :offset` read as if the offset were still passed there.
 */
function mapperParams(help: string, site: SqlSite, keyset?: { param: string; column: string }[]): string {
  const byIndex = new Map(site.params.map((p) => [p.index, p.source]));
  const taken = new Set(site.params.map((p) => p.source));
  const fresh = new Map<number, string>();
  for (const k of keyset ?? []) {
    const base = site.api === 'mybatis' ? `#{last${k.column.replace(/(^|_)(\w)/g, (_x, _u, c: string) => c.toUpperCase())}}` : `:last_${k.column.toLowerCase()}`;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = site.api === 'mybatis' ? base.replace(/\}$/, `${i}}`) : `${base}_${i}`;
    taken.add(name);
    fresh.set(Number(k.param.slice(1)), name);
  }
  return help.replace(/\$(\d+)\b/g, (_m, d: string) => fresh.get(Number(d)) ?? byIndex.get(Number(d)) ?? (site.api === 'mybatis' ? `#{lastKey${d}}` : `:last_key_${d}`));
}

/** Wrap a plain function (e.g. detectNPlusOne(text, lang, file)) as an analyzer. */
export function functionAnalyzer(id: string, rules: readonly RuleMeta[], fn: (text: string, language: string, file: string, sites: SqlSite[], source?: SourceTree) => Finding[] | Promise<Finding[]>): Analyzer {
  return { id, rules, analyze: (i) => fn(i.text, i.language, i.file, i.sites) };
}

export interface ScanOptions {
  analyzers: readonly Analyzer[];
  /** pgLens.rules.severity: rule id → error|warning|info|hint|off. */
  severity?: Record<string, string>;
  /** Highest severity per code context (migrations, tests, scripts, seeds: info by default). */
  contextPolicy?: ContextPolicy;
  isCancelled?: () => boolean;
  /** After each file (progress). */
  onFile?: (p: { file: string; index: number; findings: Finding[]; sites: number }) => void;
  /**
   * Once every file is read: the files whose findings the whole-scan passes changed after their onFile
   * (findings that needed every file — cross-file N+1, Rails and DRF views — and context adjustments), each
   * with its final findings. A caller that shows findings per file as they come shows these again.
   */
  onRevised?: (p: { file: string; findings: Finding[] }) => void;
  /** Problems with one file (extraction or an analyzer failed); the scan goes on. */
  onError?: (file: string, message: string) => void;
  /** SQL discovery; defaults to extractSqlSites over the shared tree. */
  extract?: (text: string, languageIdOrPath: string, file: string, source?: SourceTree) => Promise<SqlSite[] | { sites: SqlSite[]; unread?: UnreadSql[] }>;
  /** For the default extraction: MyBatis `<sql>` fragments of the project's mapper files (cross-file `<include>`). */
  mapperFragments?: MapperFragments;
}

export interface FileResult {
  file: string;
  sites: SqlSite[];
  findings: Finding[];
  errors: string[];
  /** Milliseconds spent in SQL extraction and in each analyzer (for benchmarks). */
  timings: { extractMs: number; analyzers: Record<string, number> };
}

/** Every analyzer over one file's text; suppression comments and severity settings applied. */
export async function analyzeFile(input: FileInput, opts: Omit<ScanOptions, 'onFile' | 'isCancelled'>): Promise<FileResult> {
  const language = input.languageId ?? input.path;
  const contextPath = input.contextPath ?? input.path;
  const errors: string[] = [];
  let sites: SqlSite[] = [];
  let unread: UnreadSql[] = [];
  const timings: FileResult['timings'] = { extractMs: 0, analyzers: {} };
  // One tree-sitter parse per file, shared by extraction and every analyzer (parsed on first use).
  const lang = extractLanguageOf(language);
  const own = !input.source && isTreeLanguage(lang) ? new SourceTree(input.text, lang) : undefined;
  const source = input.source ?? own;
  const findings: Finding[] = [];
  try {
    let t = performance.now();
    try {
      const r = opts.extract ? await opts.extract(input.text, language, input.path, source) : await extractSqlSitesDetailed(input.text, language, input.path, { source, mapperFragments: opts.mapperFragments });
      sites = Array.isArray(r) ? r : r.sites;
      unread = Array.isArray(r) ? [] : (r.unread ?? []);
    } catch (e) {
      errors.push(`SQL extraction failed: ${errorMessage(e)}`);
    }
    timings.extractMs = performance.now() - t;
    // Bounded work: a statement past the limits (src/core/limits.ts) is never given to a parser; say so.
    for (const site of sites) {
      const over = sqlOverLimit(site.sql);
      if (over) errors.push(`line ${lineOfOffset(input.text, site.span.start)}: ${over}`);
    }
    const planned = plannedIn(codeContextOf(contextPath, input.text), opts.contextPolicy);
    for (const a of opts.analyzers) {
      if (input.isCancelled?.()) break;
      t = performance.now();
      try {
        findings.push(...(await a.analyze({ file: input.path, contextPath, text: input.text, language, sites, unread, source, editing: input.editing, isCancelled: input.isCancelled, planned })));
      } catch (e) {
        errors.push(`${a.id}: ${errorMessage(e)}`);
      }
      timings.analyzers[a.id] = performance.now() - t;
    }
  } finally {
    own?.dispose();
  }
  for (const f of findings) f.file ??= input.path;
  for (const m of errors) opts.onError?.(input.path, m);
  const kept = applyContext(applySuppressions(input.text, foldIntoMissingIndex(mergeRecorded(findings, input.text)), opts.severity ?? {}), contextPath, input.text, opts.contextPolicy ?? DEFAULT_CONTEXT_POLICY);
  return { file: input.path, sites, findings: sortFindings(kept), errors, timings };
}

export interface ScanResult {
  files: number;
  lines: number;
  sites: number;
  findings: Finding[];
  /** Metadata of every rule the analyzers can report. */
  rules: RuleMeta[];
  errors: { file: string; message: string }[];
  cancelled: boolean;
  /** File texts by path (for positions), only when keepText was set. */
  texts: Map<string, string>;
  /** Every SQL site found, only when keepSites was set. */
  siteList: SqlSite[];
  /** Total milliseconds in SQL extraction and per analyzer. */
  timings: FileResult['timings'];
  /** Minified or bundled files, left out of the analysis (core/minified.ts). */
  minified: string[];
}

/** Scan files one after another (the caller's iterator decides what to read). */
export async function scanFiles(files: AsyncIterable<FileInput> | Iterable<FileInput>, opts: ScanOptions & { keepText?: boolean; keepSites?: boolean }): Promise<ScanResult> {
  const result: ScanResult = { files: 0, lines: 0, sites: 0, findings: [], rules: ruleMetaOf(opts.analyzers), errors: [], cancelled: false, texts: new Map(), siteList: [], timings: { extractMs: 0, analyzers: {} }, minified: [] };
  const onError = (file: string, message: string) => {
    result.errors.push({ file, message });
    opts.onError?.(file, message);
  };
  const imports = new ImportGraph();
  /** Files in the order they were read (for the findings that come after the last one). */
  const walked = new Map<string, number>();
  /** What onFile reported per file, to tell which files the whole-scan passes changed. */
  const reported = new Map<string, string>();
  const textContexts = new Map<string, CodeContext>();
  /** The files read with a path in the app of their own (FileInput.contextPath), for the findings of the whole-scan passes. */
  const contextPaths = new Map<string, string>();
  /** Texts of the files whose findings include a recording's: the whole-scan passes' findings there are merged with them. */
  const recordedTexts = new Map<string, string>();
  // The editor runs this in its extension host: commands and hovers get a turn between files.
  const slice = new TimeSlice();
  for await (const file of files as AsyncIterable<FileInput>) {
    await slice.turn();
    // Built code (a minified bundle) holds no data access of the app's: left out, and counted.
    if (isMinified(file.path, file.text)) {
      result.minified.push(file.path);
      continue;
    }
    imports.add(file.path, file.text);
    if (file.contextPath !== undefined) contextPaths.set(file.path, file.contextPath);
    if (opts.isCancelled?.()) {
      result.cancelled = true;
      break;
    }
    // The scan's cancellation reaches the analyzers, checked between statements: a file whose statements each wait on
    // the database (the index advisor's proofs) no longer runs to its end after Cancel (person16 HIGH 1: 2.5–3.5 min).
    const own = file.isCancelled;
    const cancelled = opts.isCancelled ? () => opts.isCancelled!() || !!own?.() : own;
    const r = await analyzeFile({ ...file, isCancelled: cancelled }, { ...opts, onError });
    if (opts.isCancelled?.()) {
      // Cut short: its findings are partial, and not reported.
      result.cancelled = true;
      break;
    }
    walked.set(file.path, walked.size);
    result.files++;
    result.lines += countLines(file.text);
    result.sites += r.sites.length;
    result.findings.push(...r.findings);
    if (opts.keepText) result.texts.set(file.path, file.text);
    // What the text says of the file's context (a Django migration class, an importer in migrations/),
    // kept for findings the analyzers give at the end when the text is not kept.
    else {
      const read = codeContextOf(file.contextPath ?? file.path, file.text);
      if (read !== codeContextOf(file.contextPath ?? file.path)) textContexts.set(file.path, read);
    }
    if (opts.keepSites) result.siteList.push(...r.sites);
    if (r.findings.some((f) => f.evidence?.recorded === true)) recordedTexts.set(file.path, file.text);
    result.timings.extractMs += r.timings.extractMs;
    for (const [id, ms] of Object.entries(r.timings.analyzers)) result.timings.analyzers[id] = (result.timings.analyzers[id] ?? 0) + ms;
    if (opts.onRevised) reported.set(file.path, findingsKey(r.findings));
    opts.onFile?.({ file: file.path, index: result.files - 1, findings: r.findings, sites: r.sites.length });
  }
  if (!result.cancelled) {
    let added = false;
    for (const a of opts.analyzers) {
      if (!a.finish) continue;
      try {
        const extra = await a.finish();
        if (extra.length) added = true;
        const byFile = new Map<string, Finding[]>();
        for (const f of extra) byFile.set(f.file ?? '', [...(byFile.get(f.file ?? '') ?? []), f]);
        for (const [file, found] of byFile) {
          const text = result.texts.get(file) ?? recordedTexts.get(file);
          let fs = found;
          // A recording's findings in this file and the whole-scan pass's (a cross-file N+1 at the recorded line) are one
          // finding, as a file's own are (analyzeFile): the recorded ones are taken out and merged with these. They stood
          // unmerged side by side in the editor's diagnostics after a scan with a recording (CLOSING20: toast 15, window 14).
          const recordedText = recordedTexts.get(file);
          if (recordedText !== undefined) {
            const recorded = result.findings.filter((f) => f.file === file && f.evidence?.recorded === true && f.evidence?.static !== true);
            const merged = mergeRecorded([...recorded, ...found], recordedText);
            const kept = new Set(merged);
            if (recorded.some((f) => !kept.has(f))) {
              const gone = new Set(recorded.filter((f) => !kept.has(f)));
              result.findings = result.findings.filter((f) => !gone.has(f));
              fs = merged.filter((f) => !recorded.includes(f));
            }
          }
          result.findings.push(...applyContext(applySuppressions(text ?? '', fs, opts.severity ?? {}), contextPaths.get(file) ?? file, text, opts.contextPolicy ?? DEFAULT_CONTEXT_POLICY, text === undefined ? textContexts.get(file) : undefined));
        }
      } catch (e) {
        onError('', `${a.id}: ${errorMessage(e)}`);
      }
    }
    // Findings that needed every file go beside their file's others, in the order a file's findings have.
    if (added) {
      const rank = (f: Finding) => walked.get(f.file ?? '') ?? walked.size;
      result.findings = [...result.findings].sort((a, b) => rank(a) - rank(b) || a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
      // The CLI decides its indexes at the end (finish): a statement's two findings of one cause are one there too (each
      // file's own were folded by analyzeFile).
      result.findings = foldIntoMissingIndex(result.findings);
    }
  }
  if (!result.cancelled) for (const a of opts.analyzers) if (a.adjust) result.findings = a.adjust(result.findings, opts.contextPolicy ?? DEFAULT_CONTEXT_POLICY);
  // A module that only one-off code imports (a management command, a seed) runs where they run.
  if (!result.cancelled) result.findings = applyImportContexts(result.findings, imports.contexts(), opts.contextPolicy ?? DEFAULT_CONTEXT_POLICY);
  if (!result.cancelled && opts.onRevised) {
    const byFile = new Map<string, Finding[]>();
    for (const f of result.findings) if (f.file !== undefined) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    for (const file of new Set([...reported.keys(), ...byFile.keys()])) {
      const findings = byFile.get(file) ?? [];
      if (reported.get(file) !== findingsKey(findings)) opts.onRevised({ file, findings });
    }
  }
  return result;
}

/** A file's findings as one comparable string (rule, place, severity, message). */
function findingsKey(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.ruleId}|${f.span.start}|${f.span.end}|${f.severity}|${f.message}`).join('\n');
}

function ruleMetaOf(analyzers: readonly Analyzer[]): RuleMeta[] {
  const seen = new Map<string, RuleMeta>();
  for (const a of analyzers) for (const r of a.rules) if (!seen.has(r.id)) seen.set(r.id, { id: r.id, defaultSeverity: r.defaultSeverity, description: r.description });
  return [...seen.values()];
}

function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
}

/** Does any finding reach the level (error > warning > info > hint)? */
export function reachesLevel(findings: readonly Finding[], level: Severity): boolean {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level]);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

/**
 * The line Scan Workspace ends with, counted as the Problems panel counts: errors, warnings and infos are listed there;
 * hints are not (VS Code shows them only as faded text in the editor), so they are named apart, never as infos.
 */
export function scanSummaryLine(r: { cancelled: boolean; files: number; seconds: number; counts: Record<Severity, number>; withDb: boolean; kept?: number }): string {
  const { error, warning, info, hint } = r.counts;
  const hints = hint ? `; ${countOf(hint, 'hint')} (faded text in the editor, not listed there)` : '';
  // A cancelled rescan: the counts include the previous scan's findings it gave back (ScanShown), said so.
  const kept = r.cancelled && r.kept ? ` The previous scan's findings are kept for ${countOf(r.kept, 'file')} this scan did not finish.` : '';
  return `${r.cancelled ? 'Scan cancelled after' : 'Scanned'} ${countOf(r.files, 'file')} in ${r.seconds.toFixed(1)} s: ${countOf(error, 'error')}, ${countOf(warning, 'warning')}, ${countOf(info, 'info')} in the Problems panel${hints}${r.withDb ? '' : ' (no database: static rules only)'}.${kept}`;
}

function countLines(text: string): number {
  if (!text) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

function lineOfOffset(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
