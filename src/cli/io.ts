/** Small shared pieces of the CLI: output, exit codes, connection from --db / environment. */
import { parseConnectionString, type ConnectionProfile } from '../core/connection/profile';
import { connect, type Database } from '../db/database';

export const EXIT = { ok: 0, findings: 1, usage: 2, failure: 3 } as const;

export class UsageError extends Error {}

export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}

/** A Database from --db URL, or from DATABASE_URL / PG* variables. Password from the URL or PGPASSWORD. */
export async function openDatabase(dbUrl: string | undefined, ctx: CliContext, opts: { statementTimeoutMs?: number; environment?: ConnectionProfile['environment'] } = {}): Promise<Database> {
  const url = dbUrl ?? ctx.env.PGLENS_DATABASE_URL ?? ctx.env.DATABASE_URL;
  let profile: ConnectionProfile;
  let password: string | undefined;
  if (url) {
    const p = parseConnectionString(url);
    profile = { name: 'cli', environment: opts.environment ?? 'development', ...p.profile } as ConnectionProfile;
    password = p.password;
  } else if (ctx.env.PGHOST || ctx.env.PGDATABASE || ctx.env.PGUSER) {
    profile = {
      name: 'cli', environment: opts.environment ?? 'development', host: ctx.env.PGHOST ?? 'localhost', port: Number(ctx.env.PGPORT ?? 5432),
      database: ctx.env.PGDATABASE ?? ctx.env.PGUSER ?? 'postgres', user: ctx.env.PGUSER ?? 'postgres', sslmode: (ctx.env.PGSSLMODE as any) ?? 'prefer',
    };
  } else {
    throw new UsageError('No database given: pass --db URL (or set DATABASE_URL or PGHOST/PGDATABASE/PGUSER).');
  }
  password ??= ctx.env.PGPASSWORD ?? (await passwordFromPgpass(profile, ctx.env));
  return connect({ profile, password, statementTimeoutMs: opts.statementTimeoutMs ?? 30000 });
}

async function passwordFromPgpass(p: ConnectionProfile, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // pgpass implements libpq's ~/.pgpass lookup (permissions check, escapes, wildcards).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pgpass = require('pgpass') as (conn: object, cb: (pw?: string) => void) => void;
  const saved = process.env.PGPASSFILE;
  if (env.PGPASSFILE) process.env.PGPASSFILE = env.PGPASSFILE;
  try {
    return await new Promise((resolve) => pgpass({ host: p.host, port: p.port, database: p.database, user: p.user }, (pw) => resolve(pw || undefined)));
  } finally {
    if (saved === undefined) delete process.env.PGPASSFILE;
    else process.env.PGPASSFILE = saved;
  }
}
