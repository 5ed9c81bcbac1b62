import * as assert from 'node:assert/strict';
import type { HealthFinding, SessionFact } from '../../../src/core/health/types';
import { authorizeAction, OfferedActions, parseWebviewMessage } from '../../../src/shared/dashboardProtocol';

const session = (pid: number, own = false): SessionFact => ({
  pid, backendStart: '2026-01-01 10:00:00+00', database: 'd', user: 'u', application: 'a', clientAddr: null, state: 'active', waitEventType: null, waitEvent: null,
  query: '', querySeconds: 1, xactSeconds: 1, stateSeconds: 1, blockedBy: [], ssl: null, superuser: false, own,
});
const finding: HealthFinding = {
  checkId: 'unused-index', severity: 'warning', category: 'indexes', message: 'm', objects: [{ kind: 'index', schema: 's', name: 'i', oid: 500 }, { kind: 'table', schema: 's', name: 't', oid: 400 }],
  evidence: {}, fixSql: [], action: { kind: 'drop-index', oid: 500 },
};

describe('shared/dashboardProtocol', () => {
  it('parseWebviewMessage accepts the exact shapes and nothing else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'requestAction', action: { kind: 'drop-index', oid: 500 } }), { type: 'requestAction', action: { kind: 'drop-index', oid: 500 } });
    // A statement's details come with the window the table shows (the panel's deltas or the totals since reset).
    assert.deepEqual(parseWebviewMessage({ type: 'showStatement', id: '-42', figures: 'delta' }), { type: 'showStatement', id: '-42', figures: 'delta' });
    assert.deepEqual(parseWebviewMessage({ type: 'showStatement', id: '42', figures: 'total' }), { type: 'showStatement', id: '42', figures: 'total' });
    // A health finding's "Why": a check id only (the extension builds the docs path and opens it only for a check it knows).
    assert.deepEqual(parseWebviewMessage({ type: 'openDocs', checkId: 'unused-index' }), { type: 'openDocs', checkId: 'unused-index' });
    for (const bad of [
      undefined, 'ready', { type: 'ready', extra: 1 }, { type: 'runSql', sql: 'DROP TABLE t' }, { type: 'requestAction', action: { kind: 'drop-index', oid: 500, confirmed: true } },
      { type: 'requestAction', action: { kind: 'drop-index', oid: 500 }, confirmed: true }, { type: 'openSql', sql: '' }, { type: 'openSql', sql: 'x'.repeat(200001) },
      { type: 'requestAction', action: { kind: 'terminate-backend', pid: '1', backendStart: '2026-01-01 10:00:00+00' } },
      { type: 'showStatement', id: '42' }, { type: 'showStatement', id: '42', figures: 'all' }, { type: 'showStatement', id: 'x', figures: 'delta' },
      { type: 'openDocs', checkId: '../../package' }, { type: 'openDocs', checkId: 'docs/health/unused-index.md' }, { type: 'openDocs', checkId: 'Unused' }, { type: 'openDocs' },
    ]) assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
  });

  it('authorizeAction: only what was offered; pids not on the list and our own sessions are refused', () => {
    const offered = OfferedActions.from({ findings: [finding], sessions: [session(10), session(11, true)], statementsReady: true });
    assert.deepEqual(authorizeAction({ kind: 'drop-index', oid: 500 }, offered, false), { ok: true });
    assert.deepEqual(authorizeAction({ kind: 'analyze', oid: 400 }, offered, false), { ok: true });
    assert.deepEqual(authorizeAction({ kind: 'reset-statements' }, offered, false), { ok: true });
    assert.deepEqual(authorizeAction({ kind: 'cancel-backend', pid: 10, backendStart: '2026-01-01 10:00:00+00' }, offered, false), { ok: true });
    const refused = [
      { kind: 'drop-index', oid: 400 },
      { kind: 'reindex-index', oid: 500 },
      { kind: 'cancel-backend', pid: 12, backendStart: '2026-01-01 10:00:00+00' },
      { kind: 'terminate-backend', pid: 11, backendStart: '2026-01-01 10:00:00+00' },
      { kind: 'terminate-backend', pid: 10, backendStart: '2026-01-01 10:00:01+00' },
    ] as const;
    for (const a of refused) assert.equal(authorizeAction(a, offered, false).ok, false, JSON.stringify(a));
    const r = authorizeAction({ kind: 'drop-index', oid: 500 }, offered, true);
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /production profile/);
    assert.equal(OfferedActions.from({ statementsReady: false }).has({ kind: 'reset-statements' }), false);
  });

  it('runWorkloadBenchmark: 1 to 20 distinct queryids, nothing else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'runWorkloadBenchmark', ids: ['123', '-9'] }), { type: 'runWorkloadBenchmark', ids: ['123', '-9'] });
    for (const bad of [
      { type: 'runWorkloadBenchmark', ids: [] },
      { type: 'runWorkloadBenchmark', ids: ['1', '1'] },
      { type: 'runWorkloadBenchmark', ids: ['1; DROP TABLE x'] },
      { type: 'runWorkloadBenchmark', ids: [1] },
      { type: 'runWorkloadBenchmark', ids: Array.from({ length: 21 }, (_, k) => String(k)) },
      { type: 'runWorkloadBenchmark', ids: ['1'], sql: 'SELECT 1' },
      { type: 'runWorkloadBenchmark', ids: '1' },
    ]) assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  });
});
