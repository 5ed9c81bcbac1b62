/** The health checks, in display order, and the one function that runs them. */
import { finding } from './finding';
import { blockedSession, fmtSeconds, idleInTransaction, longRunningQuery } from './checks/sessions';
import { duplicateIndex, indexBloat, invalidIndex, unindexedForeignKey, unusedIndex } from './checks/indexes';
import { autovacuumLagging, deadTuples, invalidConstraint, sequenceExhaustion, staleStatistics, tableBloat, transactionIdWraparound } from './checks/tables';
import { inactiveReplicationSlot, replicationLag, settingReview } from './checks/server';
import { SECURITY_CHECKS } from './checks/security';
import { WORKLOAD_CHECKS } from './checks/workload';
import { MATVIEW_CHECKS } from './checks/matviews';
import { archiveCandidate, partitionCandidate } from './checks/timeTables';
import { capacityForecast } from './checks/capacity';
import type { IndexUser } from '../plan/indexUse';
import { DEFAULT_THRESHOLDS, type HealthCheck, type HealthFacts, type HealthFinding, type HealthThresholds, type PgBouncerFacts } from './types';
import { errorMessage } from '../safeText';

export * from './types';
export { securityBlindSpots, leastPrivilegeFor } from './checks/security';

export const HEALTH_CHECKS: readonly HealthCheck[] = [
  longRunningQuery,
  idleInTransaction,
  blockedSession,
  invalidIndex,
  unindexedForeignKey,
  duplicateIndex,
  unusedIndex,
  indexBloat,
  tableBloat,
  deadTuples,
  autovacuumLagging,
  staleStatistics,
  transactionIdWraparound,
  sequenceExhaustion,
  invalidConstraint,
  replicationLag,
  inactiveReplicationSlot,
  ...SECURITY_CHECKS,
  ...WORKLOAD_CHECKS,
  ...MATVIEW_CHECKS,
  archiveCandidate,
  partitionCandidate,
  capacityForecast,
  settingReview,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Run every check (or those listed) over the facts; errors first. A check that throws is reported, not fatal. */
export function runHealthChecks(facts: HealthFacts, thresholds: Partial<HealthThresholds> = {}, only?: readonly string[]): HealthFinding[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const out: HealthFinding[] = [];
  for (const check of HEALTH_CHECKS) {
    if (only && !only.includes(check.id)) continue;
    try {
      out.push(...check.run(facts, t));
    } catch (e) {
      out.push(finding(check, 'info', `The check could not run: ${errorMessage(e)}`));
    }
  }
  return out.map((f, i) => ({ f, i })).sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i).map((x) => x.f);
}

/**
 * An index definition without its name (`CREATE INDEX a ON public.t USING btree (x)` → `CREATE INDEX ON public.t USING
 * btree (x)`): two indexes whose definitions are equal this way are twins — the planner takes either for the same plans.
 */
function unnamedDefinition(def: unknown): string | undefined {
  return typeof def === 'string' ? def.replace(/^(CREATE (?:UNIQUE )?INDEX )(?:"(?:[^"]|"")+"|\S+) ON /i, '$1ON ') : undefined;
}

/**
 * No DROP for an index a known plan uses: PG Lens planned a statement (a hover, Explain Analyze, a
 * recorded or pg_stat_statements statement) and the plan scans the index. Such a finding stays, as a
 * note that says which statement keeps the index; its DROP (SQL and button) goes. One exception: a duplicate
 * index whose keeper is its exact twin (the same definition but the name) keeps its DROP — the planner picked one of two
 * equal indexes, and after the DROP takes the other for the same plans; the finding says so (person49 M-3: an exact
 * duplicate was never offered for DROP because the plan happened to use it rather than its twin).
 */
export function keepPlannedIndexes(findings: readonly HealthFinding[], plans: { usersOf(schema: string, name: string): IndexUser[] }, nowMs = Date.now()): HealthFinding[] {
  return findings.map((f) => {
    if (f.action?.kind !== 'drop-index') return f;
    const ix = f.objects.find((o) => o.kind === 'index');
    const users = ix ? plans.usersOf(ix.schema ?? 'public', ix.name) : [];
    if (!users.length) return f;
    const first = users[0];
    const sql = first.sql.replace(/\s+/g, ' ').trim();
    const shown = sql.length > 120 ? `${sql.slice(0, 119)}…` : sql;
    // A plan kept from an earlier session of the editor can be days old.
    const agoSeconds = Math.max(0, (nowMs - first.atMs) / 1000);
    const others = users.length > 1 ? ` and ${users.length - 1} other statement${users.length > 2 ? 's' : ''}` : '';
    const twin = f.checkId === 'duplicate-index' ? unnamedDefinition(f.evidence.index) : undefined;
    if (twin && twin === unnamedDefinition(f.evidence.coveredBy)) {
      const keeper = f.objects.filter((o) => o.kind === 'index')[1]?.name ?? 'its twin';
      return {
        ...f,
        message: `${f.message} The plan of ${shown}${others} uses it now (planned by PG Lens ${agoSeconds < 60 ? 'less than a minute' : fmtSeconds(agoSeconds)} ago); ${keeper} is the same index under another name, so after the DROP the planner uses that one for the same plans.`,
        evidence: { ...f.evidence, usedByPlans: users.slice(0, 5).map((u) => u.sql), twinOf: keeper },
      };
    }
    const { action: _dropped, ...rest } = f;
    return {
      ...rest,
      severity: 'info' as const,
      message: `${f.message} Kept: the plan of ${shown}${others} uses it (planned by PG Lens ${agoSeconds < 60 ? 'less than a minute' : fmtSeconds(agoSeconds)} ago), so it is not offered for DROP.`,
      evidence: { ...f.evidence, usedByPlans: users.slice(0, 5).map((u) => u.sql) },
      fixSql: [],
    };
  });
}

/** Facts of a PgBouncer admin console alone (no PostgreSQL behind it was read): only pool-sizing has something to judge. */
export function pgBouncerOnlyFacts(pgbouncer: PgBouncerFacts): HealthFacts {
  return {
    versionNum: 0, database: 'pgbouncer', inRecovery: false, standbyReplayDelaySeconds: null, settings: {}, sessions: [], indexes: [], foreignKeys: [], tables: [], sequences: [],
    constraints: [], databases: [], replicas: [], slots: [], archiver: null, checkpoints: null, tempFiles: 0, statsAgeSeconds: null, pgbouncer,
  };
}

function checkById(id: string): HealthCheck | undefined {
  return HEALTH_CHECKS.find((c) => c.id === id);
}

/**
 * At most `perCheck` findings per check (a big schema can have thousands of unused indexes); the rest
 * are counted in one note per check, so the panel stays light and says what it left out.
 */
export function capFindings(findings: readonly HealthFinding[], perCheck: number): HealthFinding[] {
  const seen = new Map<string, number>();
  const out: HealthFinding[] = [];
  for (const f of findings) {
    const n = (seen.get(f.checkId) ?? 0) + 1;
    seen.set(f.checkId, n);
    if (n <= perCheck) out.push(f);
  }
  for (const [checkId, n] of seen) {
    if (n <= perCheck) continue;
    out.push(finding(checkById(checkId) ?? { id: checkId, category: 'maintenance' }, 'info', `${n - perCheck} more ${checkId} findings not shown (${n} in all); \`pg-lens health --check ${checkId}\` lists them all.`, {
      evidence: { total: n, shown: perCheck },
    }));
  }
  return out;
}
