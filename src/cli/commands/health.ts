import { parseArgs } from 'node:util';
import { describeProfile } from '../../core/connection/profile';
import { HEALTH_CHECKS, securityBlindSpots, type HealthFinding } from '../../core/health';
import { runHealth } from '../../db/health';
import { type CliCommand, EXIT, DB_OPTIONS, openDatabase, UsageError } from '../io';
import { oneLine } from '../../core/safeText';

/** The JSON shape of one finding (stable: scripts depend on it). */
export function findingToJson(f: HealthFinding) {
  return {
    checkId: f.checkId,
    severity: f.severity,
    category: f.category,
    message: f.message,
    objects: f.objects.map((o) => ({ kind: o.kind, ...(o.schema !== undefined ? { schema: o.schema } : {}), name: o.name, ...(o.table !== undefined ? { table: o.table } : {}) })),
    evidence: f.evidence,
    fixSql: f.fixSql,
    ...(f.help ? { help: f.help } : {}),
  };
}

export const health: CliCommand = {
  name: 'health',
  summary: 'run the health checks (indexes, bloat, vacuum, wraparound, sessions, replication, security, settings) and print the findings',
  usage: 'pg-lens health [--db URL] [--production] [--format text|json] [--check ID]... [--min-severity error|warning|info]',
  async run(argv, ctx) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...DB_OPTIONS,
        format: { type: 'string', default: 'text' },
        check: { type: 'string', multiple: true },
        'min-severity': { type: 'string', default: 'info' },
      },
      strict: true,
    });
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not "${values.format}".`);
    const known = new Set(HEALTH_CHECKS.map((c) => c.id));
    for (const c of values.check ?? []) if (!known.has(c)) throw new UsageError(`Unknown check "${c}". Known: ${[...known].join(', ')}.`);
    const rank = { error: 0, warning: 1, info: 2 } as const;
    const min = values['min-severity'] as keyof typeof rank;
    if (!(min in rank)) throw new UsageError('--min-severity must be error, warning or info.');
    const db = await openDatabase(values.db, ctx, { statementTimeoutMs: 60000, production: values.production });
    try {
      const { facts, findings: all } = await runHealth(db, { only: values.check });
      const findings = all.filter((f) => rank[f.severity] <= rank[min]);
      const blind = securityBlindSpots(facts).filter((b) => !values.check || values.check.includes(b.checkId));
      if (values.format === 'json') {
        ctx.out(JSON.stringify(findings.map(findingToJson), null, 2));
        for (const b of blind) ctx.err(`pg-lens health: not checked (${b.checkId}): ${b.what}`);
      } else {
        ctx.out(`Health of ${oneLine(describeProfile(db.profile))}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
        for (const f of findings) {
          ctx.out('');
          // Names from the catalog are in every field: each field stays on its own line.
          ctx.out(`${f.severity.toUpperCase().padEnd(7)} ${f.checkId}: ${oneLine(f.message)}`);
          if (f.help) ctx.out(`        ${oneLine(f.help)}`);
          for (const sql of f.fixSql) ctx.out(`        fix: ${oneLine(sql)}`);
        }
        if (blind.length) {
          ctx.out('');
          ctx.out('Not checked with this role’s privileges:');
          for (const b of blind) ctx.out(`  ${b.checkId}: ${b.what}`);
        }
      }
      return findings.some((f) => f.severity !== 'info') ? EXIT.findings : EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
