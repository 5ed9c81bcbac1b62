/**
 * The editor's one source of workspace changes on disk: the ONE file-system watcher PG Lens creates (`**\/*`), its
 * events gathered per burst (a `git checkout` or an `npm ci` creates thousands of files: one batch a second at most
 * while they come, core/workspaceChanges ChangeBurst), paths in skipped folders (core/skippedFolders: node_modules, .git,
 * dist…) dropped as they arrive, and each batch handed to the subscribers as typed events (core/workspaceChanges
 * classifyChange): a source file created, changed or deleted; a folder created or deleted; a file that can change the
 * migration tool detected created, deleted (or, for the files whose text the detection reads, changed).
 *
 * A folder created on disk is read once: its files come as created events too. code-server's watcher reported a new
 * folder but never a file written into it the same moment (CI on 6f64b2ca, e2e 82/83).
 *
 * Subscribers: the analysis (vscode/analysis.ts: the cross-file index follows source files) and the index advice
 * (vscode/indexAdvice.ts: its migration-tool cache is forgotten when a marker comes or goes).
 */
import * as vscode from 'vscode';
import { ChangeBurst, classifyChange, looksLikeFile, type ChangeKind, type FileChange } from '../core/workspaceChanges';
import { SKIPPED_DIRS_GLOB, skippedPath } from '../core/skippedFolders';
import { errorMessage } from '../core/safeText';
import { contextPathIn } from '../core/codeContext';

/** A batch is handed on once no change came for this long (a checkout changes many files)… */
const QUIET_MS = 1000;
/** …or this long after its first change while changes keep coming. */
const MAX_WAIT_MS = 5000;
/** A created folder's files read at most (findFiles' limit). */
const FOLDER_FILES_MAX = 2000;

export interface WorkspaceChange {
  kind: ChangeKind;
  change: FileChange;
  uri: vscode.Uri;
  /** The path relative to its workspace folder, posix. */
  rel: string;
}

export interface WorkspaceChangesApi {
  /** Changes on disk, in batches (one per burst), in the order they were seen; nothing from skipped folders. */
  readonly onDidChange: vscode.Event<readonly WorkspaceChange[]>;
}

/** The path of a file in the workspace relative to its folder (posix), or undefined outside every workspace folder. */
function relOf(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(uri)) return undefined;
  return contextPathOf(uri);
}

/**
 * The path a file's kind of code is judged by (core/codeContext contextPathIn, FileInput.contextPath): relative to its
 * workspace folder (posix), its own path outside every folder — the one rule `pg-lens advise --file` judges a file by, with
 * the folder it runs in as the root.
 */
export function contextPathOf(uri: vscode.Uri | string): string {
  const u = typeof uri === 'string' ? vscode.Uri.file(uri) : uri;
  return contextPathIn(vscode.workspace.getWorkspaceFolder(u)?.uri.fsPath, u.fsPath);
}

export class WorkspaceChanges implements WorkspaceChangesApi, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<readonly WorkspaceChange[]>();
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];
  private readonly burst = new ChangeBurst<string>((batch) => {
    this.delivering = this.delivering.then(() => this.deliver(batch)).catch((e) => this.log(`could not read the files changed on disk: ${errorMessage(e)}`));
  }, { quietMs: QUIET_MS, maxWaitMs: MAX_WAIT_MS });
  /** Batches are read one after the other (a folder's stat and files are awaited): their events keep their order. */
  private delivering: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly log: (line: string) => void) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const seen = (change: FileChange) => (uri: vscode.Uri) => {
      const rel = relOf(uri);
      if (rel && !skippedPath(rel)) this.burst.add(uri.toString(), change);
    };
    this.subs.push(watcher, this.emitter, watcher.onDidCreate(seen('created')), watcher.onDidChange(seen('changed')), watcher.onDidDelete(seen('deleted')));
  }

  private async deliver(batch: ReadonlyMap<string, FileChange>): Promise<void> {
    if (this.disposed) return;
    const out: WorkspaceChange[] = [];
    const folders: vscode.Uri[] = [];
    for (const [key, change] of batch) {
      const uri = vscode.Uri.parse(key);
      const rel = relOf(uri);
      if (!rel) continue;
      // A created name without a file's extension is looked at (a folder, or Gemfile); a deleted one cannot be.
      let folder: boolean | undefined = change === 'changed' || (change === 'created' && looksLikeFile(rel)) ? false : undefined;
      if (change === 'created' && folder === undefined) {
        const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
        if (!stat) continue; // gone again
        folder = (stat.type & vscode.FileType.Directory) !== 0;
        if (folder) folders.push(uri);
      }
      for (const c of classifyChange(rel, change, folder)) out.push({ ...c, uri, rel });
    }
    // A created folder's files, once (a folder inside another created one is read with it).
    const paths = folders.map((f) => f.path);
    for (const dir of folders) {
      if (this.disposed) return;
      if (paths.some((p) => p !== dir.path && dir.path.startsWith(p + '/'))) continue;
      for (const f of await vscode.workspace.findFiles(new vscode.RelativePattern(dir, '**/*'), SKIPPED_DIRS_GLOB, FOLDER_FILES_MAX)) {
        const rel = relOf(f);
        if (!rel || batch.has(f.toString())) continue;
        for (const c of classifyChange(rel, 'created', false)) out.push({ ...c, uri: f, rel });
      }
    }
    if (out.length && !this.disposed) this.emitter.fire(out);
  }

  dispose(): void {
    this.disposed = true;
    this.burst.dispose();
    this.subs.forEach((s) => s.dispose());
  }
}
