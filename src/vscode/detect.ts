/**
 * Connections the workspace already describes: PG* environment variables, then each source of the registry
 * (core/connection/frameworks: DATABASE_URL-like keys in .env files, Django's DATABASES, Rails' database.yml, Spring's
 * datasource), only in a trusted workspace. The files are read as text, never run; the parsing is pure.
 */
import { readWorkspaceFile } from './readWorkspaceFile';
import { LIMITS } from '../core/limits';
import * as vscode from 'vscode';
import { connectionFromPgEnv, expandDotEnv, rankDetected, parseDotEnv, sameServer, type DetectedConnection } from '../core/connection/detect';
import { WORKSPACE_CONNECTION_SOURCES } from '../core/connection/frameworks';
import { errorMessage } from '../core/safeText';
import { SKIPPED_DIRS_GLOB } from '../core/skippedFolders';

export type { DetectedConnection };


export async function detectWorkspaceConnections(env: NodeJS.ProcessEnv = process.env, warn: (m: string) => void = () => undefined): Promise<DetectedConnection[]> {
  const out: DetectedConnection[] = [];
  try {
    const fromEnv = connectionFromPgEnv(env);
    if (fromEnv) out.push(fromEnv);
  } catch (e) {
    warn(`PG* environment variables ignored: ${errorMessage(e)}`);
  }
  if (!vscode.workspace.isTrusted) return out; // .env files are workspace content
  for (const source of WORKSPACE_CONNECTION_SOURCES) {
    const files = await vscode.workspace.findFiles(source.glob, SKIPPED_DIRS_GLOB, 20);
    files.sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
    for (const uri of files) {
      const text = await readWorkspaceFile(uri, LIMITS.smallFileBytes);
      if (text === undefined) continue;
      const nearby = source.nearbyEnv ? await nearbyDotEnv(uri, env) : { env, from: undefined, origin: undefined };
      const { found, skipped } = source.read(text, vscode.workspace.asRelativePath(uri), nearby.env, nearby.from, nearby.origin);
      for (const s of skipped) warn(`Not offered: ${s}`);
      // A framework's settings often restate what a .env or the environment says: the same server, database and user once.
      for (const f of found) {
        const same = source === WORKSPACE_CONNECTION_SOURCES[0] ? undefined : out.find((o) => sameServer(o.profile, f.profile));
        if (!same) out.push(f);
        // The config module that maps the .env's keys is named on the one offered.
        else if (f.valuesFrom && !same.valuesFrom?.includes(f.source)) same.valuesFrom = [same.valuesFrom, `read by ${f.source}`].filter(Boolean).join(' · ');
      }
    }
  }
  return rankDetected(out).ranked;
}

/**
 * The environment a Node config's `process.env.X` sees under `require('dotenv').config()`: the process environment
 * over the `.env` of the config's folder and of each folder above it up to the workspace folder (the nearest first).
 */
async function nearbyDotEnv(uri: vscode.Uri, env: NodeJS.ProcessEnv): Promise<{ env: NodeJS.ProcessEnv; from?: string; origin: Record<string, string> }> {
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri;
  const merged: Record<string, string | undefined> = {};
  const origin: Record<string, string> = {};
  const from: string[] = [];
  let dir = vscode.Uri.joinPath(uri, '..');
  // The config's folder up to the workspace folder: an app folder's .env and the repo root's (Traduora's api/src/config.ts
  // reads the root .env through `dotenv.config({ path: '../../.env' })`); deep monorepo apps included.
  for (let i = 0; i < 6; i++) {
    const dotEnv = vscode.Uri.joinPath(dir, '.env');
    const text = await readWorkspaceFile(dotEnv, LIMITS.smallFileBytes);
    if (text !== undefined) {
      const label = vscode.workspace.asRelativePath(dotEnv);
      for (const [k, v] of expandDotEnv(parseDotEnv(text), env)) {
        if (k in merged) continue;
        merged[k] = v;
        origin[k] = label;
      }
      from.push(label);
    }
    if (!root || dir.path === root.path || !dir.path.startsWith(root.path)) break;
    dir = vscode.Uri.joinPath(dir, '..');
  }
  for (const k of Object.keys(env)) if (env[k]) origin[k] = 'the environment';
  return { env: { ...merged, ...env }, from: from.length ? from.join(' and ') : undefined, origin };
}
