/** Tables: bloat, dead tuples, stale statistics, autovacuum falling behind, wraparound, sequences, invalid constraints. */
import { finding, relationFix, worstFirst } from '../finding';
import { qualifiedName, quoteIdent } from '../../sql/ident';
import type { HealthCheck, HealthFinding, TableFact } from '../types';
import { analyzeTrigger, bloatFindings, estimateTableBloat, staleStatisticsReported, statisticsGapFinding } from './bloat';
import { formatBytes } from '../../format';
import { fmtSeconds } from './sessions';

const tableRef = (t: TableFact) => ({ kind: t.kind, schema: t.schema, name: t.name, oid: t.oid });

/** The dead-tuple count at which autovacuum starts on this table (PostgreSQL's own formula). */
function vacuumTrigger(t: Pick<TableFact, 'vacuumThreshold' | 'vacuumScaleFactor' | 'reltuples'>): number {
  return t.vacuumThreshold + t.vacuumScaleFactor * Math.max(0, t.reltuples);
}

export const tableBloat: HealthCheck = {
  id: 'table-bloat',
  title: 'Table bloat (estimate)',
  category: 'maintenance',
  summary: 'A table whose size is well above what its rows need (estimate from pg_stats widths and the row count); no estimate, but "run ANALYZE", when a column has no statistics or they are older than the table\'s last big change.',
  run(f, th) {
    return bloatFindings(this, 'Table', f.tables, estimateTableBloat, (t) => ({
      objects: [tableRef(t)],
      fixSql: [`VACUUM (FULL, ANALYZE) ${qualifiedName(t.schema, t.name)};`],
      help: 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock; pg_repack does it online. Plain VACUUM makes the space reusable but does not shrink the file.',
      action: { kind: 'vacuum-analyze', oid: t.oid },
    }), f, th, (t) => statisticsGapFinding(this, t, th, f.indexes));
  },
};

export const deadTuples: HealthCheck = {
  id: 'dead-tuples',
  title: 'Dead tuples',
  category: 'maintenance',
  summary: 'A table where dead rows are a large share of all rows.',
  run(f, th) {
    return worstFirst(f.tables, (t) => t.deadTuples >= th.deadTupleMinCount && t.deadTuples / Math.max(1, t.deadTuples + t.liveTuples) >= th.deadTupleMinShare, (t) => t.deadTuples)
      .map((t) => finding(this, 'warning', `Table ${t.schema}.${t.name} has ${t.deadTuples.toLocaleString('en-US')} dead rows (${Math.round((100 * t.deadTuples) / Math.max(1, t.deadTuples + t.liveTuples))}% of all rows).`, {
        objects: [tableRef(t)],
        evidence: { deadTuples: t.deadTuples, liveTuples: t.liveTuples, lastVacuum: t.lastVacuum, lastAutovacuum: t.lastAutovacuum },
        ...relationFix('vacuum-analyze', t),
      }));
  },
};

export const staleStatistics: HealthCheck = {
  id: 'stale-statistics',
  title: 'Stale statistics',
  category: 'maintenance',
  summary: 'A table changed well past its autoanalyze trigger since it was last analysed (n_mod_since_analyze), or never analysed.',
  run(f, th) {
    return worstFirst(f.tables, (t) => staleStatisticsReported(t, th), (t) => t.modsSinceAnalyze)
      .map((t) => {
        const never = !t.lastAnalyze && !t.lastAutoanalyze;
        return finding(this, 'warning', `Table ${t.schema}.${t.name}: ${t.modsSinceAnalyze.toLocaleString('en-US')} rows changed since it was ${never ? 'created (never analysed)' : 'last analysed'}; the planner works from stale estimates.`, {
          objects: [tableRef(t)],
          evidence: { modsSinceAnalyze: t.modsSinceAnalyze, autoanalyzeTrigger: Math.round(analyzeTrigger(t)), lastAnalyze: t.lastAnalyze, lastAutoanalyze: t.lastAutoanalyze },
          ...relationFix('analyze', t),
        });
      });
  },
};

export const autovacuumLagging: HealthCheck = {
  id: 'autovacuum-lagging',
  title: 'Autovacuum not keeping up',
  category: 'maintenance',
  summary: 'Dead rows past twice the autovacuum trigger while the last vacuum is older than the threshold (or autovacuum is off for the table).',
  run(f, th) {
    return worstFirst(f.tables, (t) => t.kind === 'table' && t.deadTuples >= 2 * vacuumTrigger(t) && (t.vacuumAgeSeconds === null || t.vacuumAgeSeconds >= th.autovacuumLagSeconds || !t.autovacuumEnabled), (t) => t.deadTuples)
      .map((t) => {
        const vacuum = relationFix('vacuum-analyze', t);
        const fixSql = [...vacuum.fixSql, `ALTER TABLE ${qualifiedName(t.schema, t.name)} ${t.autovacuumEnabled ? 'SET (autovacuum_vacuum_scale_factor = 0.02)' : 'RESET (autovacuum_enabled)'};`];
        return finding(this, 'warning', `Autovacuum is not keeping up with ${t.schema}.${t.name}: ${t.deadTuples.toLocaleString('en-US')} dead rows (trigger ${Math.round(vacuumTrigger(t)).toLocaleString('en-US')}), ${t.autovacuumEnabled ? `last vacuum ${t.vacuumAgeSeconds === null ? 'never' : `${fmtSeconds(t.vacuumAgeSeconds)} ago`}` : 'autovacuum is disabled for this table'}.`, {
          objects: [tableRef(t)],
          evidence: { deadTuples: t.deadTuples, vacuumTrigger: Math.round(vacuumTrigger(t)), autovacuumEnabled: t.autovacuumEnabled, lastAutovacuum: t.lastAutovacuum, lastVacuum: t.lastVacuum, vacuumScaleFactor: t.vacuumScaleFactor },
          fixSql,
          help: 'Vacuum now; then let autovacuum start sooner on this table (a lower scale factor) or give it more workers / cost limit.',
          action: vacuum.action,
        });
      });
  },
};

export const transactionIdWraparound: HealthCheck = {
  id: 'transaction-id-wraparound',
  title: 'Transaction ID wraparound',
  category: 'maintenance',
  summary: 'A database or table whose oldest unfrozen transaction ID is old (at about 2.1 billion the server stops accepting writes).',
  run(f, th) {
    const out: HealthFinding[] = [];
    const sev = (age: number) => (age >= th.wraparoundErrorAge ? 'error' : 'warning');
    for (const d of f.databases) {
      if (d.frozenXidAge < th.wraparoundWarnAge) continue;
      out.push(finding(this, sev(d.frozenXidAge), `Database ${d.name}: transaction ID age ${d.frozenXidAge.toLocaleString('en-US')} (${Math.round((100 * d.frozenXidAge) / 2 ** 31)}% of the way to wraparound).`, {
        objects: [{ kind: 'database', name: d.name }],
        evidence: { frozenXidAge: d.frozenXidAge, remaining: 2 ** 31 - 1 - d.frozenXidAge },
        help: 'Vacuum the oldest tables of that database (listed separately) with VACUUM (FREEZE); look for long transactions and abandoned replication slots holding the horizon back.',
      }));
    }
    for (const t of f.tables) {
      if (t.freezeAge < th.wraparoundWarnAge) continue;
      out.push(finding(this, sev(t.freezeAge), `Table ${t.schema}.${t.name}: transaction ID age ${t.freezeAge.toLocaleString('en-US')}.`, {
        objects: [tableRef(t)],
        evidence: { freezeAge: t.freezeAge, remaining: 2 ** 31 - 1 - t.freezeAge },
        fixSql: [`VACUUM (FREEZE, ANALYZE) ${qualifiedName(t.schema, t.name)};`],
        action: { kind: 'vacuum-analyze', oid: t.oid },
      }));
    }
    return out;
  },
};

const TYPE_MAX: Record<string, number> = { smallint: 32767, integer: 2147483647, bigint: Number.MAX_SAFE_INTEGER, int2: 32767, int4: 2147483647, int8: Number.MAX_SAFE_INTEGER };

export const sequenceExhaustion: HealthCheck = {
  id: 'sequence-exhaustion',
  title: 'Sequences near their maximum',
  category: 'tables',
  summary: "A sequence past the threshold share of its own maximum or of the maximum of the column it feeds.",
  run(f, th) {
    const out: HealthFinding[] = [];
    for (const s of f.sequences) {
      if (s.lastValue === null) continue;
      const ascending = s.increment > 0;
      let limit = ascending ? s.maxValue : s.minValue;
      const colMax = s.ownedBy ? TYPE_MAX[s.ownedBy.type] : undefined;
      const limitedByColumn = ascending && colMax !== undefined && colMax < limit;
      if (limitedByColumn) limit = colMax!;
      const share = ascending ? s.lastValue / limit : s.lastValue / s.minValue;
      if (!(share >= th.sequenceMaxShare)) continue;
      // The values go into the column: a narrower column fails on insert whatever the sequence allows,
      // so an integer serial needs the column widened as well as the sequence (issue 12 item 8).
      const narrowColumn = !!s.ownedBy && colMax !== undefined && colMax < TYPE_MAX.bigint;
      const fix = [
        ...(narrowColumn ? [`ALTER TABLE ${qualifiedName(s.ownedBy!.schema, s.ownedBy!.table)} ALTER COLUMN ${quoteIdent(s.ownedBy!.column)} TYPE bigint;`] : []),
        ...(s.dataType !== 'bigint' ? [`ALTER SEQUENCE ${qualifiedName(s.schema, s.name)} AS bigint;`] : []),
      ];
      const table = narrowColumn ? f.tables.find((t) => t.schema === s.ownedBy!.schema && t.name === s.ownedBy!.table) : undefined;
      const size = table ? ` (${formatBytes(table.sizeBytes)} of table data, plus its indexes)` : '';
      out.push(finding(this, share >= 0.98 ? 'error' : 'warning', `Sequence ${s.schema}.${s.name} has used ${(share * 100).toFixed(1)}% of ${limitedByColumn ? `the ${s.ownedBy!.type} column ${s.ownedBy!.table}.${s.ownedBy!.column}` : `its ${s.dataType} range`}.`, {
        objects: [{ kind: 'sequence', schema: s.schema, name: s.name }, ...(s.ownedBy ? [{ kind: 'table' as const, schema: s.ownedBy.schema, name: s.ownedBy.table }] : [])],
        evidence: { lastValue: s.lastValue, limit, share: Math.round(share * 1000) / 1000, sequenceType: s.dataType, columnType: s.ownedBy?.type ?? null },
        fixSql: fix,
        help: narrowColumn
          ? `Widening ${s.ownedBy!.table}.${s.ownedBy!.column} to bigint rewrites the whole table and rebuilds its indexes${size} under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it ends. Plan a window, or add a bigint column, backfill it in batches and swap it in. ALTER SEQUENCE … AS bigint alone is quick but leaves the column ${s.ownedBy!.type}.`
          : undefined,
      }));
    }
    return out;
  },
};

export const invalidConstraint: HealthCheck = {
  id: 'invalid-constraint',
  title: 'Constraints not validated',
  category: 'tables',
  summary: 'A constraint added NOT VALID and never validated: existing rows are not known to satisfy it.',
  run(f) {
    return f.constraints.map((c) => finding(this, 'warning', `Constraint ${c.name} (${c.type}) on ${c.schema}.${c.table} is NOT VALID.`, {
      objects: [{ kind: 'constraint', schema: c.schema, name: c.name, table: c.table, oid: c.oid }],
      evidence: { type: c.type },
      fixSql: [`ALTER TABLE ${qualifiedName(c.schema, c.table)} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`],
      help: 'VALIDATE CONSTRAINT takes only a SHARE UPDATE EXCLUSIVE lock; it fails (and says which row) if a row violates it.',
    }));
  },
};

