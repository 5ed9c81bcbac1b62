import { parseArgs } from 'node:util';
import { describeProfile } from '../../core/connection/profile';
import { capabilityAdvice, humanSetting, shortVersion } from '../../core/connection/status';
import { type CliCommand, type CliOption, commandUsage, DB_OPTION_HELP, EXIT, DB_OPTIONS, formatOption, openDatabase, checkFormat, FORMAT_OPTIONS } from '../io';
import { oneLine } from '../../core/safeText';

const OPTIONS: CliOption[] = [DB_OPTION_HELP.db, DB_OPTION_HELP.connectTimeout, DB_OPTION_HELP.production, formatOption('text|json', 'json is one object')];

export const checkConnection: CliCommand = {
  name: 'check-connection',
  summary: 'connect, and print the server version, the settings that matter and the available extensions',
  usage: commandUsage('pg-lens check-connection [{db}] [{connect-timeout}] [{production}] [{format}]', OPTIONS),
  options: OPTIONS,
  async run(argv, ctx) {
    const { values } = parseArgs({ args: argv, options: { ...DB_OPTIONS, ...FORMAT_OPTIONS }, strict: true });
    checkFormat(values.format, ['text', 'json']);
    const db = await openDatabase(values.db, ctx, { statementTimeoutMs: 10000, production: values.production, connectTimeout: values['connect-timeout'] });
    try {
      const info = await db.serverInfo();
      if (values.format === 'json') {
        ctx.out(JSON.stringify({ connection: describeProfile(db.profile), ...info }, null, 2));
      } else {
        ctx.out(`Connected to ${oneLine(describeProfile(db.profile))}`);
        ctx.out(`Server: ${oneLine(shortVersion(info))}${info.inRecovery ? ' (replica)' : ''}, database ${oneLine(info.database)} as ${oneLine(info.user)}${info.isSuperuser ? ' (superuser)' : ''}`);
        ctx.out(`pg_stat_statements: ${info.pgStatStatements}   HypoPG: ${info.hypopg}   pg_trgm: ${info.pgTrgm}`);
        for (const a of capabilityAdvice(info)) ctx.out(`  - ${a.message}${a.action ? `\n      ${a.action.replace(/\n/g, '\n      ')}` : ''}`);
        ctx.out('Settings:');
        for (const [k, v] of Object.entries(info.settings)) ctx.out(`  ${oneLine(k).padEnd(32)} ${oneLine(humanSetting(v))}`);
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
