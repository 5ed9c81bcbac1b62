import { parseArgs } from 'node:util';
import { describeProfile } from '../../core/connection/profile';
import { type CliCommand, EXIT, openDatabase } from '../io';

export const checkConnection: CliCommand = {
  name: 'check-connection',
  summary: 'connect, and print the server version, the settings that matter and the available extensions',
  usage: 'pg-lens check-connection [--db URL] [--format text|json]',
  async run(argv, ctx) {
    const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, format: { type: 'string', default: 'text' } }, strict: true });
    const db = await openDatabase(values.db, ctx, { statementTimeoutMs: 10000 });
    try {
      const info = await db.serverInfo();
      if (values.format === 'json') {
        ctx.out(JSON.stringify({ connection: describeProfile(db.profile), ...info }, null, 2));
      } else {
        ctx.out(`Connected to ${describeProfile(db.profile)}`);
        ctx.out(`Server: ${info.version.split(' on ')[0]}${info.inRecovery ? ' (replica)' : ''}`);
        ctx.out(`pg_stat_statements: ${info.pgStatStatements}   HypoPG: ${info.hypopg}   pg_trgm: ${info.pgTrgm}`);
        for (const [k, v] of Object.entries(info.settings)) ctx.out(`  ${k.padEnd(32)} ${v}`);
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
