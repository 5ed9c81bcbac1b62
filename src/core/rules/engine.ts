/**
 * Runs rules over SqlSites: parse each site's SQL (pgsql-ast-parser with locations), build a
 * StatementContext per statement, collect findings with file spans. A SQL text that does not parse
 * gives no findings (never an error); a rule that throws is reported through onRuleError and skipped.
 */
import type { Statement } from 'pgsql-ast-parser';
import type { Finding, FixEdit } from '../findings';
import { fileSpanOf, type SqlSite } from '../extract/types';
import { notAnalysedMessage, runTimeReason } from '../extract/looksLikeSql';
import { parseSql } from '../sql/parse';
import { holdsQuery, inspectSql, pgParserLoaded } from '../sql/statement';
import type { PlanEvidence, Rule, RuleReport, StatementContext } from './types';
import { nodeEnd } from './ast';
import type { DeclaredIndexes } from '../sql/declaredIndexes';
import { otherDatabaseFunction } from '../dialect';
import { shortLine } from '../format';

export interface RunRulesOptions {
  /** Evidence for a statement (the db layer's facts), when a database is available. */
  evidence?: PlanEvidence | ((site: SqlSite, statement: Statement, index: number) => PlanEvidence | undefined);
  onRuleError?: (ruleId: string, error: unknown) => void;
  /** The indexes and tables the project's schema files declare (read when no database is given). */
  declared?: DeclaredIndexes;
}

/** Characters that may not be introduced into a string literal of application code by a fix. */
const UNSAFE_IN_CODE = /['"`\\$\n\r{}]/;

/** SQL the application runs: in code, or in a file of queries it loads (named queries, mapper XML) — not a script. */
function isAppCode(site: SqlSite): boolean {
  return site.api !== 'sql-file';
}

/** Characters a fix may not introduce into an XML mapper's text (it would change the markup). */
const UNSAFE_IN_XML = /[<>&]/;

function makeContext(site: SqlSite, statement: Statement, rule: Pick<Rule, 'id' | 'defaultSeverity'>, evidence?: PlanEvidence, declared?: DeclaredIndexes): StatementContext {
  const sql = site.sql;
  const inAppCode = isAppCode(site);
  const verbatim = (start: number, end: number): boolean => {
    if (site.sourceMap.length < end || start < 0 || end <= start) return false;
    for (let i = start; i < end - 1; i++) if (site.sourceMap[i + 1] !== site.sourceMap[i] + 1) return false;
    return true;
  };
  const ctx: StatementContext = {
    site,
    sql,
    statement,
    inAppCode,
    evidence,
    ...(declared ? { declared } : {}),
    textOf: (n) => (n._location ? sql.slice(n._location.start, nodeEnd(sql, n)) : ''),
    fileSpan: (start, end) => fileSpanOf(site, start, end),
    replace(start, end, newText): FixEdit | undefined {
      if (!verbatim(start, end)) return undefined;
      if (inAppCode) {
        // Only characters already in the replaced range may be special in the host language.
        const original = sql.slice(start, end);
        for (const ch of newText) if (UNSAFE_IN_CODE.test(ch) && !original.includes(ch)) return undefined;
        if (site.api === 'mybatis' && UNSAFE_IN_XML.test(newText)) return undefined;
        if (/\n|\r/.test(newText) && !/\n/.test(original)) return undefined;
      }
      return { span: fileSpanOf(site, start, end), newText, file: site.file };
    },
    table: (name, schema) => evidence?.table?.(name, schema),
    report(r: RuleReport): Finding {
      const loc = '_location' in r.at ? r.at._location : (r.at as { start: number; end: number });
      const start = loc?.start ?? 0;
      const end = loc?.end ?? sql.length;
      return {
        ruleId: rule.id,
        severity: r.severity ?? rule.defaultSeverity,
        message: r.message,
        span: fileSpanOf(site, start, Math.min(end, sql.length)),
        file: site.file,
        help: r.help,
        fixes: r.fixes ?? [],
        evidence: r.evidence,
      };
    },
  };
  return ctx;
}

export const NOT_ANALYSED = 'not-analysed';



/**
 * No statement is skipped silently: SQL that PostgreSQL's own parser (libpg-query) accepts but the
 * rules' parser (pgsql-ast-parser) cannot read gets a hint saying the rules and the index advice
 * did not run on it, and why. SQL that PostgreSQL rejects too gets one saying so (text spliced in at run time, most often).
 */
function notAnalysedFinding(site: SqlSite, reason: string): Finding | undefined {
  if (!pgParserLoaded()) return undefined;
  const pg = inspectSql(site.sql);
  if (!pg.ok) {
    // SQL given to a database API that PostgreSQL rejects too: said, not dropped — most often text spliced in at
    // run time where the code builds the statement from pieces (`FROM (${eventQuery}) t`).
    const pieces = site.params.filter((p) => p.spliced).map((p) => p.source);
    const why = runTimeReason(pg.message, pieces, site.sql, site.splicedNames);
    return {
      ruleId: NOT_ANALYSED,
      severity: 'hint',
      message: notAnalysedMessage(why),
      span: fileSpanOf(site, 0, site.sql.length),
      file: site.file,
      fixes: [],
      evidence: { reason: why.reason, runTime: why.runTime, otherDatabase: why.otherDatabase, ...(why.name ? { name: true } : {}) },
    };
  }
  if (!pg.statements.length) return undefined;
  // Schema DDL (a CREATE TABLE with a generated column, an ALTER TABLE…): no query rule judges it even when read, so
  // nothing was left unchecked — and the hint read like an error in the user's own schema.sql (person38 L9: "Syntax
  // error at line 9 col 48: Unexpected lparen token" on the demo's CREATE TABLE products … GENERATED ALWAYS AS (…)).
  if (!pg.statements.some((s) => holdsQuery(s.node))) return undefined;
  return {
    ruleId: NOT_ANALYSED,
    severity: 'hint',
    message: `PostgreSQL accepts this statement, but PG Lens's rule parser could not read it (${parserStop(reason)}), so no query rule or index advice ran on it. Nothing is wrong with the SQL.`,
    span: fileSpanOf(site, 0, site.sql.length),
    file: site.file,
    fixes: [],
    evidence: { parser: 'pgsql-ast-parser', reason },
  };
}

/**
 * Where the rule parser stopped, in words that do not read as the user's syntax error: "Syntax error at line 9 col 48:
 * Unexpected lparen token: "("" → `it stopped at "(" on line 9, column 48 of the statement`; another complaint as it is.
 */
function parserStop(reason: string): string {
  const m = /^Syntax error at line (\d+) col (\d+):?\s*(?:Unexpected \S+ token: (".*"))?/.exec(reason);
  if (!m) return shortLine(reason, 160).replace(/[.:]$/, '');
  return `it stopped${m[3] ? ` at ${shortLine(m[3], 40)}` : ''} on line ${m[1]}, column ${m[2]} of the statement`;
}

/**
 * Every rule over every statement of a site. A composed site (site.variants: conditional appends,
 * MyBatis dynamic SQL) is judged over all its variants: a whole-statement rule (no WHERE, no LIMIT)
 * reports only when it reports in every variant — a clause that some path adds is not missing —
 * and a rule about a part of the statement reports once wherever any variant has it.
 */
export function checkSite(site: SqlSite, rules: readonly Rule[], opts: RunRulesOptions = {}): Finding[] {
  if (!site.variants?.length) return checkText(site, rules, opts);
  const per = site.variants.map((v) => checkText({ ...site, sql: v.sql, sourceMap: v.sourceMap, params: v.params, dynamic: v.dynamic, variants: undefined }, rules, opts));
  const whole = new Set(rules.filter((r) => r.wholeStatement).map((r) => r.id));
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const f of per.flat()) {
    // A whole-statement finding is about the statement: once per rule, not once per variant; a finding
    // about a part, once per place (variants number their parameters differently: `OFFSET $2`, `OFFSET $3`).
    const key = whole.has(f.ruleId) ? f.ruleId : `${f.ruleId}\u0000${f.span.start}\u0000${f.span.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (f.ruleId === NOT_ANALYSED) continue;
    if (whole.has(f.ruleId) && !per.every((fs) => fs.some((g) => g.ruleId === f.ruleId))) continue;
    out.push(f);
  }
  // Said once when no variant could be read at all.
  if (per.every((fs) => fs.some((g) => g.ruleId === NOT_ANALYSED))) out.push(per[per.length - 1].find((g) => g.ruleId === NOT_ANALYSED)!);
  return out;
}

function checkText(site: SqlSite, rules: readonly Rule[], opts: RunRulesOptions): Finding[] {
  const parsed = parseSql(site.sql);
  if (!parsed.ok) {
    const f = rules.length ? notAnalysedFinding(site, parsed.message) : undefined;
    return f ? [f] : [];
  }
  // A statement for another database (it calls SQLite's typeof()): no PostgreSQL advice, said once.
  const other = rules.length ? otherDatabaseFunction(site.sql) : undefined;
  if (other) {
    const reason = `written for ${other.database} (${other.fn}() is not a PostgreSQL function)`;
    return [{ ruleId: NOT_ANALYSED, severity: 'hint', message: notAnalysedMessage({ reason, runTime: false, otherDatabase: other.database }), span: fileSpanOf(site, 0, site.sql.length), file: site.file, fixes: [], evidence: { reason, runTime: false, otherDatabase: other.database } }];
  }
  const out: Finding[] = [];
  parsed.statements.forEach((statement, i) => {
    const evidence = typeof opts.evidence === 'function' ? opts.evidence(site, statement, i) : opts.evidence;
    for (const rule of rules) {
      if (rule.appCodeOnly && !isAppCode(site)) continue;
      if (rule.wholeStatement && site.dynamic) continue;
      try {
        out.push(...rule.check(makeContext(site, statement, rule, evidence, evidence ? undefined : opts.declared)));
      } catch (e) {
        opts.onRuleError?.(rule.id, e);
      }
    }
  });
  return out;
}
