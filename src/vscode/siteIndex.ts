/**
 * The SQL sites of open documents, cached per document version. Everything in the editor that needs
 * "the SQL in this file" or "the SQL under the cursor" asks here.
 */
import * as vscode from 'vscode';
import type { SqlSite } from '../core/extract/types';

export interface SqlSiteProvider {
  sitesFor(doc: vscode.TextDocument): Promise<SqlSite[]>;
  siteAt(doc: vscode.TextDocument, offset: number): Promise<SqlSite | undefined>;
  /** Fires with the document's URI when its sites were recomputed. */
  readonly onDidChange: vscode.Event<vscode.Uri>;
}

export class SqlSiteIndex implements SqlSiteProvider, vscode.Disposable {
  private readonly cache = new Map<string, { version: number; sites: Promise<SqlSite[]> }>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.subs.push(vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())));
  }

  sitesFor(doc: vscode.TextDocument): Promise<SqlSite[]> {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.sites;
    const sites = (async () => {
      const { extractSqlSites } = await import('../core/extract/index');
      try {
        return await extractSqlSites(doc.getText(), doc.languageId === 'sql' ? 'sql' : doc.fileName, doc.uri.fsPath);
      } catch {
        return [];
      }
    })();
    this.cache.set(key, { version: doc.version, sites });
    void sites.then(() => this.emitter.fire(doc.uri));
    return sites;
  }

  async siteAt(doc: vscode.TextDocument, offset: number): Promise<SqlSite | undefined> {
    const sites = await this.sitesFor(doc);
    return sites.find((s) => offset >= s.span.start && offset <= s.span.end);
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}
