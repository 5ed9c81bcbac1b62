/**
 * Connections the workspace already describes: PG* environment variables, DATABASE_URL-like keys in
 * the workspace's .env files (only in a trusted workspace). The parsing is pure (core/connection/detect).
 */
import { readWorkspaceFile } from './readWorkspaceFile';
import { LIMITS } from '../core/limits';
import * as vscode from 'vscode';
import { connectionFromPgEnv, connectionsFromDotEnv, type DetectedConnection } from '../core/connection/detect';
import { errorMessage } from '../core/safeText';

export type { DetectedConnection };

// Every name spelled out: a brace group with an empty alternative (`.env{,.local}`) never matches `.env` itself in
// VS Code's file search (ripgrep), so the file most projects keep DATABASE_URL in was never offered.
const DOTENV_GLOB = '**/{.env,.env.local,.env.development,.env.development.local,.env.dev}';

export async function detectWorkspaceConnections(env: NodeJS.ProcessEnv = process.env, warn: (m: string) => void = () => undefined): Promise<DetectedConnection[]> {
  const out: DetectedConnection[] = [];
  try {
    const fromEnv = connectionFromPgEnv(env);
    if (fromEnv) out.push(fromEnv);
  } catch (e) {
    warn(`PG* environment variables ignored: ${errorMessage(e)}`);
  }
  if (!vscode.workspace.isTrusted) return out; // .env files are workspace content
  const files = await vscode.workspace.findFiles(DOTENV_GLOB, '**/node_modules/**', 20);
  files.sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
  for (const uri of files) {
    const text = await readWorkspaceFile(uri, LIMITS.smallFileBytes);
    if (text === undefined) continue;
    const { found, skipped } = connectionsFromDotEnv(text, vscode.workspace.asRelativePath(uri), env);
    for (const s of skipped) warn(`Not offered: ${s}`);
    out.push(...found);
  }
  return out;
}
