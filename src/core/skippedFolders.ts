/**
 * The one list of folders PG Lens never reads as the workspace's code: dependencies, version control, build output,
 * virtual environments. The file walker (node/walk.ts, and with it Scan Workspace, Record Queries and the workload's
 * statements), the project-config search (node/projectConfig.ts), the editor's workspace-change source
 * (vscode/workspaceChanges.ts), the migration-tool detection's file list (vscode/indexAdvice.ts) and the connection
 * detection (vscode/detect.ts) all skip these. Pure: names and paths only.
 */

export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'target', 'vendor', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.next', 'coverage', 'site-packages']);
/** Names of build output folders that a source tree may also use for a module of its own. */
const OUTPUT_NAMES = new Set(['dist', 'build', 'out', 'target']);

/**
 * Is the folder `name` skipped? `parent`: its parent's path from the walked folder (that folder's own name first). A
 * `build`, `out`, `dist` or `target` folder inside a `src` folder is source (a NestJS `src/core/build` module), not
 * build output.
 */
export function skippedDir(name: string, parent: string): boolean {
  if (!SKIPPED_DIRS.has(name)) return false;
  return !(OUTPUT_NAMES.has(name) && parent.split(/[\\/]/).includes('src'));
}

/** Does a workspace-relative path (posix or Windows separators) lie in a skipped folder, or name one? */
export function skippedPath(rel: string): boolean {
  const parts = rel.split(/[\\/]/).filter(Boolean);
  return parts.some((name, i) => skippedDir(name, parts.slice(0, i).join('/')));
}

/**
 * The skipped folders as one exclude glob for VS Code's findFiles (`{**\/node_modules/**,…}`). A glob cannot say "not
 * under src", so an output-named folder inside src is left out here too: a file list made with it may miss such a
 * module's files, never holds a dependency's.
 */
export const SKIPPED_DIRS_GLOB = `{${[...SKIPPED_DIRS].map((d) => `**/${d}/**`).join(',')}}`;
