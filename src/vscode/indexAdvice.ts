/**
 * Index advice in the editor: the index advisor is one more analyzer of the one analysis pipeline
 * (analysis.ts: its `missing-index` findings go through the one diagnostic adapter and code-action
 * provider, with Create index now on development profiles, Add migration and Copy CREATE INDEX as
 * the finding's fixes). Its EXPLAINs run on open, save, connection and settings changes; while the
 * user types it reuses its last advice per SQL text (kept here, per connection), so its findings
 * follow the edits. Here too: the hover with the CREATE INDEX and the plan before/after, and the
 * commands pgLens.suggestIndexes and pgLens.adviseWorkload. Heavy modules load on first use.
 */
import { readWorkspaceFile } from './readWorkspaceFile';
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import { MISSING_INDEX_RULE } from '../core/advice/missingIndex';
import type { Analyzer } from '../core/scan';
import type { AdviceResult, IndexSuggestion } from '../db/advisor';
import type { Database } from '../db/database';
import type { PgLensContext } from './main';
import { DIAGNOSTIC_SOURCE, docsUri } from './findingActions';

/** Source files read for the workload advice (beyond them, pg_stat_statements speaks for the app). */
const WORKLOAD_MAX_FILES = 2000;

export function registerIndexAdvice(ctx: PgLensContext): void {
  const feature = new IndexAdvice(ctx);
  ctx.extension.subscriptions.push(feature, ctx.analysis.register(feature.analyzer()));
}

class IndexAdvice implements vscode.Disposable {
  /** The last advice per SQL text, for the connection it was proved on. */
  private advice: { db: Database; bySql: Map<string, AdviceResult> } | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly ctx: PgLensContext) {
    this.subs.push(
      ctx.connections.onDidChange(() => (this.advice = undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgLens.index')) this.advice = undefined;
      }),
      vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], { provideHover: (d, p) => this.hover(d, p) }),
      vscode.commands.registerCommand('pgLens.suggestIndexes', () => this.suggestCommand()),
      vscode.commands.registerCommand('pgLens.adviseWorkload', () => this.workloadCommand()),
      vscode.commands.registerCommand('pgLens.createIndexNow', (s: IndexSuggestion) => this.createNow(s)),
      vscode.commands.registerCommand('pgLens.copyCreateIndex', (s: IndexSuggestion) => this.copy(s)),
      vscode.commands.registerCommand('pgLens.addIndexMigration', (s: IndexSuggestion, uri?: vscode.Uri) => this.addMigration(s, uri)),
    );
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
  }

  /** The index advisor as an analyzer of the one pipeline (open documents and Scan Workspace). */
  analyzer(): Analyzer {
    return {
      id: MISSING_INDEX_RULE,
      rules: [],
      analyze: async (input) => {
        const conn = this.ctx.connections.current;
        if (!conn || conn.db.isClosed) return [];
        if (this.advice?.db !== conn.db) this.advice = { db: conn.db, bySql: new Map() };
        const { missingIndexAnalyzer } = await import('../db/missingIndexAnalyzer');
        const dev = conn.profile.environment === 'development' && !conn.db.readOnly;
        return missingIndexAnalyzer(conn.db, { ...this.adviseOptions(conn.info), advice: this.advice.bySql, createNow: dev, log: (l) => this.ctx.log.info(l) }).analyze(input);
      },
    };
  }

  private adviseOptions(info: { versionNum: number; hypopg: 'ready' | 'available' | 'unavailable'; pgTrgm: 'ready' | 'available' | 'unavailable' }) {
    return {
      info,
      minCostReduction: this.ctx.config.indexMinCostReduction,
      maxTableSizeMb: this.ctx.config.indexMaxTableSizeMb,
      trustFunctions: this.ctx.config.trustedFunctions,
    };
  }

  /** The missing-index diagnostic under the cursor (the one collection) and the advice behind it. */
  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const diag = vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === DIAGNOSTIC_SOURCE && (d.code as { value?: unknown } | undefined)?.value === MISSING_INDEX_RULE && d.range.contains(pos));
    if (!diag || !this.advice) return undefined;
    const site = await this.ctx.sites.siteAt(doc, doc.offsetAt(diag.range.start));
    const advice = site && this.advice.bySql.get(site.sql);
    if (!advice?.suggestions.length) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.supportThemeIcons = true;
    for (const s of advice.suggestions) {
      md.appendMarkdown(`**$(lightbulb) Missing index** — `);
      md.appendText(s.summary);
      md.appendMarkdown('\n\n');
      if (s.needsExtension) md.appendCodeblock(`CREATE EXTENSION IF NOT EXISTS ${s.needsExtension};`, 'sql');
      md.appendCodeblock(`${s.ddl};`, 'sql');
      md.appendText(`Why: ${s.reason}. `);
      md.appendText(s.verifiedBy === 'hypopg' ? 'Proved with HypoPG (a hypothetical index).' : s.verifiedBy === 'transaction' ? 'Proved with a real index built and rolled back in a transaction.' : 'Not verified: the planner could not try it on this connection.');
      if (s.indexSizeBytes) md.appendText(` Estimated size: ${formatBytes(s.indexSizeBytes)}.`);
      md.appendMarkdown('\n\nPlan before:\n');
      md.appendCodeblock(s.planBefore.join('\n'), 'text');
      if (s.planAfter.length) {
        md.appendMarkdown('Plan with the index:\n');
        md.appendCodeblock(s.planAfter.join('\n'), 'text');
      }
    }
    md.appendMarkdown(`[Rule: missing-index](${docsUri(MISSING_INDEX_RULE).toString()})`);
    return new vscode.Hover(md, diag.range);
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
      this.advice = undefined;
      this.ctx.analysis.refreshAll();
    } else {
      void vscode.window.showErrorMessage(`PG Lens: ${result.message}`);
    }
  }

  private async addMigration(s: IndexSuggestion, from?: vscode.Uri): Promise<void> {
    if (!isSuggestion(s)) return;
    from ??= vscode.window.activeTextEditor?.document.uri;
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
      // The one file walker (.gitignore and pgLens.exclude honoured as the CLI and Scan Workspace do).
      const [{ extractSqlSites }, { walkSourceFiles, readSourceText }] = await Promise.all([import('../core/extract/index'), import('../node/walk')]);
      let files = 0;
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        for await (const f of walkSourceFiles([folder.uri.fsPath], { exclude: this.ctx.config.exclude, maxFileSizeBytes: this.ctx.config.maxFileSizeKb * 1024 })) {
          if (++files > WORKLOAD_MAX_FILES) break;
          const text = await readSourceText(f.path);
          if (text === undefined) continue;
          const sites = await extractSqlSites(text, f.path, f.path);
          for (const s of sites) if (s.confidence >= 0.5) extra.push({ sql: s.sql, source: vscode.workspace.asRelativePath(f.path) });
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

/** Command arguments come from our own code actions, but commands can be invoked by anyone: check the shape. */
function isSuggestion(s: unknown): s is IndexSuggestion {
  const x = s as IndexSuggestion;
  return !!x && typeof x.ddl === 'string' && /^CREATE INDEX CONCURRENTLY /.test(x.ddl) && typeof x.name === 'string' && typeof x.schema === 'string' && typeof x.table === 'string' && Array.isArray(x.columns);
}
