/**
 * Production cost above each query: a CodeLens over every SQL site whose statement appears in
 * pg_stat_statements — "18% of DB time · 3.1 ms mean · 120k calls · 1.0 rows/call" — matched by query
 * identifier (EXPLAIN (VERBOSE), PostgreSQL 14+) or by normalised text. Clicking opens the statement
 * in the dashboard. Read-only: pg_stat_statements and EXPLAIN only, so production and replica
 * profiles work. Figures are read again every 30 s while an editor is open (one pg_stat_statements read); the reset
 * age is counted to the moment the lens is drawn and the tooltip says how old the reading is. Lenses never connect by themselves.
 */
import * as vscode from 'vscode';
import type { CostBaselines, CostIndex } from '../core/cost';
import type { CacheEstimate } from '../core/health/checks/workload';
import type { ActiveConnection } from './connections';
import type { QueryIdsByShape } from '../db/queryStats';
import type { PgLensContext } from './main';
import { ANALYSABLE_SELECTOR } from './analysis';
import { errorMessage } from '../core/safeText';
import { loadEngine } from './loadEngine';
import { findingOf } from './findingActions';

// person16 LOW 4: once a minute left the lens ~2 min behind pg_stat_statements on a busy server; one read every 30 s is cheap.
const REFRESH_MS = 30_000;

interface Loaded {
  conn: ActiveConnection;
  at: number;
  index: Promise<{ index: CostIndex; resetAgeSeconds?: number; readAt: number } | undefined>;
  /** cache-candidate's estimate of each statement that is one, by queryid (the health check's own reading and rule). */
  cache: Promise<Map<string, CacheEstimate>>;
}

class CostLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private loaded: Loaded | undefined;
  private readonly timer: NodeJS.Timeout;
  private warned = false;
  /** VS Code asked for lenses once (a document PG Lens reads is open): readings start then, never before (lazy). */
  private asked = false;
  /** The index set between readings, and the reading before it changed (per database: db/ownRuns costBaselinesOf, kept across a reload). */
  private baselines: { conn: ActiveConnection; b: CostBaselines } | undefined;
  /**
   * Query identifiers, one EXPLAIN per statement shape and connection (db/queryStats QueryIdsByShape). Kept across the 30 s
   * readings (issue 20, person32 H1: each reading dropped them, and a generated file's 3,000 statements were explained
   * again every 30 s); read again for a new connection or after PG Lens changed the catalog.
   */
  private ids: { conn: ActiveConnection; ids: QueryIdsByShape } | undefined;

  constructor(private readonly ctx: PgLensContext) {
    this.timer = setInterval(() => {
      if (this.asked && vscode.window.visibleTextEditors.length) this.refresh();
    }, REFRESH_MS);
  }

  private load(conn: ActiveConnection): Loaded {
    if (this.loaded?.conn === conn && Date.now() - this.loaded.at < REFRESH_MS) return this.loaded;
    const index = (async () => {
      const [{ readStatementCosts, readIndexNames }, { CostIndex }, { loadPgParser }, { costBaselinesOf }] = await Promise.all([import('../db/queryStats'), import('../core/cost'), import('../core/sql/statement'), import('../db/ownRuns')]);
      await loadPgParser();
      try {
        const at = Date.now();
        const [c, indexes] = await Promise.all([readStatementCosts(conn.db, { versionNum: conn.info.versionNum }), readIndexNames(conn.db).catch(() => undefined)]);
        if (this.baselines?.conn !== conn) this.baselines = { conn, b: costBaselinesOf(conn.db) };
        // An index made or dropped outside PG Lens (a migration, psql): the figures count from the reading before it. The
        // index advice follows such a change on its own trigger, the reading of the tables' figures (IndexDecider
        // noticeChangedTables), not this 30 s reading (person47 L11: the advice came back 20–60 s after a DROP INDEX).
        const changed = indexes ? this.baselines.b.observe(at, indexes, c.stats, c.resetAgeSeconds) : new Set<string>();
        if (changed.size) this.ctx.log.info(`Cost lens: the indexes of ${[...changed].join(', ')} changed (${this.baselines.b.current()?.change ?? 'an index change'}); figures count from the reading before it.`);
        return { index: new CostIndex(c.stats, c.totalMs), resetAgeSeconds: c.resetAgeSeconds, readAt: at };
      } catch (e) {
        if (!this.warned) this.ctx.log.warn(`Cost lens: cannot read pg_stat_statements (${errorMessage(e)})`);
        this.warned = true;
        return undefined;
      }
    })();
    const cache = (async () => {
      const { readStatementUse, cacheEstimate, DEFAULT_THRESHOLDS } = await loadEngine();
      const use = await readStatementUse(conn.db, { versionNum: conn.info.versionNum, minCalls: DEFAULT_THRESHOLDS.cacheMinCalls }).catch(() => undefined);
      const out = new Map<string, CacheEstimate>();
      for (const s of use?.statements ?? []) {
        const e = cacheEstimate(s, DEFAULT_THRESHOLDS, use?.statementsPeriodSeconds);
        if (e) out.set(s.queryid, e);
      }
      return out;
    })();
    this.loaded = { conn, at: Date.now(), index, cache };
    return this.loaded;
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.ctx.config.costLensEnabled) return [];
    this.asked = true;
    const conn = this.ctx.connections.current;
    if (!conn || conn.db.isClosed || conn.info.pgStatStatements !== 'ready' || !this.ctx.connections.serves(doc.uri)) return [];
    const loaded = this.load(conn);
    const [read, sites, cache] = await Promise.all([loaded.index, this.ctx.sites.sitesFor(doc), loaded.cache]);
    const index = read?.index;
    if (!read || !index || !index.size || token.isCancellationRequested) return [];
    const baseline = this.baselines?.conn === conn ? this.baselines.b.current() : undefined;
    const [{ QueryIdsByShape }, { ownRunsOf }] = await Promise.all([import('../db/queryStats'), import('../db/ownRuns')]);
    if (this.ids?.conn !== conn) this.ids = { conn, ids: new QueryIdsByShape(conn.db, conn.info) };
    const ids = this.ids.ids;
    const { appFiguresAt, appFiguresSince, baselineFor, figuresBefore, costLensRoom, costLensTitle, formatCostLensSince, formatCostTooltip, RECORDED_LENS_ROOM } = await import('../core/cost');
    const { formatCacheLens } = await loadEngine();
    const own = ownRunsOf(conn.db);
    // The reading's age now: the reset age it holds is counted to this moment, and the tooltip says how old it is.
    const sinceReadMs = Date.now() - read.readAt;
    const lenses: vscode.CodeLens[] = [];
    const never = neverTrueSpans(doc);
    for (const site of sites) {
      if (token.isCancellationRequested) break;
      const found = index.find(site.sql, site.dynamic ? undefined : await ids.of(site.sql));
      if (!found) continue;
      // Only an index change this statement's plan reflects: a new index its plan does not use is not credited with its figures (person37 L2).
      const { since, notUsed } = baselineFor(baseline, site.sql, conn.db.indexUse.planOf(site.sql));
      // The application's figures: PG Lens's own runs of this statement (Benchmark) subtracted — what they cost on the
      // server, measured; runs under way at the baseline reading, or never measured, stay in and are said to (person47 M1).
      // Only the runs that had ended by the reading: runs noted after it are not in its figures (person51 L-1).
      const stat = appFiguresAt(found.stat, own, site.sql, read.readAt, since?.atMs);
      if (!stat) continue;
      const hit = { ...found, stat, share: index.totalMs > 0 ? stat.totalMs / index.totalMs : 0 };
      const pos = doc.positionAt(site.callSpan?.start ?? site.span.start);
      // After an index was created or dropped the whole-history mean mixes the calls before and after it: the
      // title gives the figures since the change (and the mean before it); otherwise it says the period it covers.
      // PG Lens's own Benchmark runs are subtracted from each window: those before the change from the figures before it.
      // "Before" a change that followed another on this statement's tables: the period between the two (person48 M-B).
      const beforeRaw = since?.before.get(found.stat.queryid);
      const { before, from: beforeFrom } = since ? figuresBefore(since, site.sql, found.stat.queryid, own) : {};
      // The same statement written elsewhere in the workspace: its figures are all their calls (person28 M2).
      const places = this.ctx.indexAdvice?.placesOf(site.sql) ?? [];
      // (A place is the line its SQL starts on; the lens stands on the call's line.)
      const rel = vscode.workspace.asRelativePath(doc.uri);
      const here = new Set([`${rel}:${pos.line + 1}`, `${rel}:${doc.positionAt(site.span.start).line + 1}`]);
      const elsewhere = places.filter((p) => !here.has(p));
      // Written with other constants elsewhere: one entry holds their calls too (person54 M-3).
      const otherConstants = (this.ctx.indexAdvice?.otherConstantsOf(site.sql) ?? []).filter((p) => !here.has(p));
      // Short (core/cost LENS_LINE_MAX): the period the figures cover is the tooltip's (person40 L6), and so is what does not
      // fit beside the line's other lenses — the cache candidate's and a recording's (person41: ~190 characters).
      const cacheable = cache.get(hit.stat.queryid);
      const cacheLens = cacheable ? formatCacheLens(cacheable) : undefined;
      const recorded = this.ctx.recordedLensAt?.(doc.uri.fsPath, pos.line + 1);
      const room = costLensRoom([...(cacheLens ? [`~ ${cacheLens.title}`] : []), ...(recorded !== undefined ? [recorded.padEnd(RECORDED_LENS_ROOM)] : [])]);
      const sinceFigures = since ? appFiguresSince(found.stat, stat, beforeRaw, own.get(site.sql, found.stat.queryid, { before: since.atMs })) : undefined;
      // A line PG Lens proves never true (or failing) returns nothing: its lens says so before the entry's figures (person55 M-1).
      const neverHere = never.find((n) => n.at >= site.span.start && n.at <= site.span.end)?.kind;
      const figures = { callSites: elsewhere.length + otherConstants.length + 1, shape: otherConstants.length > 0, ...(neverHere ? { never: neverHere } : {}) };
      const title = since && sinceFigures ? formatCostLensSince(sinceFigures, before, since, Date.now(), figures, room) : costLensTitle(hit, figures, room, recorded !== undefined);
      lenses.push(
        new vscode.CodeLens(new vscode.Range(pos, pos), {
          title: `$(pulse) ${title}`,
          tooltip: formatCostTooltip(hit, { statements: index.size, ownLeftOut: index.ownLeftOut, resetAgeSeconds: read.resetAgeSeconds, baseline: since, notUsed, reading: { sinceReadMs, refreshMs: REFRESH_MS }, sharedWith: elsewhere, otherConstants, ...(neverHere ? { never: neverHere } : {}), since: sinceFigures && { since: sinceFigures, before, beforeFrom, nowMs: Date.now() } }),
          // Its details: the statement and every call site sending it, as a Top statements row's click gives them (person55
          // L-12: "Click to open it in the dashboard" opened the dashboard at its top, the statement nowhere in view).
          command: STATEMENT_DETAILS_COMMAND,
          arguments: [{ sql: found.stat.query, figures: title }],
        }),
      );
      // The same statement as a cache candidate (the health check's rule and figures): the hit ratio at a TTL, the writes that invalidate it.
      if (cacheLens) lenses.push(new vscode.CodeLens(new vscode.Range(pos, pos), { title: `$(database) ${cacheLens.title}`, tooltip: cacheLens.tooltip, command: 'pgLens.openDashboard', arguments: [{ queryid: hit.stat.queryid }] }));
    }
    return lenses;
  }

  /**
   * Read again now, and ask VS Code for the lenses again. Read here, not only when VS Code asks: it does not ask again for
   * an editor that showed none, and a refresh (PG Lens made an index) then left nothing loaded, which stopped the 30 s
   * readings for good — the index set read with the figures is what brings back advice an index dropped outside PG Lens
   * took away (person31 M1; e2e 86 saw no reading in 2 minutes).
   */
  refresh(opts: { catalog?: boolean } = {}): void {
    const conn = this.ctx.connections.current;
    this.loaded = undefined;
    if (opts.catalog) this.ids = undefined;
    if (this.asked && conn && !conn.db.isClosed && conn.info.pgStatStatements === 'ready' && this.ctx.config.costLensEnabled) this.load(conn);
    this.changed.fire();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.changed.dispose();
  }
}

/** The cost lens's click (not in the palette): the statement's details and call sites (vscode/statementDetails). */
const STATEMENT_DETAILS_COMMAND = 'pgLens.costLensStatementDetails';

export function registerCostLens(ctx: PgLensContext): void {
  const provider = new CostLensProvider(ctx);
  ctx.extension.subscriptions.push(
    provider,
    vscode.commands.registerCommand(STATEMENT_DETAILS_COMMAND, async (arg: unknown) => {
      const a = arg as { sql?: unknown; figures?: unknown } | undefined;
      if (typeof a?.sql !== 'string' || typeof a.figures !== 'string') return;
      const { showStatementDetails } = await import('./statementDetails');
      await showStatementDetails(ctx, { sql: a.sql, figures: a.figures });
    }),
    vscode.languages.registerCodeLensProvider(ANALYSABLE_SELECTOR, provider),
    ctx.connections.onDidChange(() => provider.refresh({ catalog: true })),
    // PG Lens created or dropped an index: read now, so the lens counts from the reading before the change at once.
    ctx.analysis.onDidChangeCatalog(() => provider.refresh({ catalog: true })),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pgLens.costLens')) provider.refresh();
    }),
  );
}

/**
 * Where the document's value-not-allowed findings (the one pipeline's, as published) make a whole statement never true or
 * failing (their `statement` evidence, core/rules/valueNotAllowed): each finding's offset and what it proves.
 */
function neverTrueSpans(doc: vscode.TextDocument): { at: number; kind: 'no-rows' | 'fails' }[] {
  const out: { at: number; kind: 'no-rows' | 'fails' }[] = [];
  for (const d of vscode.languages.getDiagnostics(doc.uri)) {
    const f = findingOf(d);
    const kind = f?.ruleId === 'value-not-allowed' ? f.evidence?.statement : undefined;
    if (kind === 'no-rows' || kind === 'fails') out.push({ at: doc.offsetAt(d.range.start), kind });
  }
  return out;
}
