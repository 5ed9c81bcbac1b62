/**
 * Real trial builds' proofs outlive a window reload (issue 20, person36 L7: each "Developer: Reload Window" built every
 * trial index again — 8+ real CREATE INDEX on the demo's tables — although nothing had changed). A reload is a new
 * process: its stores start from what the editor's storage kept, through the hook the editor installs at activation
 * (keepTrialProofsIn; src/vscode/trialProofStore.ts backs it with workspaceState). Builds are counted by the server
 * itself: pg_stat_statements' CREATE INDEX calls.
 */
import { strict as assert } from 'node:assert';
import type { Database } from '../../../src/db/database';
import { TrialBudget } from '../../../src/db/hypo';
import { IndexDecider } from '../../../src/db/indexDecision';
import { keepTrialProofsIn, parseKeptTrialProofs, PROOF_TTL_MS, TRIAL_PROOFS_KEEP, TRIAL_PROOFS_KEEP_BYTES, type KeptTrialProof, type TrialProofStorage } from '../../../src/db/trialProofs';
import { statementStats, testDatabase } from '../support';
import { NO_HYPOPG } from './hugeFile';

describe('db/trial proofs kept: a window reload reuses the proofs of real trial builds on unchanged tables (real PostgreSQL)', function () {
  this.timeout(600000);
  const t = testDatabase('trialkept');
  let info: { versionNum: number; hypopg: 'unavailable'; pgTrgm: 'unavailable' };

  /** Real CREATE INDEX statements the server ran on `table` in this database (rolled back or not). */
  const builds = async (table: string): Promise<number> =>
    Number((await t.admin.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ~* '^\\s*(/\\*.*?\\*/\\s*)?CREATE\\s+INDEX'
        AND strpos(query, $1) > 0`, [` ON public.${table} `])).rows[0].n);

  /** The editor's storage as VS Code keeps it: JSON, read back as a copy. */
  const memoryStorage = (seed?: unknown): TrialProofStorage & { saved: unknown; saves: number } => {
    const s = {
      saved: seed === undefined ? undefined : JSON.parse(JSON.stringify(seed)) as unknown,
      saves: 0,
      load: () => s.saved,
      save: (entries: KeptTrialProof[]) => {
        s.saves++;
        s.saved = JSON.parse(JSON.stringify(entries));
      },
    };
    return s;
  };

  const makeTable = async (table: string, columns: number) => {
    await t.admin.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, ${Array.from({ length: columns }, (_, i) => `c${i + 1} int NOT NULL`).join(', ')});
      INSERT INTO ${table} SELECT g, ${Array.from({ length: columns }, (_, i) => `(g * ${i + 7}) % 5000`).join(', ')} FROM generate_series(1, 30000) g;
      ANALYZE ${table};`);
    const statements = Array.from({ length: columns }, (_, i) => ({ sql: `SELECT id FROM ${table} WHERE c${i + 1} = $1`, label: `src/${table}.ts:${i + 1}` }));
    return { statements, focus: statements.map((s) => s.sql) };
  };

  /** The editor's decision (pgLens.index.trialBuilds automatic) on a connection of its own, the process's proofs (no trialProofs given). */
  const decide = async (statements: { sql: string; label: string }[], focus: string[], opts: { info?: { versionNum: number; hypopg: 'ready' | 'unavailable'; pgTrgm: 'ready' | 'available' | 'unavailable' } } = {}) => {
    const db: Database = await t.open({ statementTimeoutMs: 60000 });
    const lines: string[] = [];
    const decider = new IndexDecider(db, { info: opts.info ?? info, realIndexes: true, trialBudget: new TrialBudget(), log: (l) => lines.push(l) });
    try {
      await decider.decide(statements, { focus });
    } finally {
      await db.close();
    }
    return { decider, lines };
  };

  before(async function () {
    if (!(await statementStats(t, 'no count of real builds: these tests are skipped'))) return this.skip();
    const db = await t.open();
    info = { ...NO_HYPOPG, versionNum: (await db.serverInfo()).versionNum };
    await db.close();
  });

  after(() => keepTrialProofsIn(undefined));

  it('after a reload (a new process whose store is seeded from the kept entries) nothing is built again; the kept entries are bounded', async () => {
    const { statements, focus } = await makeTable('kept1', 3);
    // What another session left: 250 large proofs (1.25 MB) of another server, older than this one's.
    const old = Date.now() - 60_000;
    const filler = Array.from({ length: 250 }, (_, i) => ({
      server: '["elsewhere",5432,"db","u",false]', key: `filler ${i} ${'x'.repeat(5000)}`, at: old + i,
      proof: { verifiedBy: 'transaction', plan: { totalCost: 1, nodes: [], indexNames: [], seqScans: [] }, costAfter: 1, planUsesIndex: true, indexSizeBytes: null, planIndexName: 'x' },
    }));
    const storage = memoryStorage(filler);
    keepTrialProofsIn(storage);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await decide(statements, focus);
    const made = await builds('kept1');
    assert.ok(made >= statements.length, `the first window proved each read with a build (${made})`);
    const kept = storage.saved as KeptTrialProof[];
    assert.ok(Array.isArray(kept) && kept.some((e) => e.key.includes('kept1')), 'the proofs were given to the storage');

    // Developer: Reload Window — a new process, the same workspace storage, a new connection to the same server and role.
    keepTrialProofsIn(memoryStorage(storage.saved));
    const { decider, lines } = await decide(statements, focus);
    const after = (await builds('kept1')) - made;
    assert.equal(after, 0, `${after} built again after the reload (before: each definition built again in the new process)\n${lines.join('\n')}`);
    for (const s of statements) assert.ok(decider.advice.get(s.sql)?.suggestions.some((x) => x.verifiedBy === 'transaction'), `${s.sql}: proved (the kept proof reused)`);
    assert.ok(lines.some((l) => /reused the proof of a trial index on kept1 made \d+ s ago/.test(l)), lines.join('\n'));
    // Bounded: the newest entries within the byte cap (the other server's oldest large ones went).
    assert.ok(kept.length <= TRIAL_PROOFS_KEEP, `${kept.length} entries kept`);
    assert.ok(Buffer.byteLength(JSON.stringify(kept)) <= TRIAL_PROOFS_KEEP_BYTES, `${Buffer.byteLength(JSON.stringify(kept))} bytes kept`);
    assert.ok(kept.some((e) => e.key.startsWith('filler')) && kept.filter((e) => e.key.startsWith('filler')).length < filler.length, 'the oldest large entries went past the byte cap, newer ones stayed');
    assert.ok(kept.every((e) => e.proof.verifiedBy === 'transaction'), 'only real builds\' proofs are kept');
  });

  it('after a reload, a table that changed (rows added and ANALYZE, or a new index) is proved by a build again', async () => {
    const { statements, focus } = await makeTable('kept2', 2);
    const storage = memoryStorage();
    keepTrialProofsIn(storage);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await decide(statements, focus);
    const made = await builds('kept2');
    assert.ok(made >= statements.length, `the first window proved each read with a build (${made})`);

    // Rows added and analysed (the row estimate and size in the snapshot change), then a reload.
    await t.admin.query('INSERT INTO kept2 SELECT g, g % 5000, g % 4000 FROM generate_series(30001, 45000) g; ANALYZE kept2;');
    keepTrialProofsIn(memoryStorage(storage.saved));
    await decide(statements, focus);
    const afterAnalyze = (await builds('kept2')) - made;
    assert.ok(afterAnalyze >= statements.length, `the grown, analysed table proved again by builds (${afterAnalyze})`);

    // A new index on it (another column), then a reload.
    const saved = storage.saved;
    await t.admin.query('CREATE INDEX kept2_id_c1 ON kept2 (id, c1)');
    keepTrialProofsIn(memoryStorage(saved));
    await decide(statements, focus);
    const afterIndex = (await builds('kept2')) - made - afterAnalyze;
    assert.ok(afterIndex >= 1, `the table with a new index proved again by builds (${afterIndex})`);
  });

  it('a kept proof older than an hour is dropped on load: the reload builds it again', async () => {
    const { statements, focus } = await makeTable('kept3', 1);
    const storage = memoryStorage();
    keepTrialProofsIn(storage);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    await decide(statements, focus);
    const made = await builds('kept3');
    assert.ok(made >= 1, `built once (${made})`);
    assert.equal(parseKeptTrialProofs(storage.saved, Date.now() + PROOF_TTL_MS + 60_000).length, 0, 'nothing kept past the hour');
    const realNow = Date.now;
    Date.now = () => realNow() + PROOF_TTL_MS + 60_000;
    try {
      keepTrialProofsIn(memoryStorage(storage.saved));
    } finally {
      Date.now = realNow;
    }
    await decide(statements, focus);
    assert.ok((await builds('kept3')) - made >= 1, 'built again after the hour');
    assert.deepEqual(parseKeptTrialProofs([{ server: 's', key: 'k', at: Date.now(), proof: { verifiedBy: 'transaction' } }, 'x', null, 42]), [], 'malformed entries are dropped');
  });

  it('with HypoPG, proofs are hypothetical and nothing is kept for them (a hypothetical index costs no build)', async function () {
    const db = await t.open();
    const real = await db.serverInfo();
    await db.close();
    if (real.hypopg !== 'ready') {
      // Installed on the server but not in this database: created here (the PG15 + HypoPG run of CI).
      if (real.hypopg !== 'available') return this.skip();
      await t.admin.query('CREATE EXTENSION hypopg');
    }
    const { statements, focus } = await makeTable('kept4', 2);
    const storage = memoryStorage();
    keepTrialProofsIn(storage);
    await t.admin.query('SELECT pg_stat_statements_reset()');
    const withHypo = { versionNum: real.versionNum, hypopg: 'ready' as const, pgTrgm: real.pgTrgm };
    const { decider } = await decide(statements, focus, { info: withHypo });
    assert.equal(await builds('kept4'), 0, 'no real build with HypoPG');
    for (const s of statements) assert.ok(decider.advice.get(s.sql)?.suggestions.some((x) => x.verifiedBy === 'hypopg'), `${s.sql}: proved by HypoPG`);
    assert.equal(storage.saves, 0, 'nothing kept: the store holds real builds\' proofs only');
  });
});
