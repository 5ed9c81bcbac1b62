/**
 * Plan evidence for the rules, from a real database: catalog facts for the tables a file's SQL names
 * (the one model and query set the index advisor reads: db/catalog.ts readCatalogFacts; one catalog
 * read per batch of new names), and the plan's node types from EXPLAIN (no ANALYZE: nothing runs) for
 * statements PostgreSQL's own parser classes as read-only; writes are planned the same way for the names they use only.
 */
import type { Statement } from 'pgsql-ast-parser';
import type { SqlSite, UnreadSql } from '../core/extract/types';
import { tablesOf, walk, type Node } from '../core/rules/ast';
import type { PlanEvidence, PlanFacts } from '../core/rules/types';
import { tableLookup, type TableFacts } from '../core/catalogFacts';
import { qualifiedName } from '../core/sql/ident';
import { CATALOG_SQL, readCatalogFacts, type TableRef } from './catalog';
import type { EvidenceSource, SqlRejection } from '../core/scan';
import { splicedPlaceholderReason } from '../core/plan/brief';
import { oneLine } from '../core/safeText';
import { parseSql } from '../core/sql/parse';
import { filledByTemplate } from '../core/extract/looksLikeSql';
import { constantShape, inspectSql, loadPgParser } from '../core/sql/statement';
import type { Database } from './database';
import { describeError } from './errors';
import { explain, serverSyntaxError } from './explain';
import { K, type RawNode } from '../core/plan/keys';
import { TimeSlice } from '../core/timeSlice';
import { onTablesMoved } from './tableFigures';

/**
 * New plans one prepare() makes at most (one file's pass); the file's other statements are planned on its next pass and
 * meanwhile judged on catalog facts, said in one log line. Shapes are planned once (constantShape), so this bounds a file
 * of many different statements only.
 */
export const RULE_PLANS_PER_PASS = 200;

export interface DbEvidenceOptions {
  /** EXPLAIN read statements for plan facts (default true). */
  plans?: boolean;
  log?: (message: string) => void;
}

export class DbEvidence implements EvidenceSource {
  private readonly tables = new Map<string, TableFacts>();
  /** The names asked of the catalog (as the statements write them) → the bare table name (lowercase). */
  private readonly asked = new Map<string, string>();
  private readonly plans = new Map<string, PlanFacts | null>();
  /** The statements PostgreSQL rejected for a name it does not have (by SQL text): SqlRejection. */
  private readonly rejected = new Map<string, SqlRejection>();
  /** The texts PostgreSQL's parser here rejects that the server was asked about (serverSyntaxError), by SQL text. */
  private readonly syntaxChecked = new Set<string>();
  /**
   * Plans by shape (core constantShape): statements that differ only by constants share one EXPLAIN (issue 20, person32
   * H1: a generated file of 3,000 such statements was planned statement by statement, again on every new evidence source).
   */
  private readonly shapes = new Map<string, Promise<Planned>>();
  private searchPath: string[] = ['public'];
  private ready: Promise<void> | undefined;
  private lookup = tableLookup([], this.searchPath);
  /** Catalog queries and EXPLAINs sent (for benchmarks and tests). */
  readonly stats = { catalogQueries: 0, explains: 0 };

  /**
   * The tables each kept plan reads (bare lowercase names), by SQL text: a plan is dropped when their figures move.
   */
  private readonly planTables = new Map<string, readonly string[]>();
  private readonly following: { dispose(): void };

  constructor(private readonly db: Database, private readonly opts: DbEvidenceOptions = {}) {
    // The one trigger that makes the index advice again (IndexDecider.noticeChangedTables: rows or size moved by 5%, an
    // ANALYZE) drops the hover's plans (Planner) and these: a rule quoting a plan's rows quotes the table as it is now
    // (issue 20, person47 M2: "No LIMIT: … about 1.6k rows" above "Sort · cost 1369.49 · 3070 rows est." after growth).
    this.following = onTablesMoved(db, (tables) => this.forgetTables(tables));
  }

  /** Stop following the tables' readings (an evidence source replaced by another). */
  dispose(): void {
    this.following.dispose();
  }

  /**
   * Forget the plans that read these tables (bare lowercase names) and their catalog facts: planned and read again on the
   * next pass. Returns how many plans went.
   */
  forgetTables(tables: readonly string[]): number {
    const moved = new Set(tables.map((t) => t.toLowerCase()));
    let n = 0;
    for (const [sql, read] of this.planTables) {
      if (!read.some((t) => moved.has(t))) continue;
      this.planTables.delete(sql);
      this.plans.delete(sql);
      const shape = constantShape(sql);
      if (shape !== undefined) this.shapes.delete(shape);
      n++;
    }
    for (const [key, bare] of this.asked) if (moved.has(bare)) this.asked.delete(key);
    let facts = false;
    for (const [key, t] of this.tables) {
      if (!moved.has(t.name.toLowerCase())) continue;
      this.tables.delete(key);
      facts = true;
    }
    if (facts) this.lookup = tableLookup([...this.tables.values()], this.searchPath);
    return n;
  }

  async prepare(sites: SqlSite[], isCancelled?: () => boolean, unread: readonly UnreadSql[] = []): Promise<void> {
    this.ready ??= (async () => {
      const r = await this.db.query(CATALOG_SQL.searchPath);
      this.searchPath = r.rows[0].schemas;
    })();
    await this.ready;
    const names = new Map<string, TableRef>();
    const parsed: { site: SqlSite; statements: Statement[] }[] = [];
    // Texts PostgreSQL's parser here rejects: a site's (given to a database call) and the strings that were not read for it.
    // Not a text a template fills in before it runs (dbt's `{{ ref('orders') }}`): the server never sees it as written.
    const typos = new Set(unread.filter((u) => u.syntaxError !== undefined && u.sql !== undefined && !filledByTemplate(u.sql)).map((u) => u.sql!));
    for (const site of sites) {
      const p = parseSql(site.sql);
      if (!p.ok) {
        // Nor a text with a name the code chooses at run time (`FROM ${table}` read as `FROM table`): its error is at that name.
        if (!site.dynamic && !site.splicedNames?.length && !filledByTemplate(site.sql)) typos.add(site.sql);
        continue;
      }
      parsed.push({ site, statements: p.statements });
      for (const st of p.statements) {
        walk(st as Node, (n) => {
          if (n.type === 'select' || n.type === 'update' || n.type === 'delete') for (const t of tablesOf(n)) {
            const key = qualifiedName(t.schema, t.name);
            if (!this.asked.has(key)) names.set(key, { schema: t.schema, name: t.name });
          }
        });
      }
    }
    if (names.size) {
      names.forEach((t, key) => this.asked.set(key, t.name.toLowerCase()));
      this.stats.catalogQueries++;
      const { tables } = await readCatalogFacts(this.db, [...names.values()]);
      for (const t of tables) this.tables.set(`${t.schema}.${t.name}`, t);
      this.lookup = tableLookup([...this.tables.values()], this.searchPath);
    }
    if (this.opts.plans !== false && typos.size) {
      await loadPgParser();
      // Bounded as the plans are: a file of many texts the parser here rejects (another database's dump) asks about the
      // rest on its next passes.
      let asked = 0;
      for (const sql of typos) {
        if (isCancelled?.()) return;
        if (this.syntaxChecked.has(sql)) continue;
        if (asked >= RULE_PLANS_PER_PASS) break;
        this.syntaxChecked.add(sql);
        if (inspectSql(sql).ok) continue;
        asked++;
        const r = await serverSyntaxError(this.db, sql).catch((e) => {
          this.opts.log?.(`the server's syntax check failed (${describeError(e)})`);
          return undefined;
        });
        if (r) this.rejected.set(sql, { code: '42601', ...r });
      }
    }
    if (this.opts.plans !== false) {
      await loadPgParser();
      const slice = new TimeSlice();
      let planned = 0;
      let later = 0;
      for (const { site, statements } of parsed) {
        if (isCancelled?.()) return;
        await slice.turn();
        if (statements.length !== 1 || this.plans.has(site.sql)) continue;
        const shape = constantShape(site.sql);
        let facts = shape === undefined ? undefined : this.shapes.get(shape);
        if (!facts) {
          if (planned >= RULE_PLANS_PER_PASS) {
            later++;
            continue;
          }
          planned++;
          facts = this.planFacts(site);
          if (shape !== undefined) this.shapes.set(shape, facts);
        }
        const planned_ = await facts;
        this.plans.set(site.sql, planned_.facts);
        if (planned_.tables?.length) this.planTables.set(site.sql, planned_.tables);
        if (planned_.rejected) this.rejected.set(site.sql, planned_.rejected);
      }
      if (later) this.opts.log?.(`${sites[0]?.file ?? 'a file'}: ${later} more statement${later === 1 ? '' : 's'} not planned for the rules in this pass (at most ${RULE_PLANS_PER_PASS} new plans a pass; statements that differ only by constants share one): judged on catalog facts until the next pass plans them`);
    }
  }

  evidenceFor(site: SqlSite, _statement: Statement, index: number): PlanEvidence | undefined {
    const plan = index === 0 ? this.plans.get(site.sql) ?? undefined : undefined;
    return { table: this.lookup, plan };
  }

  /**
   * PostgreSQL's rejection of this site's statement for a column or table it does not have (a typo: `staus`, `orderts`),
   * or undefined: none, or one that comes from the code rather than the SQL — a name the code splices in at run time
   * (`FROM ${table}`, read as `table`; a dynamic site is never planned), a statement of several variants' pieces.
   */
  rejection(site: SqlSite): SqlRejection | undefined {
    const r = this.rejected.get(site.sql);
    if (!r || site.dynamic) return undefined;
    const spliced = (site.splicedNames ?? []).some((n) => n.read.replace(/^"|"$/g, '').toLowerCase() === r.name?.toLowerCase().split('.').pop());
    if (spliced || splicedPlaceholderReason(r.message, site.params, site.splicedNames)) return undefined;
    return r;
  }

  /** The server's syntax error for a string that was not read as SQL because PostgreSQL's parser here rejects it. */
  unreadRejection(u: UnreadSql): SqlRejection | undefined {
    return u.sql !== undefined && u.syntaxError !== undefined && !u.runTime ? this.rejected.get(u.sql) : undefined;
  }

  /**
   * The plan of a statement through the one EXPLAIN runner (db/explain.ts: read-only transaction rolled back, the safety
   * gate, generic plans for $n on every version). A read's plan is the rules' evidence; a write (INSERT, UPDATE, DELETE,
   * MERGE; a locking read) is planned for its names only — EXPLAIN without ANALYZE never runs it, and PostgreSQL rejects
   * a missing column or table there as it does in a read (42703, 42P01) — its plan is not the rules' evidence.
   */
  private async planFacts(site: SqlSite): Promise<Planned> {
    await loadPgParser();
    const info = inspectSql(site.sql);
    const cls = info.ok && info.statements.length === 1 ? info.statements[0].cls : 'other';
    if (cls === 'other' || site.dynamic) return { facts: null };
    try {
      this.stats.explains++;
      const { json } = await explain(this.db, site.sql, { relationRows: false });
      const plan = json[K.Plan] as RawNode | undefined;
      return { facts: plan && cls === 'read' ? planFactsOf(plan) : null, tables: plan ? relationsOf(plan) : [] };
    } catch (e) {
      this.opts.log?.(`${site.file ?? ''}: EXPLAIN failed (${describeError(e)}); rules use catalog facts only`);
      const code = (e as { code?: unknown })?.code;
      if (code !== '42703' && code !== '42P01') return { facts: null };
      const message = oneLine(describeError(e));
      // A write's column is said with its table: column "nmae" of relation "tags" does not exist.
      const name = /^(?:column|relation) "([^"]+)"(?: of relation "[^"]+")? does not exist/i.exec(message)?.[1];
      return { facts: null, rejected: { code, message, ...(name ? { name } : {}) } };
    }
  }
}

/** A statement's EXPLAIN: its plan facts, or PostgreSQL's rejection of a name it does not have. */
interface Planned {
  facts: PlanFacts | null;
  /** The tables the plan reads (bare lowercase names): forgotten when their figures move (DbEvidence.forgetTables). */
  tables?: readonly string[];
  rejected?: SqlRejection;
}

/** Every relation a plan reads (bare lowercase names). */
function relationsOf(plan: RawNode): string[] {
  const out = new Set<string>();
  const visit = (n: RawNode | undefined) => {
    if (!n) return;
    if (typeof n[K.RelationName] === 'string') out.add(String(n[K.RelationName]).toLowerCase());
    for (const c of n[K.Plans] ?? []) visit(c);
  };
  visit(plan);
  return [...out];
}

/** Node types, seq-scanned relations and the top estimate of an EXPLAIN JSON plan (keys from core/plan). */
function planFactsOf(plan: RawNode): PlanFacts {
  const nodeTypes: string[] = [];
  const seqScanTables: string[] = [];
  const visit = (n: RawNode | undefined) => {
    if (!n) return;
    nodeTypes.push(String(n[K.NodeType]));
    if (n[K.NodeType] === 'Seq Scan' && n[K.RelationName]) seqScanTables.push(String(n[K.RelationName]));
    for (const c of n[K.Plans] ?? []) visit(c);
  };
  visit(plan);
  return { nodeTypes, seqScanTables, rows: Number(plan[K.PlanRows] ?? 0), totalCost: Number(plan[K.TotalCost] ?? 0) };
}
