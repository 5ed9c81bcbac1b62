/**
 * Index advice in the editor: the `missing-index` diagnostic on SQL sites (own collection,
 * Diagnostic.code = rule id), a hover with the CREATE INDEX and the plan before/after, code
 * actions (Create index now, Copy CREATE INDEX, Add migration) and the commands
 * pgLens.suggestIndexes and pgLens.adviseWorkload.
 *
 * Analysis runs on open/save and when the connection changes, one statement at a time on a
 * background queue; nothing here blocks the extension host. Heavy modules load on first use.
 */
import { readWorkspaceFile } from './readWorkspaceFile';
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import type { SqlSite } from '../core/extract/types';
import type { Finding } from '../core/findings';
import type { AdviceResult, IndexSuggestion } from '../db/advisor';
import type { PgLensContext } from './main';

const MISSING_INDEX = 'missing-index';
const DOCS = 'https://github.com/pg-lens/pg-lens/blob/main/docs/rules/missing-index.md';

interface SiteAdvice {
  site: SqlSite;
  finding: Finding;
  range: vscode.Range;
  advice: AdviceResult;
  /** Where this site is ("src/orders.ts:28"), for the other sites an index serves. */
  label: string;
  /** Per suggested index name: the other sites the same index serves (proved by the planner). */
  shared: Map<string, string[]>;
}

interface DocState {
  version: number;
  results: SiteAdvice[];
}

export function registerIndexAdvice(ctx: PgLensContext): void {
  const feature = new IndexAdvice(ctx);
  ctx.extension.subscriptions.push(feature);
  // Scan Workspace reports missing-index too, on closed files, while a connection is active.
  ctx.extension.subscriptions.push(
    ctx.analysis.register({
      id: 'missing-index',
      rules: [],
      async analyze(input) {
        const conn = ctx.connections.current;
        if (!conn || conn.db.isClosed || vscode.workspace.textDocuments.some((d) => d.uri.fsPath === input.file)) return [];
        const { missingIndexAnalyzer } = await import('../db/missingIndexAnalyzer');
        const a = missingIndexAnalyzer(conn.db, { info: conn.info, minCostReduction: ctx.config.indexMinCostReduction, maxTableSizeMb: ctx.config.indexMaxTableSizeMb, log: (l) => ctx.log.info(l) });
        return a.analyze(input);
      },
    }, { scanOnly: true }),
  );
}

class IndexAdvice implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('pg-lens-index');
  private readonly state = new Map<string, DocState>();
  private readonly subs: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, vscode.TextDocument>();
  private generation = 0;
  /** Whether another site's wider index serves a statement: keyed by that index's DDL and the statement (null: it does not). */
  private readonly mergeProofs = new Map<string, IndexSuggestion | null>();

  constructor(private readonly ctx: PgLensContext) {
    const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];
    this.subs.push(
      this.diagnostics,
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.state.delete(d.uri.toString());
        this.diagnostics.delete(d.uri);
      }),
      ctx.connections.onDidChange(() => this.rerunAll()),
      vscode.languages.registerHoverProvider(selector, { provideHover: (d, p) => this.hover(d, p) }),
      vscode.languages.registerCodeActionsProvider(selector, { provideCodeActions: (d, r, c) => this.codeActions(d, r, c) }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.commands.registerCommand('pgLens.suggestIndexes', () => this.suggestCommand()),
      vscode.commands.registerCommand('pgLens.adviseWorkload', () => this.workloadCommand()),
      vscode.commands.registerCommand('pgLens.createIndexNow', (s: IndexSuggestion) => this.createNow(s)),
      vscode.commands.registerCommand('pgLens.copyCreateIndex', (s: IndexSuggestion) => this.copy(s)),
      vscode.commands.registerCommand('pgLens.addIndexMigration', (s: IndexSuggestion, uri?: vscode.Uri | string) => this.addMigration(s, uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgLens.index') || e.affectsConfiguration('pgLens.rules.severity')) this.rerunAll();
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d);
  }

  dispose(): void {
    this.generation++;
    this.subs.forEach((s) => s.dispose());
  }

  private interesting(d: vscode.TextDocument): boolean {
    return (d.uri.scheme === 'file' || d.uri.scheme === 'untitled') && d.getText().length <= this.ctx.config.maxFileSizeKb * 1024;
  }

  private rerunAll(): void {
    this.generation++;
    this.state.clear();
    this.mergeProofs.clear();
    this.diagnostics.clear();
    for (const d of vscode.workspace.textDocuments) this.schedule(d);
  }

  /** Queue one document; repeated requests collapse; the queue runs in the background. */
  private schedule(doc: vscode.TextDocument): void {
    if (!this.interesting(doc)) return;
    const key = doc.uri.toString();
    const already = this.pending.has(key);
    this.pending.set(key, doc);
    if (already) return;
    const gen = this.generation;
    this.queue = this.queue.then(async () => {
      const d = this.pending.get(key);
      this.pending.delete(key);
      if (!d || d.isClosed || gen !== this.generation) return;
      try {
        await this.analyse(d, gen);
      } catch (e) {
        this.ctx.log.warn(`index advice for ${d.uri.fsPath}: ${(e as Error).message}`);
      }
    });
  }

  private async analyse(doc: vscode.TextDocument, gen: number): Promise<void> {
    const conn = this.ctx.connections.current;
    if (!conn || conn.db.isClosed) {
      this.diagnostics.delete(doc.uri);
      return;
    }
    const version = doc.version;
    const sites = (await this.ctx.sites.sitesFor(doc)).filter((s) => s.confidence >= 0.5);
    if (!sites.length) {
      this.diagnostics.delete(doc.uri);
      return;
    }
    const { adviseStatement } = await import('../db/advisor');
    const { missingIndexFinding } = await import('../core/advice/missingIndex');
    const opts = this.adviseOptions(conn.info);
    const results: SiteAdvice[] = [];
    for (const site of sites) {
      if (gen !== this.generation || doc.isClosed || doc.version !== version) return;
      let advice: AdviceResult;
      try {
        advice = await adviseStatement(conn.db, site.sql, undefined, { ...opts, log: (l) => this.ctx.log.info(l) });
      } catch (e) {
        this.ctx.log.info(`index advice skipped a statement in ${doc.uri.fsPath}: ${(e as Error).message}`);
        continue;
      }
      if (advice.status === 'error' || advice.status === 'missing-table' || advice.status === 'unparsed') {
        this.ctx.log.info(`index advice: ${doc.uri.fsPath} offset ${site.span.start}: ${advice.message}`);
      }
      const finding = missingIndexFinding(site, advice);
      if (!finding) continue;
      const range = new vscode.Range(doc.positionAt(finding.span.start), doc.positionAt(finding.span.end));
      results.push({ site, finding, range, advice, label: `${vscode.workspace.asRelativePath(doc.uri)}:${range.start.line + 1}`, shared: new Map() });
    }
    if (gen !== this.generation || doc.version !== version) return;
    this.state.set(doc.uri.toString(), { version, results });
    await this.publish(doc, results);
    await this.mergeOverlaps(gen);
  }

  /**
   * Overlapping suggestions across sites (open documents): when one site wants (a) and another
   * (a, b) on the same table, the planner tries (a, b) on the first site's statement; when it is used
   * there and cuts the cost enough, both sites suggest the one index, and each says the other is served.
   */
  private async mergeOverlaps(gen: number): Promise<void> {
    const conn = this.ctx.connections.current;
    if (!conn || conn.db.isClosed) return;
    const { extendsIndex } = await import('../core/advice/workload');
    const { candidateFromSuggestion } = await import('../core/advice/indexCandidates');
    const { missingIndexFinding } = await import('../core/advice/missingIndex');
    const all = [...this.state.entries()].flatMap(([uri, st]) => st.results.map((r) => ({ uri, r })));
    const touched = new Set<string>();
    for (const a of all) {
      for (const [i, narrow] of a.r.advice.suggestions.entries()) {
        for (const b of all) {
          if (b.r === a.r) continue;
          const wide = b.r.advice.suggestions.find((w) => w.ddl !== narrow.ddl && extendsIndex(w, narrow));
          if (!wide) continue;
          const key = `${wide.ddl}\u0000${a.r.site.sql}`;
          let proved = this.mergeProofs.get(key);
          if (proved === undefined) {
            const cand = candidateFromSuggestion(wide);
            if (!cand) continue;
            const { adviseStatement } = await import('../db/advisor');
            try {
              const r = await adviseStatement(conn.db, a.r.site.sql, undefined, { ...this.adviseOptions(conn.info), candidates: [cand], maxIndexes: 1 });
              proved = r.suggestions.find((x) => x.name === wide.name && x.verifiedBy !== 'none') ?? null;
            } catch (e) {
              this.ctx.log.info(`index advice: could not try ${wide.name} on ${a.r.label}: ${(e as Error).message}`);
              proved = null;
            }
            this.mergeProofs.set(key, proved);
          }
          if (gen !== this.generation) return;
          if (!proved) continue;
          a.r.advice = { ...a.r.advice, suggestions: a.r.advice.suggestions.map((x, k) => (k === i ? proved! : x)) };
          a.r.finding = missingIndexFinding(a.r.site, a.r.advice) ?? a.r.finding;
          a.r.shared.set(wide.name, [...new Set([...(a.r.shared.get(wide.name) ?? []), b.r.label])]);
          b.r.shared.set(wide.name, [...new Set([...(b.r.shared.get(wide.name) ?? []), a.r.label])]);
          touched.add(a.uri).add(b.uri);
          this.ctx.log.info(`index advice: ${wide.name} serves ${a.r.label} too (cost ${proved.costBefore} → ${proved.costAfter}); one index suggested for both instead of ${narrow.name}`);
          break;
        }
      }
    }
    for (const uri of touched) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      const st = this.state.get(uri);
      if (doc && st) await this.publish(doc, st.results);
    }
  }

  private adviseOptions(info: { versionNum: number; hypopg: 'ready' | 'available' | 'unavailable'; pgTrgm: 'ready' | 'available' | 'unavailable' }) {
    return {
      info,
      minCostReduction: this.ctx.config.indexMinCostReduction,
      maxTableSizeMb: this.ctx.config.indexMaxTableSizeMb,
      trustFunctions: this.ctx.config.trustedFunctions,
    };
  }

  private async publish(doc: vscode.TextDocument, results: SiteAdvice[]): Promise<void> {
    const { applySuppressions } = await import('../core/suppress');
    const findings: (Finding & { r: SiteAdvice })[] = results.map((r) => ({ ...r.finding, r }));
    const kept = applySuppressions(doc.getText(), findings, this.ctx.config.rulesSeverity) as (Finding & { r: SiteAdvice })[];
    const diags = kept.map((f) => {
      const d = new vscode.Diagnostic(f.r.range, f.message, toSeverity(f.severity));
      d.code = MISSING_INDEX;
      d.source = 'PG Lens';
      return d;
    });
    this.diagnostics.set(doc.uri, diags);
  }

  private resultAt(doc: vscode.TextDocument, pos: vscode.Position | vscode.Range): SiteAdvice | undefined {
    const st = this.state.get(doc.uri.toString());
    if (!st || st.version !== doc.version) return undefined;
    const at = pos instanceof vscode.Range ? pos.start : pos;
    const offset = doc.offsetAt(at);
    return st.results.find((r) => r.range.contains(at)) ?? st.results.find((r) => offset >= r.site.span.start && offset <= r.site.span.end);
  }

  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const r = this.resultAt(doc, pos);
    if (!r) return undefined;
    const flagged = (this.diagnostics.get(doc.uri) ?? []).some((d) => d.range.intersection(r.range));
    if (!flagged) return undefined;
    const { missingIndexHover } = await import('../core/advice/missingIndex');
    const conn = this.ctx.connections.current;
    const dev = !!conn && conn.profile.environment === 'development' && !conn.db.readOnly;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['pgLens.createIndexNow', 'pgLens.addIndexMigration'] };
    md.supportThemeIcons = true;
    const command = (id: string, args: unknown[]) => `command:${id}?${encodeURIComponent(JSON.stringify(args))}`;
    md.appendMarkdown(
      r.advice.suggestions
        .map((s) =>
          missingIndexHover(s, {
            // One action: build it now on a development profile, else a migration (the rest is in the quick-fix menu).
            action: dev ? { title: 'Create index now', uri: command('pgLens.createIndexNow', [s]) } : { title: 'Add migration', uri: command('pgLens.addIndexMigration', [s, doc.uri.toString()]) },
            docs: DOCS,
            alsoServes: r.shared.get(s.name),
          }),
        )
        .join('\n\n---\n\n'),
    );
    return new vscode.Hover(md, r.range);
  }

  private codeActions(doc: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const diags = context.diagnostics.filter((d) => d.code === MISSING_INDEX);
    if (!diags.length) return [];
    const r = this.resultAt(doc, diags[0].range);
    if (!r) return [];
    const out: vscode.CodeAction[] = [];
    const conn = this.ctx.connections.current;
    const dev = conn && conn.profile.environment === 'development' && !conn.db.readOnly;
    for (const s of r.advice.suggestions) {
      const label = `${s.table} (${s.columns.join(', ')})`;
      if (dev) {
        const a = new vscode.CodeAction(`Create index now: ${label}`, vscode.CodeActionKind.QuickFix);
        a.command = { command: 'pgLens.createIndexNow', title: a.title, arguments: [s] };
        a.diagnostics = diags;
        a.isPreferred = false;
        out.push(a);
      }
      const m = new vscode.CodeAction(`Add migration: ${label}`, vscode.CodeActionKind.QuickFix);
      m.command = { command: 'pgLens.addIndexMigration', title: m.title, arguments: [s, doc.uri] };
      m.diagnostics = diags;
      m.isPreferred = true;
      out.push(m);
      const c = new vscode.CodeAction(`Copy CREATE INDEX: ${label}`, vscode.CodeActionKind.QuickFix);
      c.command = { command: 'pgLens.copyCreateIndex', title: c.title, arguments: [s] };
      c.diagnostics = diags;
      out.push(c);
    }
    return out;
  }

  private async copy(s: IndexSuggestion): Promise<void> {
    if (!isSuggestion(s)) return;
    await vscode.env.clipboard.writeText(`${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};\n` : ''}${s.ddl};`);
    void vscode.window.showInformationMessage(`PG Lens: copied ${s.needsExtension ? 'CREATE EXTENSION and ' : ''}CREATE INDEX ${s.name} to the clipboard.`);
  }

  private async createNow(s: IndexSuggestion): Promise<void> {
    if (!isSuggestion(s)) return;
    const conn = this.ctx.connections.current;
    if (!conn) {
      void vscode.window.showWarningMessage('PG Lens: not connected.');
      return;
    }
    if (conn.profile.environment !== 'development' || conn.db.readOnly) {
      void vscode.window.showWarningMessage(`PG Lens: "${conn.profile.name}" is a ${conn.profile.environment} profile; indexes are created from the editor on development profiles only. Use "Add migration".`);
      return;
    }
    const go = 'Create index';
    const answer = await vscode.window.showWarningMessage(
      `Create this index on ${conn.profile.name}?`,
      { modal: true, detail: `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};\n` : ''}${s.ddl};\n\nCONCURRENTLY: writes to ${s.table} continue while it builds.` },
      go,
    );
    if (answer !== go) return;
    this.ctx.log.info(`Creating index on ${conn.profile.name}: ${s.ddl}`);
    const { createIndexConcurrently } = await import('../db/createIndex');
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PG Lens: creating ${s.name}`, cancellable: true },
      async (progress, token) => {
        let last = 0;
        return createIndexConcurrently(conn.db, {
          ddl: s.ddl, schema: s.schema, name: s.name, needsExtension: s.needsExtension,
          cancelled: token,
          onProgress: (p) => {
            const pct = p.fraction !== undefined ? Math.round(p.fraction * 100) : undefined;
            progress.report({ message: p.detail, increment: pct !== undefined && pct > last ? pct - last : undefined });
            if (pct !== undefined) last = Math.max(last, pct);
          },
        });
      },
    );
    this.ctx.log.info(result.message);
    if (result.ok) {
      void vscode.window.showInformationMessage(`PG Lens: ${result.message}${result.sizeBytes ? ` (${formatBytes(result.sizeBytes)})` : ''}`);
      this.rerunAll();
    } else {
      void vscode.window.showErrorMessage(`PG Lens: ${result.message}`);
    }
  }

  private async addMigration(s: IndexSuggestion, fromArg?: vscode.Uri | string): Promise<void> {
    if (!isSuggestion(s)) return;
    // From a hover link the document comes as a string.
    const from = typeof fromArg === 'string' ? vscode.Uri.parse(fromArg) : fromArg;
    const folder = (from && vscode.workspace.getWorkspaceFolder(from)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showWarningMessage('PG Lens: open a folder to add a migration to.');
      return;
    }
    const { detectMigrationTool, generateMigration } = await import('../core/advice/migrations');
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), '{**/node_modules/**,**/.git/**,**/dist/**,**/vendor/**,**/.venv/**}', 20000);
    const rel = (u: vscode.Uri) => vscode.workspace.asRelativePath(u, false).replace(/\\/g, '/');
    const files = uris.map(rel);
    const read = async (p: string) => {
      return readWorkspaceFile(vscode.Uri.joinPath(folder.uri, p));
    };
    const target = detectMigrationTool({ files, packageJson: await read('package.json'), gemfileLock: await read('Gemfile.lock') });
    const texts = new Map<string, string | undefined>();
    if (target.tool === 'prisma') texts.set(target.dir, await read(target.dir));
    const out = generateMigration(target, { ...s, where: s.where, reason: s.reason }, { now: new Date(), files, fileText: (p) => texts.get(p) });
    const edit = new vscode.WorkspaceEdit();
    const uriOf = (p: string) => vscode.Uri.joinPath(folder.uri, p);
    let open: vscode.Uri;
    if (out.kind === 'edit') {
      const doc = await vscode.workspace.openTextDocument(uriOf(out.path));
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), out.content);
      open = doc.uri;
    } else {
      for (const f of [{ path: out.path, content: out.content }, ...(out.extra ?? [])]) {
        edit.createFile(uriOf(f.path), { ignoreIfExists: false, contents: new TextEncoder().encode(f.content) });
      }
      open = uriOf(out.path);
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`PG Lens: could not write ${out.path}.`);
      return;
    }
    await vscode.window.showTextDocument(open);
    this.ctx.log.info(`Added a ${target.tool} migration: ${out.path}`);
    if (out.notes.length) void vscode.window.showInformationMessage(`PG Lens (${target.tool}): ${out.notes.join(' ')}`);
  }

  private async suggestCommand(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('PG Lens: open a file and put the cursor on a query (or select SQL) to suggest indexes for it.');
      return;
    }
    const conn = await this.ctx.connections.get({ interactive: true });
    if (!conn) {
      void vscode.window.showWarningMessage(`PG Lens: ${this.ctx.connections.error ?? 'not connected'}.`);
      return;
    }
    const doc = editor.document;
    const sel = editor.selection;
    const sql = !sel.isEmpty ? doc.getText(sel) : (await this.ctx.sites.siteAt(doc, doc.offsetAt(sel.active)))?.sql;
    if (!sql) {
      void vscode.window.showInformationMessage('PG Lens: no SQL statement under the cursor (select one to analyse it).');
      return;
    }
    const { adviseStatement } = await import('../db/advisor');
    const advice = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PG Lens: proving index candidates' }, () =>
      adviseStatement(conn.db, sql, undefined, this.adviseOptions(conn.info)),
    );
    if (!advice.suggestions.length) {
      const why = advice.status !== 'ok' ? advice.message : `no index cuts the estimated cost by ${Math.round(this.ctx.config.indexMinCostReduction * 100)}% or more${advice.considered ? ` (${advice.considered} candidates tried)` : ''}${advice.proofNote ? `; ${advice.proofNote}` : ''}`;
      void vscode.window.showInformationMessage(`PG Lens: ${why}.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      advice.suggestions.map((s) => ({ label: s.ddl, detail: s.summary, description: s.verifiedBy, s })),
      { title: 'PG Lens: suggested indexes', placeHolder: 'Pick one to act on' },
    );
    if (!picked) return;
    const dev = conn.profile.environment === 'development' && !conn.db.readOnly;
    const actions = ['Add migration', 'Copy CREATE INDEX', ...(dev ? ['Create index now'] : [])];
    const act = await vscode.window.showQuickPick(actions, { title: picked.s.ddl });
    if (act === 'Add migration') await this.addMigration(picked.s, doc.uri);
    else if (act === 'Copy CREATE INDEX') await this.copy(picked.s);
    else if (act === 'Create index now') await this.createNow(picked.s);
  }

  private async workloadCommand(): Promise<void> {
    const conn = await this.ctx.connections.get({ interactive: true });
    if (!conn) {
      void vscode.window.showWarningMessage(`PG Lens: ${this.ctx.connections.error ?? 'not connected'}.`);
      return;
    }
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PG Lens: advising indexes for the workload', cancellable: false }, async (progress) => {
      progress.report({ message: 'collecting SQL from the workspace' });
      const extra: { sql: string; source: string }[] = [];
      const uris = await vscode.workspace.findFiles('**/*.{sql,ts,tsx,js,jsx,py,go,java,rb}', '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/vendor/**,**/.venv/**}', 2000);
      const { extractSqlSites } = await import('../core/extract/index');
      for (const u of uris) {
        try {
          const text = await readWorkspaceFile(u, this.ctx.config.maxFileSizeKb * 1024);
          if (text === undefined) continue;
          const sites = await extractSqlSites(text, u.fsPath, u.fsPath);
          for (const s of sites) if (s.confidence >= 0.5) extra.push({ sql: s.sql, source: vscode.workspace.asRelativePath(u) });
        } catch {
          // unreadable file: skip
        }
      }
      progress.report({ message: `proving candidates for ${extra.length} workspace statements and pg_stat_statements` });
      const { adviseWorkload } = await import('../db/workload');
      return adviseWorkload(conn.db, { ...this.adviseOptions(conn.info), info: conn.info, extraStatements: extra, log: (l) => this.ctx.log.info(l) });
    });
    const lines = [`# PG Lens: index advice for the workload`, '', `${result.statementsAnalysed} statements analysed (${result.fromStatStatements} from pg_stat_statements, ${result.fromFiles} from the workspace).${result.note ? ` ${result.note}.` : ''}`, ''];
    if (!result.suggestions.length) lines.push('No index would help this workload enough to be worth its cost.');
    for (const s of result.suggestions) {
      lines.push(`## ${s.table} (${s.columns.join(', ')})`, '', '```sql', `${s.needsExtension ? `CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};\n` : ''}${s.ddl};`, '```', '', s.explanation, '');
      for (const st of s.statements) lines.push(`- ${st.label} — ${st.share}`);
      lines.push('');
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

function toSeverity(s: Finding['severity']): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}

/** Command arguments come from our own code actions, but commands can be invoked by anyone: check the shape. */
function isSuggestion(s: unknown): s is IndexSuggestion {
  const x = s as IndexSuggestion;
  return !!x && typeof x.ddl === 'string' && /^CREATE INDEX CONCURRENTLY /.test(x.ddl) && typeof x.name === 'string' && typeof x.schema === 'string' && typeof x.table === 'string' && Array.isArray(x.columns);
}
