/**
 * Plans in the editor: the hover (plan in brief, from a cache filled in the background for the SQL
 * visible on screen), and the commands Open Plan, Explain Analyze, Compare Plans, Benchmark Query,
 * all showing their results in the plan viewer panel.
 */
import * as vscode from 'vscode';
import type { PgLensContext } from '../main';
import { DISMISSED, noStatementAtCursor, statementAtCursor } from '../siteIndex';
import { NamedQueryLinks } from '../namedQueryLinks';
import type { ActiveConnection } from '../connections';
import type { SqlSite } from '../../core/extract/types';
import { shortLine } from '../../core/format';
import type { ParameterExample } from '../../core/sql/predicates';
import type { Planner, PlanOutcome } from '../../db/planner';
import type { ExplainResult, PlanWithFacts } from '../../db/explain';
import type { BenchmarkRunSummary, PlanPayload } from '../../shared/planProtocol';
import type { LoggedPlan, ProvedIndexFigure } from '../../core/plan';
import { PlanPanel, PLAN_FILE_VIEW_TYPE, PLAN_VIEW_TYPE, type PanelStatement, type PlanPanelHandler } from './panel';
import { EDITOR_LANGUAGE_IDS } from '../../core/languages/registry';
import { errorMessage } from '../../core/safeText';
import { maxParamIndex } from '../../core/extract/sqlLexer';
import { recordedSite } from '../../core/record/atCursor';
import { DIAGNOSTIC_SOURCE, howToFixOf } from '../findingActions';
import { MISSING_INDEX_RULE } from '../../core/advice/missingIndex';
import { ADVICE_PENDING } from '../../core/plan/warnings';
import { SYNTAX_ERROR_RULE } from '../../core/rules/others';
import { OPEN_DOCS_COMMAND } from '../docs';
import { notConnectedHoverLine, unfinishedRunLine, unknownNameNote } from '../../core/connection/status';
import { chooseDestructive } from '../confirm';
import { closingHover } from '../hoverLinks';

interface SiteRef {
  uri: string;
  offset: number;
}

/** Opens the plan of a statement given as text ({ sql, title }): a recorded statement's hover link and its site's document. */
export const OPEN_STATEMENT_PLAN_COMMAND = 'pgLens.openStatementPlan';

export function registerPlans(ctx: PgLensContext): void {
  const plans = new PlansFeature(ctx);
  ctx.extension.subscriptions.push(plans);
}

class PlansFeature implements vscode.Disposable {
  private planner: Planner | undefined;
  private plannerFor: ActiveConnection | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private readonly history: PlanPayload[] = [];
  private readonly benchmarks = new Map<string, BenchmarkRunSummary>();
  private backgroundTimer: NodeJS.Timeout | undefined;
  /** Told by the index advice when a statement's advice is decided, while open plan panels wait for it (followAdvice). */
  private adviceTold: vscode.Disposable | undefined;

  /** Go calls of named queries (`c.q.GetSubscriber.Select(…)`): the hover of the query they run. */
  private readonly namedQueries: NamedQueryLinks;

  constructor(private readonly ctx: PgLensContext) {
    const selector = EDITOR_LANGUAGE_IDS.map((language) => ({ language }));
    this.namedQueries = new NamedQueryLinks(ctx);
    // Before a tab restored after a reload shows its plan (the serializer below): its tips may wait for the advice too.
    PlanPanel.onAdvicePending = () => this.followAdvice();
    this.subs.push(
      this.namedQueries,
      vscode.languages.registerHoverProvider(selector, { provideHover: (d, p, t) => this.provideHover(d, p, t) }),
      vscode.commands.registerCommand('pgLens.openPlan', closingHover((ref?: SiteRef) => this.openPlan(ref))),
      vscode.commands.registerCommand(OPEN_STATEMENT_PLAN_COMMAND, closingHover((arg?: unknown) => this.openStatementPlan(arg))),
      vscode.commands.registerCommand('pgLens.explainAnalyze', closingHover((ref?: SiteRef) => this.explainAnalyze(ref))),
      vscode.commands.registerCommand('pgLens.comparePlans', () => this.comparePlans()),
      vscode.commands.registerCommand('pgLens.openPlanFromClipboard', () => this.bringPlan('clipboard')),
      vscode.commands.registerCommand('pgLens.openPlanFromFile', (uri?: vscode.Uri) => this.bringPlan('file', uri)),
      vscode.commands.registerCommand('pgLens.benchmarkQuery', (ref?: SiteRef) => this.benchmarkQuery(ref)),
      vscode.window.registerWebviewPanelSerializer(PLAN_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          PlanPanel.revive(panel, ctx.extension.extensionUri, this.handler, state);
        },
      }),
      vscode.window.registerCustomEditorProvider(PLAN_FILE_VIEW_TYPE, { resolveCustomTextEditor: (doc, panel) => this.resolvePlanFile(doc, panel) }, { supportsMultipleEditorsPerDocument: true }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleBackground()),
      vscode.window.onDidChangeTextEditorVisibleRanges(() => this.scheduleBackground()),
      ctx.sites.onDidChange(() => this.scheduleBackground()),
      ctx.connections.onDidChange(() => {
        this.planner?.dispose();
        this.planner = undefined;
        this.plannerFor = undefined;
        this.scheduleBackground();
      }),
      // PG Lens changed the catalog itself (Create index now, DROP INDEX, ANALYZE): read the schema version now, so the
      // next hover plans afresh instead of serving the plan from before the change (person9: the Seq Scan the new index
      // replaced, for ~15 s after "Created orders_customer_id_idx").
      ctx.analysis.onDidChangeCatalog(() => void this.planner?.probe().catch(() => undefined)),
    );
    this.scheduleBackground();
  }

  dispose(): void {
    this.planner?.dispose();
    if (this.backgroundTimer) clearTimeout(this.backgroundTimer);
    this.adviceTold?.dispose();
    PlanPanel.onAdvicePending = undefined;
    this.subs.forEach((s) => s.dispose());
  }

  /** The planner of the active connection (one cache per connection). */
  private async getPlanner(interactive = false): Promise<{ planner: Planner; conn: ActiveConnection } | undefined> {
    // Hovers and background planning never (re)connect: a failing server would make every hover
    // wait for a connect timeout. Commands connect (and may ask for a password).
    const conn = this.ctx.connections.current ?? (interactive ? await this.ctx.connections.get({ interactive }) : undefined);
    if (!conn) return undefined;
    if (!this.planner || this.plannerFor !== conn) {
      const { Planner } = await import('../../db/planner');
      const { secretKey } = await import('../../core/connection/profile');
      this.planner?.dispose();
      this.planner = new Planner(conn.db, secretKey(conn.profile), { trustFunctions: this.ctx.config.trustedFunctions });
      this.plannerFor = conn;
      // The plans were dropped: an ANALYZE, DDL (the version), or a reading of the tables' figures that moved. The index
      // advice reads its tables' figures now too, so the hover's index line is made again with its plan line (issue 20:
      // "1,007 → 302" above "cost 940.44").
      this.planner.onInvalidate(() => {
        this.scheduleBackground();
        void this.ctx.indexAdvice?.noticeTableChanges().catch((e) => this.ctx.log.info(`index advice: could not read the tables' figures: ${errorMessage(e)}`));
      });
    }
    return { planner: this.planner, conn };
  }

  // ── hover ────────────────────────────────────────────────────────────────────────────────
  private async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.ctx.config.hoverEnabled) return undefined;
    // A file of another folder (multi-root) with its own connection: hovering it is working in it; its folder's connection.
    if (!this.ctx.connections.serves(doc.uri)) await this.ctx.connections.focus(doc.uri);
    const own = await this.ctx.sites.siteAt(doc, doc.offsetAt(pos));
    // Not SQL here: a Go call of a named query kept in a .sql file gets that query's hover (its links open the .sql's).
    const linked = own ? undefined : await this.namedQueries.siteAt(doc, doc.offsetAt(pos));
    const site = own ?? linked?.site;
    if (!site && !linked) {
      // SQL that PostgreSQL cannot parse as written (a typo) is no site: its parse error, rather than nothing (person45 M3).
      const broken = await this.ctx.sites.unparsedAt?.(doc, doc.offsetAt(pos));
      // Under the pointer, VS Code shows the server's syntax error (a Problem, core/scan) itself: said once (person48 L1).
      const saidHere = vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === DIAGNOSTIC_SOURCE && d.range.contains(pos) && String((d.code as { value?: unknown } | undefined)?.value ?? '') === SYNTAX_ERROR_RULE);
      if (broken && !saidHere && !token.isCancellationRequested) return new vscode.Hover(new vscode.MarkdownString(`$(error) ${escapeMd(broken.line)}`, true), new vscode.Range(doc.positionAt(broken.span.start), doc.positionAt(broken.span.end)));
    }
    if (!site || token.isCancellationRequested) return undefined;
    const siteUri = linked?.uri ?? doc.uri;
    const range = linked?.range ?? new vscode.Range(doc.positionAt(site.span.start), doc.positionAt(site.span.end));
    const p = await this.getPlanner(false);
    if (!p) {
      const line = this.ctx.connections.notConnectedHover() ?? notConnectedHoverLine(this.ctx.connections.error, this.ctx.connections.nextSteps());
      const md = new vscode.MarkdownString(line.markdown);
      md.isTrusted = { enabledCommands: line.commands };
      return new vscode.Hover(md, range);
    }
    // On the session kept for what a person waits on (database Lane 'interactive'): never queued behind the decisions,
    // trial builds and readings the window's start sets going on the shared pool (person42 L6).
    const outcome = p.planner.cached(site.sql) ?? (await p.planner.plan(site.sql, undefined, { lane: 'interactive' }));
    if (token.isCancellationRequested) return undefined;
    // DDL and other utility statements have no plan: no hover rather than a complaint.
    if (!outcome.ok && outcome.code === 'NOT_EXPLAINABLE') return undefined;
    // The findings on this statement lead, except those under the pointer: VS Code shows those itself, first, in its
    // problem part above every provider's text (person22 LOW B: the N+1 sentence twice). A finding on another line of
    // the statement is named here, as the pointer's line alone would hide it.
    const mine = linked ? [] : vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE && d.range.intersection(range) !== undefined);
    const findings = mine.filter((d) => !d.range.contains(pos));
    // How to fix those under the pointer: their messages (above) are the claims alone, the help is on demand (a link's title).
    const under = mine.filter((d) => d.range.contains(pos));
    const ruleOf = (d: vscode.Diagnostic) => String((d.code as { value?: unknown } | undefined)?.value ?? '');
    const howToFix = howToFixOf(under);
    const proved = this.ctx.indexAdvice?.provedFor(site.sql);
    // The advice's hover (indexAdvice) shows a missing index found on this statement with its proof above the plan: the
    // proved table's scan warning would say it again (verify35: the hover's last line cut in its 250 px box).
    const saidAbove = mine.some((d) => ruleOf(d) === MISSING_INDEX_RULE) ? (proved ?? []).map((x) => x.table) : [];
    // A statement that gets no index advice (a one-off script's…): its scan warning says why, as Suggest Indexes would (person39 L6).
    // Else the advice's own answer when it has decided the statement: the plan tip's judgement defers to it (issue 20).
    const noIndexAdvice = linked || !outcome.ok ? undefined : { notWorkload: await this.ctx.indexAdvice?.noIndexAdviceWhy(doc, site.sql), advice: this.ctx.indexAdvice?.noIndexNoteFor(site.sql), pending: this.ctx.indexAdvice?.pendingFor(site.sql), findingOnLine: mine.some((d) => ruleOf(d) === MISSING_INDEX_RULE) };
    // The server's syntax error is a Problem of this statement (core/scan): VS Code shows it under the pointer, the lead
    // names it elsewhere; the refusal's own line would say it a second time, in other words (person48 L1).
    const errorSaid = !outcome.ok && mine.some((d) => ruleOf(d) === SYNTAX_ERROR_RULE);
    const md = await hoverMarkdown(outcome, site, siteUri, p.conn, proved, findings.map((d) => ({ ruleId: ruleOf(d), message: d.message, severity: SEVERITY_NAME[d.severity] })), howToFix, saidAbove, noIndexAdvice, errorSaid);
    if (!md.value.trim()) return undefined;
    if (linked) md.appendMarkdown(`\n\n*The named query this call runs, from ${escapeMd(vscode.workspace.asRelativePath(linked.uri))}.*`);
    return new vscode.Hover(md, range);
  }

  /** Plan the SQL sites visible on screen, so hovers answer from the cache. */
  private scheduleBackground(): void {
    if (this.backgroundTimer) clearTimeout(this.backgroundTimer);
    this.backgroundTimer = setTimeout(() => void this.planVisible().catch((e) => this.ctx.log.warn(`background planning: ${errorMessage(e)}`)), 400);
  }

  private async planVisible(): Promise<void> {
    if (!this.ctx.config.hoverEnabled || !this.ctx.connections.current) return;
    const p = await this.getPlanner(false);
    if (!p) return;
    const todo: string[] = [];
    for (const ed of vscode.window.visibleTextEditors) {
      if (!EDITOR_LANGUAGE_IDS.includes(ed.document.languageId) || !this.ctx.connections.serves(ed.document.uri)) continue;
      const sites = await this.ctx.sites.sitesFor(ed.document);
      for (const s of sites) {
        const r = new vscode.Range(ed.document.positionAt(s.span.start), ed.document.positionAt(s.span.end));
        if (ed.visibleRanges.some((v) => v.intersection(r)) && !p.planner.cached(s.sql)) todo.push(s.sql);
      }
    }
    // One statement per shape, the others when hovered (Planner.prefetchable). Two at a time: the editor's pool is small
    // and hovers must not wait behind a queue.
    const queue = await p.planner.prefetchable(todo);
    const worker = async () => {
      for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) await p.planner.plan(sql);
    };
    await Promise.all([worker(), worker()]);
  }

  // ── commands ─────────────────────────────────────────────────────────────────────────────
  private readonly handler: PlanPanelHandler = async (m, panel) => {
    switch (m.type) {
      case 'copy': {
        const last = panel.last;
        if (last?.type !== 'show') return;
        const { analyzePlan, planText } = await import('../../core/plan');
        const text = m.format === 'json' ? JSON.stringify([last.payload.plan], null, 2) : planText(analyzePlan(last.payload.plan, { withStatement: last.payload.method !== 'brought' }));
        await vscode.env.clipboard.writeText(text);
        // A notification, as Copy SQL and Copy CREATE INDEX say it: two seconds in the status bar went unseen.
        void vscode.window.showInformationMessage(`PG Lens: copied the plan ${m.format === 'json' ? 'as JSON' : 'as text'} to the clipboard (${text.split('\n').length} lines).`);
        return;
      }
      case 'explainAnalyze':
      case 'benchmark':
      case 'suggestIndexes':
      case 'revealSql':
        // A plan brought from elsewhere (clipboard, file, log) has no statement in an editor: these
        // act on none rather than on whatever statement the cursor happens to be on.
        if (panel.last?.type === 'show' && panel.last.payload.method === 'brought') {
          return void vscode.window.showInformationMessage('PG Lens: this plan was brought from elsewhere: open its statement in an editor and run this from there.');
        }
        break;
      default:
        break;
    }
    switch (m.type) {
      // Each panel's buttons act on the statement that panel shows.
      case 'explainAnalyze':
        return this.explainAnalyze(undefined, panel);
      case 'benchmark':
        return this.benchmarkQuery(undefined, panel);
      case 'suggestIndexes':
        // A recorded statement (an ORM call's, opened from its line or its lens) is named by its text: its line holds no SQL.
        // Its progress and its outcome are said in the panel too, beside the plan (person14: nothing at all after 90 s).
        if (!this.ctx.indexAdvice) return void vscode.window.showInformationMessage('PG Lens: index advice is not running in this window.');
        await this.ctx.indexAdvice.suggest(panel.statement?.uri
          ? { uri: panel.statement.uri.toString(), offset: panel.statement.site.span.start, ...(panel.statement.site.api === 'recorded' ? { sql: panel.statement.site.sql } : {}) }
          : panel.statement ? { sql: panel.statement.site.sql }
          : panel.last?.type === 'show' ? { sql: panel.last.payload.adviceSql ?? panel.last.payload.sql } : undefined, (message, busy) => panel.post({ type: 'notice', message, busy }));
        return;
      case 'revealSql': {
        const shown = panel.statement;
        if (!shown) return;
        // A statement the app sent, in no file: its text, as sent.
        if (!shown.uri) return void (await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'sql', content: shown.site.sql }), vscode.ViewColumn.One));
        const doc = await vscode.workspace.openTextDocument(shown.uri);
        const ed = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
        const r = new vscode.Range(doc.positionAt(shown.site.span.start), doc.positionAt(shown.site.span.end));
        ed.selection = new vscode.Selection(r.start, r.end);
        ed.revealRange(r);
        return;
      }
      default: {
        const never: never = m;
        void never;
      }
    }
  };

  /** The SQL site of a hover link or the panel's statement, or the editor's (the selection, or the statement on the cursor's line: statementAtCursor). */
  private async resolveSite(ref?: SiteRef, fromPanel?: PlanPanel): Promise<PanelStatement | typeof DISMISSED | undefined> {
    if (fromPanel?.statement) return fromPanel.statement;
    if (ref && typeof ref.uri === 'string' && typeof ref.offset === 'number') {
      const uri = vscode.Uri.parse(ref.uri);
      const doc = await vscode.workspace.openTextDocument(uri);
      const site = await this.ctx.sites.siteAt(doc, ref.offset);
      // A hover's link to SQL edited since into text that does not parse: said, never the text it was (person45 M3).
      const broken = site ? undefined : await this.ctx.sites.unparsedAt?.(doc, ref.offset);
      if (broken) {
        void vscode.window.showWarningMessage(`PG Lens: ${broken.line}`);
        return DISMISSED;
      }
      return site && { site, uri };
    }
    const ed = vscode.window.activeTextEditor;
    if (!ed) return undefined;
    const site = await statementAtCursor(this.ctx.sites, ed, { selection: true });
    return site === DISMISSED ? site : site && { site, uri: ed.document.uri };
  }

  /** `adviceSql`: the text the index advice knows the statement by (the site's SQL, or a recorded statement as sent). */
  private async payloadOf(r: ExplainResult, conn: ActiveConnection, title: string, target?: PanelStatement, adviceSql = target?.site.sql ?? r.sql): Promise<PlanPayload> {
    // A file's statement that is not the app's workload (a test's, a migration's) gets no advice: said, as the hover says it.
    const doc = target?.uri?.scheme === 'file' ? await vscode.workspace.openTextDocument(target.uri) : undefined;
    const notWorkload = doc && (await this.ctx.indexAdvice?.noIndexAdviceWhy(doc, adviceSql));
    // Kept in the payload (person48 L-f): Compare Plans reads the advice again by it, for a tab restored after a reload too.
    const payload: PlanPayload = { title, sql: r.sql, plan: r.json, method: r.method, versionNum: r.versionNum, connection: conn.profile.name, relationRows: r.relationRows, ...(r.relationIndexes?.length ? { relationIndexes: r.relationIndexes } : {}), ...(r.foreignKeys?.length ? { foreignKeys: r.foreignKeys } : {}), at: Date.now(), adviceSql, ...this.adviceNow(adviceSql, notWorkload) };
    return payload;
  }

  /** The index advice's word on a statement of the code now: its proofs, and its answer for the scans it proved none for (one wording, person48 L-f). */
  private adviceNow(adviceSql: string, notWorkload?: string): Pick<PlanPayload, 'provedIndexes' | 'adviceAnswer'> {
    const provedIndexes = this.ctx.indexAdvice?.provedFor(adviceSql);
    const answer = this.ctx.indexAdvice?.tipAnswerFor(adviceSql);
    const adviceAnswer = answer === undefined ? undefined : (notWorkload?.replace(/\.$/, '') ?? answer);
    return { ...(provedIndexes?.length ? { provedIndexes } : {}), ...(adviceAnswer !== undefined ? { adviceAnswer } : {}) };
  }

  /**
   * While an open plan panel's tips wait for the index advice of its statement ("Checking whether an index helps — …"):
   * told by the index advice the moment a statement's advice is decided (onDidDecideAdvice, fired by the kept advice
   * itself), the panel waiting for that statement gets its answer, which its tips say in place (it kept the pending tip
   * until opened again). Nothing runs while nobody waits: no timer (it looked every second before, issue 20), and the
   * subscription goes when no panel waits. Looked at once when a panel starts waiting: its answer may be there already.
   */
  private followAdvice(): void {
    const api = this.ctx.indexAdvice;
    if (!api) return;
    this.adviceTold ??= api.onDidDecideAdvice((sql) => this.answerWaiting(sql));
    this.answerWaiting();
  }

  /** The panels waiting for `sql`'s advice (any, when not given) get its answer once there; none waiting: stop listening. */
  private answerWaiting(sql?: string): void {
    const waiting = PlanPanel.awaitingAdvice();
    if (!waiting.length) {
      this.adviceTold?.dispose();
      this.adviceTold = undefined;
      return;
    }
    for (const { panel, adviceSql } of waiting) {
      if (sql !== undefined && adviceSql !== sql) continue;
      const now = this.adviceNow(adviceSql);
      if (now.adviceAnswer !== ADVICE_PENDING || now.provedIndexes?.length) panel.answerAdvice(now);
    }
  }

  private remember(p: PlanPayload): void {
    this.history.unshift(p);
    this.history.length = Math.min(this.history.length, 20);
  }

  private async openPlan(ref?: SiteRef): Promise<void> {
    const target = await this.resolveSite(ref);
    if (!target) return void vscode.window.showInformationMessage(noStatementAtCursor(vscode.window.activeTextEditor));
    if (target === DISMISSED) return;
    return this.openPlanOf(target);
  }

  /** The estimated plan of a statement (EXPLAIN: nothing runs) in the plan viewer. */
  private async openPlanOf(target: PanelStatement): Promise<void> {
    const p = await this.getPlanner(true);
    if (!p) return;
    const outcome: PlanOutcome = await p.planner.plan(target.site.sql);
    const panel = PlanPanel.show(this.ctx.extension.extensionUri, this.handler);
    panel.statement = target;
    if (!outcome.ok) {
      const where = unknownNameNote(outcome.code, p.conn.profile);
      return panel.post({ type: 'error', message: where ? `${outcome.message} ${where}` : outcome.message });
    }
    const payload = await this.payloadOf(outcome.result, p.conn, planTitle(target.site.sql), target);
    await this.addCalls(payload, p.conn);
    this.remember(payload);
    panel.post({ type: 'show', payload });
  }

  /**
   * A DELETE's or UPDATE's calls in pg_stat_statements on its plan, for its tips: one that has not recurred gets no index
   * tip (person38 L8: a one-off cleanup DELETE was tipped an index on reviews (rating)). Nothing for a read, nor when the
   * server cannot tell.
   */
  private async addCalls(payload: PlanPayload, conn: ActiveConnection): Promise<void> {
    const calls = await writeCalls(payload.plan, payload.sql, conn, (m) => this.ctx.log.info(m));
    if (calls !== undefined) payload.statementCalls = calls;
  }

  /**
   * The plan of a statement that is not SQL in a file (a recorded statement an ORM sent), in the plan viewer as every
   * plan is shown (it was a text block in the recorded site's document). The argument comes from a hover link: checked.
   */
  private async openStatementPlan(arg: unknown): Promise<void> {
    const a = arg as { sql?: unknown; title?: unknown; column?: unknown } | undefined;
    if (!a || typeof a.sql !== 'string' || !a.sql.trim() || a.sql.length > 100_000) return;
    const title = typeof a.title === 'string' ? a.title.slice(0, 200) : planTitle(a.sql);
    // An editor group to open in (Plan and index advice: its document's, so they share one group beside the code).
    const column = Number.isInteger(a.column) && (a.column as number) >= 1 && (a.column as number) <= 9 ? (a.column as vscode.ViewColumn) : undefined;
    const p = await this.getPlanner(true);
    if (!p) return;
    const outcome: PlanOutcome = await p.planner.plan(a.sql);
    const panel = PlanPanel.show(this.ctx.extension.extensionUri, this.handler, column);
    // The panel's Explain Analyze / Benchmark / Suggest indexes act on the statement it shows (person20 LOW 2: they asked
    // the cursor's line again, "4 statements recorded from line 36").
    panel.statement = { site: recordedSite(a.sql) };
    if (!outcome.ok) {
      const where = unknownNameNote(outcome.code, p.conn.profile);
      return panel.post({ type: 'error', message: where ? `${outcome.message} ${where}` : outcome.message });
    }
    const payload = await this.payloadOf(outcome.result, p.conn, title, undefined, a.sql);
    this.remember(payload);
    panel.post({ type: 'show', payload });
  }

  /**
   * A plan brought from elsewhere (psql, pgAdmin, DBeaver, JSON, an auto_explain server log): from
   * the clipboard, or from the selection / the active .plan or .explain file / a file chosen.
   * Read without a database; refused with the reader's one-line reason.
   */
  private async bringPlan(from: 'clipboard' | 'file', uri?: vscode.Uri): Promise<void> {
    let text: string | undefined;
    let name: string;
    if (from === 'clipboard') {
      text = await vscode.env.clipboard.readText();
      name = 'the clipboard';
      if (!text.trim()) return void vscode.window.showInformationMessage('PG Lens: the clipboard is empty: copy a plan (text from psql, pgAdmin, DBeaver, JSON, or an auto_explain log) first.');
    } else {
      const ed = vscode.window.activeTextEditor;
      const { broughtPlanSource } = await import('../../core/plan/brought');
      const source = ed ? broughtPlanSource({ fileName: ed.document.fileName, text: ed.document.getText(), selection: ed.document.getText(ed.selection) }) : 'pick';
      if (uri) {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        name = uri.path.split('/').pop() ?? 'file';
      } else if (ed && source === 'selection') {
        text = ed.document.getText(ed.selection);
        name = 'the selection';
      } else if (ed && source === 'document') {
        text = ed.document.getText();
        name = ed.document.fileName.split(/[\\/]/).pop() ?? 'file';
      } else {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open Plan', filters: { 'Plans and logs': ['plan', 'explain', 'txt', 'json', 'log', 'csv'], 'All files': ['*'] } });
        if (!picked?.length) return;
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0]));
        name = picked[0].path.split('/').pop() ?? 'file';
      }
    }
    const read = await this.readBroughtPlan(text, name, async (logged) => {
      const slowest = [...logged].sort((a, b) => b.durationMs - a.durationMs);
      const pick = await vscode.window.showQuickPick(
        slowest.map((l) => ({ label: `${l.durationMs.toFixed(3)} ms`, description: l.at ?? `line ${l.line}`, detail: (l.query ?? '(no query text)').slice(0, 200), entry: l })),
        { title: `${name}: ${logged.length} auto_explain plan(s), slowest first`, placeHolder: 'Choose the plan to open' },
      );
      return pick?.entry;
    });
    if (!read) return;
    if (typeof read === 'string') {
      // SQL where a plan was expected (a statement selected, a .sql file): offer its plan, as Open Plan gives it.
      const [{ statementInsteadOfPlan }, { loadPgParser }] = await Promise.all([import('../../core/plan/brought'), import('../../core/sql/statement')]);
      await loadPgParser();
      const sql = statementInsteadOfPlan(text, name);
      if (!sql) return void vscode.window.showErrorMessage(`PG Lens: cannot open the plan from ${name}: ${read}`);
      const action = 'Open Its Plan';
      if ((await vscode.window.showInformationMessage(`PG Lens: ${sql.line}`, action)) !== action) return;
      return void (await this.openStatementPlan({ sql: sql.sql, title: planTitle(sql.sql) }));
    }
    const payload = read;
    this.remember(payload);
    const panel = PlanPanel.show(this.ctx.extension.extensionUri, this.handler);
    panel.statement = undefined;
    panel.post({ type: 'show', payload });
  }

  /**
   * A brought plan's payload: text or JSON of one plan, or an auto_explain log (`choose` picks the
   * entry). A string is the reader's one-line reason when the text is not a plan; undefined when
   * nothing was chosen. Connected, the catalog adds table sizes and the foreign keys behind trigger
   * times (this never connects).
   */
  private async readBroughtPlan(text: string, name: string, choose: (logged: LoggedPlan[]) => Promise<LoggedPlan | undefined>): Promise<PlanPayload | string | undefined> {
    const { readPlanLog, analyzePlan, PlanParseError } = await import('../../core/plan');
    let source = text;
    let title = `from ${name}`;
    const logged = readPlanLog(text);
    if (logged.length) {
      const entry = await choose(logged);
      if (!entry) return undefined;
      source = entry.source;
      title = `${name} #${entry.index} (${entry.durationMs.toFixed(1)} ms)`;
    }
    // Modelled once: with the catalog's facts when connected (db/explain planWithFacts, as Explain Analyze's run reads them).
    const conn = this.ctx.connections.current;
    let brought: Pick<PlanWithFacts, 'plan' | 'facts' | 'factsError'>;
    try {
      brought = conn ? await (await import('../../db/explain')).planWithFacts(conn.db, source) : { plan: analyzePlan(source) };
    } catch (e) {
      if (e instanceof PlanParseError) return e.message;
      throw e;
    }
    const plan = brought.plan.source;
    const payload: PlanPayload = { title, sql: typeof plan['Query Text'] === 'string' ? (plan['Query Text'] as string) : '', plan, method: 'brought', at: Date.now() };
    if (conn && brought.factsError !== undefined) this.ctx.log.warn(`catalog facts for a brought plan: ${errorMessage(brought.factsError)}`);
    else if (conn && brought.facts) {
      try {
        payload.relationRows = brought.facts.relationRows;
        payload.relationIndexes = brought.facts.relationIndexes;
        payload.foreignKeys = brought.facts.foreignKeys;
        payload.connection = conn.profile.name;
        // The indexes proved for the workspace's statements: a tip on a scan of the same table and columns names its proof (person27).
        const proved = this.ctx.indexAdvice?.provedForAny();
        if (proved?.length) payload.provedIndexes = proved;
      } catch (e) {
        this.ctx.log.warn(`catalog facts for a brought plan: ${errorMessage(e)}`);
      }
    }
    return payload;
  }

  /**
   * A .plan / .explain file opened in the viewer (the default editor of those files): a read-only
   * view over the text document that follows its edits. Text that is not a plan reopens in the
   * text editor with the reader's one-line reason; an edit that breaks the plan shows that reason
   * in the viewer until the text reads again.
   */
  private async resolvePlanFile(doc: vscode.TextDocument, webviewPanel: vscode.WebviewPanel): Promise<void> {
    const view = PlanPanel.attach(webviewPanel, this.ctx.extension.extensionUri, this.handler);
    const name = doc.uri.path.split('/').pop() ?? 'file';
    const slowest = async (logged: LoggedPlan[]) => (await import('../../core/plan')).pickLoggedPlan(logged);
    let version = -1;
    const render = async (first: boolean): Promise<void> => {
      if (doc.version === version) return;
      version = doc.version;
      const read = await this.readBroughtPlan(doc.getText(), name, slowest);
      if (version !== doc.version) return; // edited meanwhile: the next render shows it
      if (typeof read === 'object') {
        view.post({ type: 'show', payload: read });
        return;
      }
      const why = read ?? 'no plan in it';
      if (!first) return view.post({ type: 'error', message: `${name} is not a plan PG Lens can read: ${why}` });
      void vscode.window.showInformationMessage(`PG Lens: ${name} opened as text, it is not a plan PG Lens can read: ${why}`);
      await vscode.commands.executeCommand('vscode.openWith', doc.uri, 'default', webviewPanel.viewColumn);
      webviewPanel.dispose();
    };
    let timer: NodeJS.Timeout | undefined;
    const changes = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== doc) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void render(false).catch((err) => view.post({ type: 'error', message: errorMessage(err) })), 300);
    });
    webviewPanel.onDidDispose(() => {
      if (timer) clearTimeout(timer);
      changes.dispose();
    });
    await render(true);
  }

  /** Explain Analyze's checks before it runs: one statement PostgreSQL can explain, and what it can call (from the catalog). */
  private async analyzeChecks(conn: ActiveConnection, sql: string, timing: Stopwatch) {
    const { explainAnalyze, checkSingleStatement, analyzeRisk } = await import('../../db/explain');
    timing.mark('modules');
    const checked = await checkSingleStatement(sql);
    timing.mark('statement check (PostgreSQL parser)');
    // From the catalog: what the statement can call (untrusted functions are refused here).
    const risk = await analyzeRisk(conn.db, checked.text, { trustFunctions: this.ctx.config.trustedFunctions });
    timing.mark('catalog risk check');
    return { checked, risk, explainAnalyze };
  }

  /**
   * With no value given before: per $n compared with a plain column, the middle of that column's histogram in pg_stats
   * (a typical value), else its most common value (parameterExamples: the
   * catalog facts the advice reads, one round trip), for the prompt to offer as an example. Empty when not connected,
   * when no statistics exist, or on any error (the prompt then asks as before).
   */
  private async exampleValues(sql: string): Promise<{ examples: Map<number, ParameterExample>; required: Map<number, string> }> {
    const out = { examples: new Map<number, ParameterExample>(), required: new Map<number, string>() };
    const conn = this.ctx.connections.current;
    if (!conn) return out;
    try {
      const { parameterExamples } = await import('../../db/catalog');
      return await parameterExamples(conn.db, sql);
    } catch (e) {
      this.ctx.log.warn(`example values from pg_stats: ${errorMessage(e)}`);
    }
    return out;
  }

  private async askParams(site: SqlSite, count: number, onShown?: () => void): Promise<unknown[] | undefined> {
    const values: unknown[] = [];
    // The user's last answer for this statement, else the values the app sent (a recording with values).
    const { loadPgParser } = await import('../../core/sql/statement');
    await loadPgParser();
    const before = this.ctx.params.get(site.sql, 'yours')?.values;
    // Say what the value is compared with ("customer_id = $1 (orders)"): "$1" alone tells a person nothing.
    const { parameterUses, isArrayParameter, arrayLiteralOf, valuePrompt, prefilledValue } = await import('../../core/sql/predicates');
    const uses = parameterUses(site.sql);
    const { examples, required } = await this.exampleValues(site.sql);
    if (before) examples.clear();
    for (let i = 1; i <= count; i++) {
      const last = before?.[i - 1];
      if (i === 1) onShown?.();
      const array = isArrayParameter(site.sql, i);
      // The code's name for it: the argument the call passes ($n, ?, %s), else the placeholder itself when it is one (`${user.id}`, `:name`).
      const param = site.params.find((p) => p.index === i);
      const argument = param?.argument ?? (param && !/^(\$\d+|\?|%s)$/.test(param.source.trim()) ? param.source.trim() : undefined);
      // A NOT NULL column's value (an INSERT's, an UPDATE's SET): no "Empty = NULL", and an empty answer is refused here.
      const must = required.get(i);
      const v = await vscode.window.showInputBox({ ...valuePrompt(uses, i, count, array, argument, examples.get(i), must, param?.value), value: before ? (last === undefined || last === null ? '' : String(last)) : prefilledValue(uses.get(i), examples.get(i), param?.value), ignoreFocusOut: true, ...(must ? { validateInput: (x: string) => (x === '' ? `${must} is NOT NULL: give a value` : undefined) } : {}) });
      if (v === undefined) return undefined;
      values.push(v === '' ? null : array ? arrayLiteralOf(v) : v);
    }
    this.ctx.params.remember(site.sql, values, 'yours');
    return values;
  }

  private async explainAnalyze(ref?: SiteRef, fromPanel?: PlanPanel, given?: PanelStatement): Promise<void> {
    const timing = stopwatch();
    const target = given ?? (await this.resolveSite(ref, fromPanel));
    if (!target) return void vscode.window.showInformationMessage(noStatementAtCursor(vscode.window.activeTextEditor));
    if (target === DISMISSED) return;
    timing.mark('site');
    const p = await this.getPlanner(true);
    if (!p) return;
    timing.mark('connection');
    if (p.conn.db.readOnly) return void vscode.window.showErrorMessage(`PG Lens: Explain Analyze is not allowed on "${p.conn.profile.name}": production profiles are read-only.`);
    // What running it would do (the catalog's risk check), and the confirmations that needs, before the values are asked:
    // the person types values only for a run they chose (person37 L1: four values typed, then "will EXECUTE this
    // statement"). The value prompt loads PostgreSQL's parser and reads the catalog's examples anyway.
    let checks: Awaited<ReturnType<typeof this.analyzeChecks>>;
    try {
      checks = await this.analyzeChecks(p.conn, target.site.sql, timing);
    } catch (e) {
      return void vscode.window.showErrorMessage(`PG Lens: ${errorMessage(e)}`);
    }
    const { checked, risk, explainAnalyze } = checks;
    this.ctx.log.info(`Explain Analyze: checks done ${timing.total()} ms after the command (${timing.steps()})`);
    const { analyzeConfirmations } = await import('../../core/confirm');
    for (const c of analyzeConfirmations({ ...risk, sideEffectDetail: risk.report.sideEffects.map((f) => `${f.signature}: ${f.sideEffect}`).join('\n') })) {
      const choice = await chooseDestructive(c.message, c.detail, c.labels);
      // The keeping button runs nothing and still answers: the estimated plan (EXPLAIN without ANALYZE, no values needed).
      if (choice === 'keep') return this.openPlanOf(target);
      if (choice !== 'confirm') return;
    }
    const allowSideEffects = risk.sideEffects;
    const n = maxParamIndex(target.site.sql);
    const params = n
      ? await this.askParams(target.site, n, () => {
          timing.mark('what $n is compared with');
          this.ctx.log.info(`Explain Analyze: value prompt shown ${timing.total()} ms after the command (${timing.steps()})`);
        })
      : [];
    if (!params) return;
    // The panel it was asked from, else the one showing this statement, else the plan panel.
    const panel = (fromPanel?.statement ? fromPanel : undefined) ?? PlanPanel.ofStatement(target) ?? PlanPanel.show(this.ctx.extension.extensionUri, this.handler);
    panel.statement = target;
    panel.post({ type: 'busy', message: 'Running Explain Analyze (rolled back)…' });
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: Explain Analyze (rolled back)', cancellable: true }, async (_progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      try {
        const r = await explainAnalyze(p.conn.db, checked.text, { params, allowDml: risk.needsConfirmation, allowSideEffects, trustFunctions: this.ctx.config.trustedFunctions, signal: ac.signal, statementTimeoutMs: Math.max(this.ctx.config.statementTimeoutMs, 30000), lockTimeoutMs: this.ctx.config.lockTimeoutMs });
        // The advice the hover proved for this statement (the one cache): the analysed plan's tips name the same index.
        const payload = await this.payloadOf(r, p.conn, `${planTitle(target.site.sql)} (analyze)`, target);
        if (params.length) payload.params = params.map((v) => (v === null ? null : String(v)));
        await this.addCalls(payload, p.conn);
        this.remember(payload);
        panel.post({ type: 'show', payload });
        this.ctx.log.info(`Explain Analyze on ${p.conn.profile.name} (rolled back): ${planTitle(checked.text)}`);
      } catch (e) {
        const cut = runFailure('Explain Analyze', e);
        panel.post({ type: 'error', message: cut.notify ? cut.line : errorMessage(e) });
        if (cut.notify) {
          this.ctx.log.warn(cut.line);
          void vscode.window.showErrorMessage(`PG Lens: ${cut.line}`);
        }
      }
    });
  }

  private async comparePlans(): Promise<void> {
    // The plans the open tabs show count too (a tab restored after a reload, a .plan file): they are plans the person sees.
    for (const shown of PlanPanel.shownPlans()) if (!this.history.includes(shown) && !this.history.some((h) => h.at === shown.at && h.title === shown.title)) this.history.push(shown);
    const byTime = () => [...this.history].sort((a, b) => b.at - a.at);
    const all = byTime();
    const { compareSubject, incomparableReason, afterNowOffers, statementDoubt } = await import('../../core/plan');
    const { loadPgParser, fingerprintSql } = await import('../../core/sql/statement');
    await loadPgParser();
    // From the statement at the cursor when there is one: its plans only, and said (person38 L10: the cursor's SELECT
    // was offered the last panel's DELETE, and its Explain Analyze then compared nothing without a word).
    const ed = vscode.window.activeTextEditor;
    const site = ed ? await this.ctx.sites.siteAt(ed.document, ed.document.offsetAt(ed.selection.active)) : undefined;
    const subject = compareSubject(all, site?.sql, fingerprintSql);
    const mine = subject.plans;
    // Its plans first, then the others' (listed as not comparable with it in the AFTER pick).
    const known = subject.statement ? [...mine, ...all.filter((h) => !mine.includes(h))] : all;
    if (all.length < 2 || (subject.statement && !mine.length)) {
      // Never nothing (person15): say what it needs in one line and offer the ways to a second plan, then compare.
      const { secondPlanWays } = await import('../../core/plan');
      const { line, ways } = secondPlanWays(mine, !!site, { statement: subject.statement, openPlans: all.length });
      const pick = await vscode.window.showQuickPick(ways, { title: `PG Lens: ${line}`, placeHolder: 'Choose where the second plan comes from' });
      if (!pick) return;
      if (pick.way !== 'others') {
        const count = this.history.length;
        if (pick.way === 'analyze') await this.explainAnalyze();
        else if (pick.way === 'open') await this.openPlan();
        else await this.bringPlan(pick.way);
        if (this.history.length <= count) return; // no plan came (each way said why)
        // The statement's plans now (a plan brought from a file or the clipboard counts when it is of that statement).
        const now = subject.statement ? compareSubject(byTime(), subject.statement, fingerprintSql).plans : byTime();
        if (!now.length) return void vscode.window.showInformationMessage(`PG Lens: not compared: the plan that came ("${planTitle(this.history[0].title)}") is of another statement than the one at the cursor ("${planTitle(subject.statement ?? '')}").`);
        if (now.length < 2) {
          const { onePlanOpenLine } = await import('../../core/plan');
          return void vscode.window.showInformationMessage(`PG Lens: ${onePlanOpenLine(subject.statement, now[0], (at) => new Date(at).toLocaleTimeString())}`);
        }
        return this.comparePair(now[1], now[0]);
      }
    }
    const where = (h: PlanPayload) => (h.connection ? ` · ${h.connection}` : '');
    const items = known.map((h, i) => ({ label: h.title, description: `${new Date(h.at).toLocaleTimeString()} · ${h.method}${where(h)}`, i }));
    const first = subject.statement && mine.length ? ` (the statement at the cursor first: "${planTitle(subject.statement)}")` : '';
    const before = await vscode.window.showQuickPick(items, { title: `Compare plans: BEFORE${first}`, placeHolder: 'The plan to compare from', ignoreFocusOut: true });
    if (!before) return;
    // Like with like: the same statement on the same server first; the others are listed (said so) and refused when picked.
    const reasonFor = (i: number) => incomparableReason(known[before.i], known[i], fingerprintSql);
    // A brought plan whose statement cannot be told (no query text, no matching Query Identifier): listed after the
    // known ones and marked so (person29 M2), never compared silently.
    const rest = items.filter((x) => x.i !== before.i).map((x) => ({ ...x, why: reasonFor(x.i), doubt: statementDoubt(known[before.i], known[x.i]) }));
    const comparable = rest.filter((x) => !x.why && !x.doubt);
    const afterItems: { label: string; description?: string; detail?: string; i: number; why?: string; planNow?: 'analyze' | 'explain' }[] = [
      ...comparable,
      ...rest.filter((x) => !x.why && x.doubt).map((x) => ({ ...x, detail: 'Cannot tell whether it is the same statement' })),
      ...rest.filter((x) => x.why).map((x) => ({ ...x, detail: /^these are two different statements/.test(x.why!) ? 'Another statement: not comparable' : 'Another server: not comparable' })),
    ];
    // Plan it now (EXPLAIN, estimated) and compare, in one step (person28 L7): first when no second plan is known to be of
    // the statement, else right after those plans — Enter still compares the two plans made (person11 Q10), and the after
    // made now, after the change, is one step away (person54 L-6: with plans open it was not offered at all);
    // after an analysed BEFORE, Explain Analyze it first (person45 L5: an analysed plan was compared with an estimate).
    const current = this.ctx.connections.current;
    const offers = afterNowOffers(known[before.i], current?.profile.name, { readOnly: current?.db.readOnly });
    afterItems.splice(comparable.length, 0, ...offers.map((o) => ({ label: o.label, detail: o.detail, i: -1, planNow: o.way })));
    const after = await vscode.window.showQuickPick(afterItems, { title: 'Compare plans: AFTER', placeHolder: 'The same statement after a change', ignoreFocusOut: true });
    if (!after) return;
    if (after.planNow === 'analyze') return this.analyzeNowAndCompare(known[before.i], ed && site ? { site, uri: ed.document.uri } : undefined);
    if (after.planNow) return this.planNowAndCompare(known[before.i]);
    // One line, and no comparison: a ratio between two statements or two servers is not a before/after.
    if (after.why) return void vscode.window.showWarningMessage(`PG Lens: not compared: ${after.why}`);
    return this.comparePair(known[before.i], known[after.i]);
  }

  /**
   * The BEFORE plan's statement planned now on the current connection — EXPLAIN only, estimated (nothing runs, so never
   * ANALYZE on a production profile) — kept in the history like any plan, then compared with it.
   */
  private async planNowAndCompare(before: PlanPayload): Promise<void> {
    const p = await this.getPlanner(true);
    if (!p) return;
    const sql = before.adviceSql ?? before.sql;
    const outcome: PlanOutcome = await p.planner.plan(sql);
    if (!outcome.ok) {
      const where = unknownNameNote(outcome.code, p.conn.profile);
      return void vscode.window.showWarningMessage(`PG Lens: could not plan the statement: ${outcome.message}${where ? ` ${where}` : ''}`);
    }
    const payload = await this.payloadOf(outcome.result, p.conn, planTitle(sql), undefined, sql);
    this.remember(payload);
    return this.comparePair(before, payload);
  }

  /**
   * The BEFORE plan's statement run now with Explain Analyze — the command itself: its confirmations for a write or a
   * side effect, its value prompts, rolled back — then compared with it. `atCursor`: the statement at the cursor, used
   * when it is the BEFORE's (its values' names); else the statement as text.
   */
  private async analyzeNowAndCompare(before: PlanPayload, atCursor?: PanelStatement): Promise<void> {
    const sql = before.adviceSql ?? before.sql;
    const count = this.history.length;
    await this.explainAnalyze(undefined, undefined, atCursor?.site.sql === sql ? atCursor : { site: recordedSite(sql) });
    // Not run (declined, a value prompt dismissed, a failure said in its panel): nothing to compare.
    if (this.history.length <= count) return;
    return this.comparePair(before, this.history[0]);
  }

  /** The comparison of two plans in the comparison tab, the earlier as before; two statements or two servers refused in one line. */
  private async comparePair(first: PlanPayload, second: PlanPayload): Promise<void> {
    const { incomparableReason } = await import('../../core/plan');
    const { loadPgParser, fingerprintSql } = await import('../../core/sql/statement');
    await loadPgParser();
    const why = incomparableReason(first, second, fingerprintSql);
    if (why) return void vscode.window.showWarningMessage(`PG Lens: not compared: ${why}`);
    // Before is the earlier plan, whichever was picked first (the list is newest first: Enter, Enter compared backwards).
    const { withProvedIndexes, inTimeOrder } = await import('../../core/plan');
    const order = inTimeOrder(first, second);
    if (order.swapped) void vscode.window.showInformationMessage(`PG Lens: compared in the order the plans were made: "${order.before.title}" (${new Date(order.before.at).toLocaleTimeString()}) before "${order.after.title}" (${new Date(order.after.at).toLocaleTimeString()}).`);
    // One saving and one index name on both sides and in the viewer: a plan kept from before the index was proved gets the proof.
    const b = order.before;
    // A pasted plan (no statement of the code) keeps its own tips; the others read the advice again, by the code's text.
    const key = b.adviceSql ?? order.after.adviceSql ?? (b.method === 'brought' ? undefined : b.sql);
    const [pb, pa] = withProvedIndexes(b, order.after, key === undefined ? {} : this.adviceNow(key));
    PlanPanel.showComparison(this.ctx.extension.extensionUri, this.handler).post({ type: 'compare', before: pb, after: pa });
  }

  private async benchmarkQuery(ref?: SiteRef, fromPanel?: PlanPanel): Promise<void> {
    const target = await this.resolveSite(ref, fromPanel);
    if (!target) return void vscode.window.showInformationMessage(noStatementAtCursor(vscode.window.activeTextEditor));
    if (target === DISMISSED) return;
    const p = await this.getPlanner(true);
    if (!p) return;
    // Kept open when the focus moves: Benchmark is also a button of the plan viewer, whose webview takes the focus
    // back after the click and closed the prompt at once (the benchmark silently did not run).
    const runs = Number(await vscode.window.showInputBox({ title: 'Benchmark: executions', value: '100', ignoreFocusOut: true, validateInput: (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) <= 100000 ? undefined : '1 to 100000') }));
    if (!runs) return;
    const conc = Number(await vscode.window.showInputBox({ title: 'Benchmark: concurrent sessions', value: '1', ignoreFocusOut: true, validateInput: (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) <= 64 ? undefined : '1 to 64') }));
    if (!conc) return;
    const { benchmark } = await import('../../db/benchmark');
    const { parameterCount, checkSingleStatement } = await import('../../db/explain');
    let params: unknown[] | undefined = [];
    try {
      const n = parameterCount((await checkSingleStatement(target.site.sql)).text);
      params = n ? await this.askParams(target.site, n) : [];
    } catch (e) {
      return void vscode.window.showErrorMessage(`PG Lens: ${errorMessage(e)}`);
    }
    if (!params) return;
    // Its own statement's panel: the one it was asked from, else the one showing it, else one of its own (never another
    // statement's plan).
    const panel = (fromPanel?.statement ? fromPanel : undefined) ?? PlanPanel.forStatement(this.ctx.extension.extensionUri, this.handler, target);
    panel.statement = target;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: benchmark (read-only, rolled back)', cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      try {
        let last = 0;
        panel.benchmarkRunning(target.site.sql, 0, runs);
        const run = await benchmark(p.conn.db, target.site.sql, { runs, concurrency: conc, params, signal: ac.signal, onProgress: (d, t) => {
          const pct = Math.floor((d / t) * 100);
          if (pct > last) {
            progress.report({ increment: pct - last, message: `${d}/${t}` });
            panel.benchmarkRunning(target.site.sql, d, t);
          }
          last = pct;
        } });
        panel.benchmarkEnded();
        const previous = this.benchmarks.get(run.sql);
        const shown: BenchmarkRunSummary = { ...run, params: (params ?? []).map((v) => (v === null ? null : String(v))) };
        this.benchmarks.set(run.sql, shown);
        panel.post({ type: 'benchmark', run: shown, previous });
      } catch (e) {
        // Beside the plan, which stays: a value PostgreSQL refuses replaced the plan with the error.
        const cut = runFailure('The benchmark', e);
        panel.benchmarkEnded();
        panel.post({ type: 'benchmarkError', message: cut.notify ? cut.line : errorMessage(e) });
        if (cut.notify) {
          this.ctx.log.warn(cut.line);
          void vscode.window.showErrorMessage(`PG Lens: ${cut.line}`);
        }
      }
    });
  }
}

/** A run that failed, in the one wording (core/connection/status unfinishedRunLine): said as a notification too when the session was lost. */
function runFailure(action: string, e: unknown): { line: string; notify: boolean } {
  const code = (e as { code?: unknown } | undefined)?.code;
  return unfinishedRunLine(action, { message: errorMessage(e), ...(typeof code === 'string' ? { code } : {}) });
}

/** Milliseconds between the steps of a command, for the output channel (where the wait of a command goes). */
interface Stopwatch {
  mark(step: string): void;
  total(): number;
  steps(): string;
}

function stopwatch(): Stopwatch {
  const t0 = Date.now();
  let last = t0;
  const parts: string[] = [];
  return {
    mark(step) {
      const now = Date.now();
      parts.push(`${step} ${now - last} ms`);
      last = now;
    },
    total: () => Date.now() - t0,
    steps: () => parts.join(', '),
  };
}

/** A plan's title: the statement on one line, cut at a word (person23 LOW 8: the first line of a multi-line statement
 * alone, "SELECT id, status, total_cents, placed_at", read like another query, with no FROM). */
function planTitle(sql: string): string {
  return shortLine(sql, 60);
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** A diagnostic's severity as the core names it. */
const SEVERITY_NAME: Record<vscode.DiagnosticSeverity, string> = { [vscode.DiagnosticSeverity.Error]: 'error', [vscode.DiagnosticSeverity.Warning]: 'warning', [vscode.DiagnosticSeverity.Information]: 'info', [vscode.DiagnosticSeverity.Hint]: 'hint' };

function commandUri(id: string, ref: SiteRef): string {
  return `command:${id}?${encodeURIComponent(JSON.stringify([ref]))}`;
}

/** A DELETE's or UPDATE's calls (db/queryStats writeStatementCalls, shared with `pg-lens explain`). */
async function writeCalls(json: Record<string, unknown>, sql: string, conn: ActiveConnection, log: (m: string) => void): Promise<number | undefined> {
  const { writeStatementCalls } = await import('../../db/queryStats');
  return writeStatementCalls(conn.db, json, sql, log);
}

/** Markdown of the hover: the plan in brief, or the server's error in one line. */
async function hoverMarkdown(outcome: PlanOutcome, site: SqlSite, uri: vscode.Uri, conn: ActiveConnection, provedIndexes?: ProvedIndexFigure[], findings: { ruleId: string; message: string; severity: string }[] = [], howToFix?: { uri: string; help: string }, saidAbove: readonly string[] = [], noIndexAdvice?: { notWorkload?: string; advice?: string; findingOnLine?: boolean; pending?: boolean }, errorSaid = false): Promise<vscode.MarkdownString> {
  const [{ briefPlan, briefMarkdown, hoverNoIndexNote }, { hoverLeadLines }] = await Promise.all([import('../../core/plan/brief'), import('../../core/hoverLead')]);
  const ref = { uri: uri.toString(), offset: site.span.start };
  const md = new vscode.MarkdownString(undefined, true);
  const lead = hoverLeadLines(findings);
  if (lead.length) md.appendMarkdown(`${lead.join('  \n')}\n\n`);
  md.isTrusted = { enabledCommands: ['pgLens.openPlan', 'pgLens.explainAnalyze', 'pgLens.suggestIndexes', 'pgLens.selectConnection', OPEN_DOCS_COMMAND] };
  if (!outcome.ok) {
    if (errorSaid) return md;
    // The safety gate's refusals are PG Lens's decision, not PostgreSQL's (see docs/security.md).
    const refused = outcome.code === 'UNTRUSTED_FUNCTION' || outcome.code === 'SIDE_EFFECTS';
    const { splicedPlaceholderReason } = await import('../../core/plan/brief');
    const spliced = refused ? undefined : splicedPlaceholderReason(outcome.message, site.params, site.splicedNames);
    if (spliced) md.appendMarkdown(`$(info) **PG Lens cannot plan this statement:** ${escapeMd(spliced)}`);
    else {
      const where = unknownNameNote(outcome.code, conn.profile);
      md.appendMarkdown(`$(error) **${refused ? 'PG Lens did not plan this statement' : 'PostgreSQL cannot plan this statement'}:** ${escapeMd(where ? `${outcome.message} ${where}` : outcome.message)}`);
      if (where) md.appendMarkdown(` [Select Connection](command:pgLens.selectConnection)`);
    }
    return md;
  }
  const r = outcome.result;
  // The index the advice proved for this statement, named in the plan's tips as in the viewer (one advice on every surface).
  // A DELETE's or UPDATE's calls, for the tips' one judgement whether an index is worth it (person40 M1: tip 2 said "not
  // worth it for a one-off statement" while the hover offered the index): the hover says that judgement, as the viewer.
  const calls = await writeCalls(r.json, r.sql, conn, () => undefined);
  const plan = provedIndexes?.length || calls !== undefined ? (await import('../../core/plan')).analyzePlanWith(r.json, r, { provedIndexes, statementCalls: calls }) : r.plan;

  // Two of the plan's warnings at most (the viewer has them all): the hover stays inside its box.
  md.appendMarkdown(briefMarkdown(briefPlan(plan, 3, saidAbove), {
    openPlan: commandUri('pgLens.openPlan', ref),
    // Not offered where it would be refused: a production profile is read-only (person26 LOW 10).
    explainAnalyze: conn.db.readOnly ? undefined : commandUri('pgLens.explainAnalyze', ref),
    suggestIndexes: commandUri('pgLens.suggestIndexes', ref),
    howToFix,
    noIndexAdvice: hoverNoIndexNote(plan, noIndexAdvice ?? {}),
  }, 2));
  if (r.method === 'generic-plan' || r.method === 'prepare-generic') {
    // Only the values the code names ("$1 = customerId"); a bare "$1 = $1" says nothing.
    // The argument a call passes for a positional placeholder names it too (`$2 = updationTime` in `db.Query(sql, userID, updationTime)`).
    const named = new Map<number, string>();
    for (const p of site.params) {
      const name = p.argument ?? (p.source.trim() !== `$${p.index}` && !/^(\?|%s)$/.test(p.source.trim()) ? p.source : undefined);
      if (name && !named.has(p.index)) named.set(p.index, name);
    }
    const ps = [...named].map(([n, name]) => `$${n} = ${escapeMd(name)}`).join(', ');
    md.appendMarkdown(`\n\n_Generic plan: parameter values unknown${ps ? ` (${ps})` : ''}._`);
  }
  if (site.dynamic) md.appendMarkdown('\n\n_Parts of this SQL are built at run time; the plan is for the text PG Lens could see._');
  return md;
}
