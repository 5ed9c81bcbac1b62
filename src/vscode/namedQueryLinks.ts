/**
 * Go call sites of named queries (person9's P16): `c.q.GetSubscriber.Select(&out, id)` runs the query the field's
 * `query:"get-subscriber"` tag names, kept in a .sql file of named queries. The hover of such a call is the named
 * query's (core/languages/go/namedQueries). The workspace's tagged fields and named queries are read once per folder,
 * and read again after a .go or .sql file is saved.
 */
import * as vscode from 'vscode';
import type { SqlSite } from '../core/extract/types';
import { namedQueryFields, statementCallAt } from '../core/languages/go/namedQueries';
import { isNamedQueryFile, namedQueryHeads } from '../core/languages/sql/extract';
import type { PgLensContext } from './main';
import { readWorkspaceFile } from './readWorkspaceFile';

interface FolderIndex {
  /** Field name → query name. */
  fields: Map<string, string>;
  /** Query name → where its statement starts (the file and the offset after its header). */
  queries: Map<string, { file: string; at: number }>;
}

export class NamedQueryLinks implements vscode.Disposable {
  private readonly byFolder = new Map<string, Promise<FolderIndex>>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly ctx: Pick<PgLensContext, 'config' | 'sites' | 'log'>) {
    this.sub = vscode.workspace.onDidSaveTextDocument((d) => {
      if (/\.(go|sql)$/i.test(d.uri.fsPath)) this.byFolder.clear();
    });
  }

  /** The named query a Go call at `offset` runs, with the call's field name as the hover's range; undefined when none. */
  async siteAt(doc: vscode.TextDocument, offset: number): Promise<{ site: SqlSite; uri: vscode.Uri; range: vscode.Range } | undefined> {
    if (doc.languageId !== 'go') return undefined;
    const call = statementCallAt(doc.getText(), offset);
    const folder = call && vscode.workspace.getWorkspaceFolder(doc.uri);
    if (!call || !folder) return undefined;
    const index = await this.index(folder);
    const name = index.fields.get(call.field);
    const where = name === undefined ? undefined : index.queries.get(name);
    if (!where) return undefined;
    const uri = vscode.Uri.file(where.file);
    const sqlDoc = await vscode.workspace.openTextDocument(uri);
    const site = (await this.ctx.sites.sitesFor(sqlDoc)).find((s) => s.span.start >= where.at);
    if (!site) return undefined;
    return { site, uri, range: new vscode.Range(doc.positionAt(call.start), doc.positionAt(call.end)) };
  }

  private index(folder: vscode.WorkspaceFolder): Promise<FolderIndex> {
    const key = folder.uri.toString();
    let p = this.byFolder.get(key);
    if (!p) {
      p = this.read(folder).catch((e) => {
        this.ctx.log.warn(`named queries of ${folder.name}: ${String(e)}`);
        return { fields: new Map(), queries: new Map() };
      });
      this.byFolder.set(key, p);
    }
    return p;
  }

  private async read(folder: vscode.WorkspaceFolder): Promise<FolderIndex> {
    const { walkSourceFiles } = await import('../node/walk');
    const fields = new Map<string, string>();
    const queries = new Map<string, { file: string; at: number }>();
    const walk = walkSourceFiles([folder.uri.fsPath], { exclude: this.ctx.config.exclude, maxFileSizeBytes: this.ctx.config.maxFileSizeKb * 1024, filter: (f) => /\.(go|sql)$/i.test(f) });
    for await (const f of walk) {
      const text = await readWorkspaceFile(vscode.Uri.file(f.path));
      if (text === undefined) continue;
      if (/\.go$/i.test(f.path)) {
        for (const [field, name] of namedQueryFields(text)) if (!fields.has(field)) fields.set(field, name);
      } else if (isNamedQueryFile(text)) {
        for (const h of namedQueryHeads(text)) if (!queries.has(h.name)) queries.set(h.name, { file: f.path, at: h.end });
      }
    }
    return { fields, queries };
  }

  dispose(): void {
    this.sub.dispose();
  }
}
