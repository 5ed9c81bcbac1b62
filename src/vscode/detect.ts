/**
 * Connections the workspace already describes: PG* environment variables, DATABASE_URL-like keys in
 * the workspace's .env files; passwords from ~/.pgpass (libpq's rules, via the pgpass package).
 */
import * as vscode from 'vscode';
import { parseConnectionString, type ConnectionProfile } from '../core/connection/profile';

export interface DetectedConnection {
  source: string;
  profile: ConnectionProfile;
  /** Present when the source held a password; the caller moves it to SecretStorage. */
  password?: string;
}

const URL_KEYS = /^(DATABASE_URL|POSTGRES_URL|POSTGRESQL_URL|PG_URL|DB_URL|DATABASE_URI|[A-Z_]*DATABASE_URL)$/;

export async function detectWorkspaceConnections(env: NodeJS.ProcessEnv = process.env): Promise<DetectedConnection[]> {
  const out: DetectedConnection[] = [];
  if (env.PGHOST || env.PGDATABASE || env.PGUSER || env.PGPORT) {
    out.push({
      source: 'PG* environment variables',
      password: env.PGPASSWORD,
      profile: {
        name: 'environment (PG*)', environment: 'development', host: env.PGHOST || 'localhost', port: Number(env.PGPORT || 5432) || 5432,
        database: env.PGDATABASE || env.PGUSER || 'postgres', user: env.PGUSER || 'postgres', sslmode: (env.PGSSLMODE as any) || 'prefer',
      },
    });
  }
  if (vscode.workspace.isTrusted) {
    const files = await vscode.workspace.findFiles('**/.env{,.local,.development,.development.local}', '**/node_modules/**', 20);
    for (const uri of files) {
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      for (const [key, value] of parseDotEnv(text)) {
        if (!URL_KEYS.test(key) || !/^postgres(ql)?:\/\//i.test(value)) continue;
        try {
          const p = parseConnectionString(value);
          out.push({ source: `${key} in ${vscode.workspace.asRelativePath(uri)}`, password: p.password, profile: { name: `${key} (${vscode.workspace.asRelativePath(uri)})`, environment: 'development', ...p.profile } });
        } catch {
          // Not a usable connection string: not offered.
        }
      }
    }
  }
  return out;
}

/** KEY=value lines of a .env file (quotes stripped, comments and `export` ignored). */
export function parseDotEnv(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(raw);
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    out.push([m[1], v]);
  }
  return out;
}

export async function pgpassLookup(p: ConnectionProfile): Promise<string | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pgpass = require('pgpass') as (conn: object, cb: (pw?: string) => void) => void;
  return new Promise((resolve) => {
    try {
      pgpass({ host: p.host, port: p.port, database: p.database, user: p.user }, (pw) => resolve(pw || undefined));
    } catch {
      resolve(undefined);
    }
  });
}
