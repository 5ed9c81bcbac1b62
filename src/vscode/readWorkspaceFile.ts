/**
 * The editor's one way to read a workspace file it has not opened: regular files only, bounded.
 * Local files go through src/node/readFile (non-blocking open, checked on the descriptor: a FIFO,
 * device or socket — also behind a symlink — is never read); other schemes (remote workspaces) are
 * checked by stat first.
 */
import * as vscode from 'vscode';
import { LIMITS } from '../core/limits';
import { readRegularFile } from '../node/readFile';

/** The file's text, or undefined when it is not a regular file, is over maxBytes or cannot be read. */
export async function readWorkspaceFile(uri: vscode.Uri, maxBytes: number = LIMITS.fileBytes): Promise<string | undefined> {
  try {
    if (uri.scheme === 'file') return (await readRegularFile(uri.fsPath, maxBytes)).toString('utf8');
    const st = await vscode.workspace.fs.stat(uri);
    if (!(st.type & vscode.FileType.File) || st.size > maxBytes) return undefined;
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
