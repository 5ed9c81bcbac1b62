/** Server-wide: replication lag, inactive slots, settings worth a look (WAL archiving is in security.ts, backup-freshness). */
import { finding } from '../finding';
import { quoteLiteral } from '../../sql/ident';
import type { HealthCheck, HealthFacts, HealthFinding } from '../types';
import { formatBytes } from '../../format';
import { fmtSeconds } from './sessions';

export const replicationLag: HealthCheck = {
  id: 'replication-lag',
  title: 'Replication lag',
  category: 'replication',
  summary: 'A standby replaying more than the threshold behind the primary (or, on a standby, its own replay delay).',
  run(f, t) {
    const out: HealthFinding[] = [];
    for (const r of f.replicas) {
      if ((r.replayLagSeconds ?? 0) < t.replicationLagSeconds) continue;
      out.push(finding(this, (r.replayLagSeconds ?? 0) >= t.replicationLagSeconds * 10 ? 'error' : 'warning', `Standby ${r.applicationName || r.clientAddr || '?'} is ${fmtSeconds(r.replayLagSeconds)} behind${r.replayLagBytes !== null ? ` (${formatBytes(r.replayLagBytes)} of WAL)` : ''}.`, {
        objects: [{ kind: 'standby', name: r.applicationName || r.clientAddr || '?' }],
        evidence: { ...r },
        help: 'Check the standby’s I/O and network, and long queries on it that conflict with replay.',
      }));
    }
    if (f.inRecovery && f.standbyReplayDelaySeconds !== null && f.standbyReplayDelaySeconds >= t.replicationLagSeconds) {
      out.push(finding(this, 'warning', `This server is a standby; the last replayed transaction is ${fmtSeconds(f.standbyReplayDelaySeconds)} old.`, {
        objects: [{ kind: 'standby', name: f.database }],
        evidence: { replayDelaySeconds: f.standbyReplayDelaySeconds },
        help: 'On a quiet primary this grows on its own (no new transactions to replay); compare with the primary’s activity.',
      }));
    }
    return out;
  },
};

export const inactiveReplicationSlot: HealthCheck = {
  id: 'inactive-replication-slot',
  title: 'Inactive replication slots',
  category: 'replication',
  summary: 'A replication slot no client is using: it keeps WAL (and, for logical slots, old rows) forever.',
  run(f, t) {
    return f.slots
      .filter((s) => !s.active)
      .map((s) => finding(this, (s.retainedBytes ?? 0) >= t.slotRetainedWarnBytes || s.walStatus === 'lost' || s.walStatus === 'unreserved' ? 'error' : 'warning', `Replication slot ${s.name} (${s.type}) is inactive${s.retainedBytes !== null ? ` and holds ${formatBytes(s.retainedBytes)} of WAL` : ''}.`, {
        objects: [{ kind: 'replication slot', name: s.name }],
        evidence: { ...s },
        fixSql: [`SELECT pg_drop_replication_slot(${quoteLiteral(s.name)});`],
        help: 'Drop it only if its consumer is gone for good; a returning consumer would need a new base backup (physical) or resync (logical).',
      }));
  },
};

const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1024, '8kB': 8192, MB: 1024 ** 2, '16MB': 16 * 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** A memory setting in bytes (pg_settings setting × unit), or undefined. */
export function settingBytes(f: HealthFacts, name: string): number | undefined {
  const s = f.settings[name];
  if (!s) return undefined;
  const n = Number(s.setting);
  if (!Number.isFinite(n)) return undefined;
  return n * (UNIT_BYTES[s.unit ?? 'B'] ?? 1);
}

function setting(f: HealthFacts, name: string): string | undefined {
  return f.settings[name]?.setting;
}

export const settingReview: HealthCheck = {
  id: 'setting-review',
  title: 'Settings worth a look',
  category: 'settings',
  summary: 'Settings left at defaults that rarely suit a real server, or contradicted by the statistics.',
  run(f) {
    const out: HealthFinding[] = [];
    const add = (name: string, message: string, evidence: Record<string, unknown>, fixSql: string[], help: string, severity: HealthFinding['severity'] = 'info') =>
      out.push(finding(this, severity, message, { objects: [{ kind: 'setting', name }], evidence, fixSql, help }));
    const sb = settingBytes(f, 'shared_buffers');
    if (sb !== undefined && sb <= 128 * 1024 ** 2)
      add('shared_buffers', `shared_buffers is ${formatBytes(sb)} (the default).`, { shared_buffers: sb }, [`ALTER SYSTEM SET shared_buffers = '1GB';`],
        'About 25% of the machine’s memory is the usual starting point; it needs a restart.');
    const wm = settingBytes(f, 'work_mem');
    if (wm !== undefined && wm <= 4 * 1024 ** 2 && f.tempFiles > 0)
      add('work_mem', `work_mem is ${formatBytes(wm)} and queries wrote ${f.tempFiles.toLocaleString('en-US')} temporary files.`, { work_mem: wm, tempFiles: f.tempFiles },
        [`ALTER SYSTEM SET work_mem = '16MB';`, 'SELECT pg_reload_conf();'], 'Sorts and hashes that do not fit in work_mem spill to disk; raise it with care (it is per operation, per session).');
    const mwm = settingBytes(f, 'maintenance_work_mem');
    if (mwm !== undefined && mwm <= 64 * 1024 ** 2)
      add('maintenance_work_mem', `maintenance_work_mem is ${formatBytes(mwm)} (the default).`, { maintenance_work_mem: mwm }, [`ALTER SYSTEM SET maintenance_work_mem = '512MB';`, 'SELECT pg_reload_conf();'],
        'VACUUM and CREATE INDEX run faster with more; it is used by few sessions at once.');
    const rpc = Number(setting(f, 'random_page_cost'));
    if (Number.isFinite(rpc) && rpc >= 4)
      add('random_page_cost', `random_page_cost is ${rpc}, which models spinning disks.`, { random_page_cost: rpc }, [`ALTER SYSTEM SET random_page_cost = 1.1;`, 'SELECT pg_reload_conf();'],
        'On SSDs or cloud block storage, about 1.1 lets the planner choose index scans where they are cheaper.');
    if (setting(f, 'track_io_timing') === 'off')
      add('track_io_timing', 'track_io_timing is off: plans and pg_stat_statements show no I/O time.', {}, [`ALTER SYSTEM SET track_io_timing = on;`, 'SELECT pg_reload_conf();'],
        'Its overhead is small on most systems (pg_test_timing tells).');
    if (setting(f, 'idle_in_transaction_session_timeout') === '0')
      add('idle_in_transaction_session_timeout', 'idle_in_transaction_session_timeout is off: an abandoned transaction holds its locks forever.', {},
        [`ALTER SYSTEM SET idle_in_transaction_session_timeout = '10min';`, 'SELECT pg_reload_conf();'], 'A bound of some minutes protects vacuum and other sessions.');
    if (setting(f, 'autovacuum') === 'off')
      add('autovacuum', 'autovacuum is off.', {}, [`ALTER SYSTEM SET autovacuum = on;`, 'SELECT pg_reload_conf();'], 'Without it, dead rows pile up and transaction IDs are never frozen.', 'error');
    const c = f.checkpoints;
    if (c && c.requested >= 10 && c.requested > c.timed)
      add('max_wal_size', `Most checkpoints were forced by WAL volume (${c.requested} requested vs ${c.timed} timed): max_wal_size is too small for the write load.`,
        { ...c, max_wal_size: settingBytes(f, 'max_wal_size') ?? null }, [`ALTER SYSTEM SET max_wal_size = '4GB';`, 'SELECT pg_reload_conf();'], 'Frequent checkpoints mean more full-page writes and I/O spikes.', 'warning');
    return out;
  },
};
