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
import type { PgLensContext } from './main';
import { ANALYSABLE_SELECTOR } from './analysis';
import { errorMessage } from '../core/safeText';

// person16 LOW 4: once a minute left the lens ~2 min behind pg_stat_statements on a busy server; one read every 30 s is cheap.
const REFRESH_MS = 30_000;

interface Loaded {
  conn: ActiveConnection;
  at: number;
  index: Promise<{ index: CostIndex; resetAgeSeconds?: number; readAt: number } | undefined>;
  /** Query identifiers by SQL text (EXPLAIN once per text and connection). */
  ids: Map<string, Promise<string | undefined>>;
  /** cache-candidate's estimate of each statement that is one, by queryid (the health check's own reading and rule). */
  cache: Promise<Map<string, CacheEstimate>>;
}

class CostLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private loaded: Loaded | undefined;
  private readonly timer: NodeJS.Timeout;
  private warned = false;
  /** The index set between readings, and the reading before it changed (per connection). */
  private baselines: { conn: ActiveConnection; b: CostBaselines } | undefined;

  constructor(private readonly ctx: PgLensContext) {
    this.timer = setInterval(() => {
      if (this.loaded && vscode.window.visibleTextEditors.length) {
        this.loaded = undefined;
        this.changed.fire();
      }
    }, REFRESH_MS);
  }

  private load(conn: ActiveConnection): Loaded {
    if (this.loaded?.conn === conn && Date.now() - this.loaded.at < REFRESH_MS) return this.loaded;
    const ids = this.loaded?.conn === conn ? this.loaded.ids : new Map();
    const index = (async () => {
      const [{ readStatementCosts, readIndexNames }, { CostIndex, CostBaselines }, { loadPgParser }] = await Promise.all([import('../db/queryStats'), import('../core/cost'), import('../core/sql/statement')]);
      await loadPgParser();
      try {
        const at = Date.now();
        const [c, indexes] = await Promise.all([readStatementCosts(conn.db, { versionNum: conn.info.versionNum }), readIndexNames(conn.db).catch(() => undefined)]);
        if (this.baselines?.conn !== conn) this.baselines = { conn, b: new CostBaselines() };
        // An index made or dropped outside PG Lens (a migration, psql): the advice is checked against the catalog — an
        // advice that said "an index it would use exists" is proved again once that index is gone (person31 M1).
        if (indexes && this.baselines.b.observe(at, indexes, c.stats, c.resetAgeSeconds)) {
          void this.ctx.indexAdvice?.recheckCatalog().catch((e) => this.ctx.log.info(`index advice: could not re-check the catalog: ${errorMessage(e)}`));
        }
        return { index: new CostIndex(c.stats, c.totalMs), resetAgeSeconds: c.resetAgeSeconds, readAt: at };
      } catch (e) {
        if (!this.warned) this.ctx.log.warn(`Cost lens: cannot read pg_stat_statements (${errorMessage(e)})`);
        this.warned = true;
        return undefined;
      }
    })();
    const cache = (async () => {
      const [{ readStatementUse }, { cacheEstimate }, { DEFAULT_THRESHOLDS }] = await Promise.all([import('../db/workloadFacts'), import('../core/health/checks/workload'), import('../core/health/types')]);
      const use = await readStatementUse(conn.db, { versionNum: conn.info.versionNum, minCalls: DEFAULT_THRESHOLDS.cacheMinCalls }).catch(() => undefined);
      const out = new Map<string, CacheEstimate>();
      for (const s of use?.statements ?? []) {
        const e = cacheEstimate(s, DEFAULT_THRESHOLDS, use?.statementsPeriodSeconds);
        if (e) out.set(s.queryid, e);
      }
      return out;
    })();
    this.loaded = { conn, at: Date.now(), index, ids, cache };
    return this.loaded;
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.ctx.config.costLensEnabled) return [];
    const conn = this.ctx.connections.current;
    if (!conn || conn.db.isClosed || conn.info.pgStatStatements !== 'ready' || !this.ctx.connections.serves(doc.uri)) return [];
    const loaded = this.load(conn);
    const [read, sites, cache] = await Promise.all([loaded.index, this.ctx.sites.sitesFor(doc), loaded.cache]);
    const index = read?.index;
    if (!read || !index || !index.size || token.isCancellationRequested) return [];
    const baseline = this.baselines?.conn === conn ? this.baselines.b.current() : undefined;
    const [{ queryIdOf }, { ownRunsOf }] = await Promise.all([import('../db/queryStats'), import('../db/ownRuns')]);
    const { appFigures, baselineApplies, figuresSince, formatCostLens, formatCostLensSince, formatCostTooltip, resetPeriodPhrase, sharedCallSites } = await import('../core/cost');
    const { formatCacheLens } = await import('../core/health/checks/workload');
    const own = ownRunsOf(conn.db);
    // The reading's age now: the reset age it holds is counted to this moment, and the tooltip says how old it is.
    const sinceReadMs = Date.now() - read.readAt;
    const lenses: vscode.CodeLens[] = [];
    for (const site of sites) {
      if (token.isCancellationRequested) break;
      let id = loaded.ids.get(site.sql);
      if (!id) {
        id = site.dynamic ? Promise.resolve(undefined) : queryIdOf(conn.db, site.sql, { info: conn.info, readsOnly: true }).catch(() => undefined);
        loaded.ids.set(site.sql, id);
      }
      const found = index.find(site.sql, await id);
      if (!found) continue;
      // The application's figures: PG Lens's own runs of this statement (Benchmark) subtracted.
      const ownRuns = own.get(site.sql, found.stat.queryid);
      const stat = appFigures(found.stat, ownRuns);
      if (!stat) continue;
      const hit = { ...found, stat, share: index.totalMs > 0 ? stat.totalMs / index.totalMs : 0 };
      const pos = doc.positionAt(site.callSpan?.start ?? site.span.start);
      // After an index was created or dropped the whole-history mean mixes the calls before and after it: the
      // title gives the figures since the change (and the mean before it); otherwise it says the period it covers.
      // (PG Lens's own Benchmark runs are subtracted from the whole history only; they are rare after a change.)
      const since = baseline && baselineApplies(baseline, site.sql) ? baseline : undefined;
      const before = since?.before.get(found.stat.queryid);
      const title = since
        ? formatCostLensSince(figuresSince(stat, before), before, since, Date.now())
        : formatCostLens(hit, resetPeriodPhrase(read.resetAgeSeconds, sinceReadMs));
      // The same statement written elsewhere in the workspace: its figures are all their calls (person28 M2).
      const places = this.ctx.indexAdvice?.placesOf(site.sql) ?? [];
      // (A place is the line its SQL starts on; the lens stands on the call's line.)
      const rel = vscode.workspace.asRelativePath(doc.uri);
      const here = new Set([`${rel}:${pos.line + 1}`, `${rel}:${doc.positionAt(site.span.start).line + 1}`]);
      const elsewhere = places.filter((p) => !here.has(p));
      lenses.push(
        new vscode.CodeLens(new vscode.Range(pos, pos), {
          title: `$(pulse) ${title}${sharedCallSites(elsewhere.length + 1)}`,
          tooltip: formatCostTooltip(hit, { statements: index.size, ownLeftOut: index.ownLeftOut, ownRuns, resetAgeSeconds: read.resetAgeSeconds, baseline: since, reading: { sinceReadMs, refreshMs: REFRESH_MS }, sharedWith: elsewhere }),
          command: 'pgLens.openDashboard',
          arguments: [{ queryid: hit.stat.queryid }],
        }),
      );
      // The same statement as a cache candidate (the health check's rule and figures): the hit ratio at a TTL, the writes that invalidate it.
      const cacheable = cache.get(hit.stat.queryid);
      if (cacheable) {
        const c = formatCacheLens(cacheable);
        lenses.push(new vscode.CodeLens(new vscode.Range(pos, pos), { title: `$(database) ${c.title}`, tooltip: c.tooltip, command: 'pgLens.openDashboard', arguments: [{ queryid: hit.stat.queryid }] }));
      }
    }
    return lenses;
  }

  refresh(): void {
    this.loaded = undefined;
    this.changed.fire();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.changed.dispose();
  }
}

export function registerCostLens(ctx: PgLensContext): void {
  const provider = new CostLensProvider(ctx);
  ctx.extension.subscriptions.push(
    provider,
    vscode.languages.registerCodeLensProvider(ANALYSABLE_SELECTOR, provider),
    ctx.connections.onDidChange(() => provider.refresh()),
    // PG Lens created or dropped an index: read now, so the lens counts from the reading before the change at once.
    ctx.analysis.onDidChangeCatalog(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pgLens.costLens')) provider.refresh();
    }),
  );
}
