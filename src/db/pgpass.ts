/**
 * libpq's password file (~/.pgpass, or PGPASSFILE): wildcards, escapes, and the rule that a file
 * readable by group or others is ignored — all done by the pgpass package (node-postgres' own).
 */
import type { ConnectionProfile } from '../core/connection/profile';

type PgpassFn = (conn: { host: string; port: number; database: string; user: string }, cb: (pw?: string) => void) => void;

/** The password ~/.pgpass (or the file named by PGPASSFILE in env) holds for a profile, if any. Never throws. */
export async function pgpassPassword(p: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user'>, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pgpass = require('pgpass') as PgpassFn;
  // The package reads PGPASSFILE from process.env; honour a different env for this one lookup.
  const saved = process.env.PGPASSFILE;
  const swap = env !== process.env;
  if (swap) {
    if (env.PGPASSFILE === undefined) delete process.env.PGPASSFILE;
    else process.env.PGPASSFILE = env.PGPASSFILE;
  }
  try {
    return await new Promise<string | undefined>((resolve) => {
      try {
        pgpass({ host: p.host, port: p.port, database: p.database, user: p.user }, (pw) => resolve(pw || undefined));
      } catch {
        resolve(undefined);
      }
    });
  } finally {
    if (swap) {
      if (saved === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved;
    }
  }
}
