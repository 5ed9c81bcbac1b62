/** Small shared pieces of the CLI: output, exit codes, connection from --db / environment. */
import { parseConnectionString, type ConnectionProfile } from '../core/connection/profile';
import { connectionFromPgEnv, choosePassword } from '../core/connection/detect';
import { connect, type Database } from '../db/database';
import { pgpassPassword } from '../db/pgpass';

export const EXIT = { ok: 0, findings: 1, usage: 2, failure: 3 } as const;

export class UsageError extends Error {}

/**
 * A numeric option, or one UsageError line: `--timeout abc`, `--timeout ''`, `Infinity` and values
 * outside [lo, hi] are refused (never silently read as 0 or NaN, which would switch a limit off).
 */
export function numberOption(v: string | undefined, name: string, lo: number, hi: number, opts: { integer?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be ${opts.integer ? 'a whole number' : 'a number'} between ${lo} and ${hi} (got "${v}")`);
  }
  return n;
}

export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Standard input as text (for `-` file arguments); defaults to the process's. */
  stdin?: () => Promise<string>;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}

/**
 * A Database from --db URL, or DATABASE_URL / PGLENS_DATABASE_URL, or libpq's PG* variables.
 * Password as libpq finds it: in the URL, then PGPASSWORD, then ~/.pgpass (PGPASSFILE).
 */
export async function openDatabase(dbUrl: string | undefined, ctx: CliContext, opts: { statementTimeoutMs?: number; environment?: ConnectionProfile['environment'] } = {}): Promise<Database> {
  const url = dbUrl ?? ctx.env.PGLENS_DATABASE_URL ?? ctx.env.DATABASE_URL;
  let profile: ConnectionProfile;
  let given: string | undefined;
  if (url) {
    const p = parseConnectionString(url);
    profile = { name: 'cli', environment: opts.environment ?? 'development', ...p.profile } as ConnectionProfile;
    given = p.password;
  } else {
    const fromEnv = connectionFromPgEnv(ctx.env);
    if (!fromEnv) throw new UsageError('No database given: pass --db URL (or set DATABASE_URL or PGHOST/PGDATABASE/PGUSER).');
    profile = { ...fromEnv.profile, name: 'cli', environment: opts.environment ?? 'development' };
  }
  const { password } = choosePassword({ given, pgpassword: ctx.env.PGPASSWORD, pgpass: given || ctx.env.PGPASSWORD ? undefined : await pgpassPassword(profile, ctx.env) });
  return connect({ profile, password, statementTimeoutMs: opts.statementTimeoutMs ?? 30000 });
}
