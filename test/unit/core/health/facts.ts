/** Builders of health facts for unit tests: a clean baseline, overridden per test. */
import type { HealthFacts, IndexFact, SessionFact, TableFact, WorkloadFacts } from '../../../../src/core/health';

export function facts(over: Partial<HealthFacts> = {}): HealthFacts {
  return {
    versionNum: 180000,
    database: 'app',
    inRecovery: false,
    standbyReplayDelaySeconds: null,
    settings: {},
    sessions: [],
    indexes: [],
    foreignKeys: [],
    tables: [],
    sequences: [],
    constraints: [],
    databases: [],
    replicas: [],
    slots: [],
    archiver: null,
    checkpoints: null,
    tempFiles: 0,
    statsAgeSeconds: null,
    ...over,
  };
}

export function session(over: Partial<SessionFact> = {}): SessionFact {
  return {
    pid: 100,
    backendStart: '2026-01-01 10:00:00.123456+00',
    database: 'app',
    user: 'app',
    application: 'web',
    clientAddr: '10.0.0.1',
    state: 'active',
    waitEventType: null,
    waitEvent: null,
    query: 'SELECT 1',
    querySeconds: 1,
    xactSeconds: 1,
    stateSeconds: 1,
    blockedBy: [],
    ssl: true,
    superuser: false,
    own: false,
    ...over,
  };
}

export function index(over: Partial<IndexFact> = {}): IndexFact {
  return {
    oid: 1000,
    schema: 'public',
    table: 't',
    tableOid: 10,
    name: 'i',
    columns: [1],
    columnNames: ['a'],
    keyColumns: 1,
    opclasses: '1978',
    expressions: null,
    predicate: null,
    method: 'btree',
    unique: false,
    primary: false,
    valid: true,
    constraint: null,
    definition: '',
    sizeBytes: 8192,
    scans: 10,
    relpages: 1,
    reltuples: 0,
    dataWidth: null,
    maxNullFrac: 0,
    fillfactor: null,
    ...over,
  };
}

export function table(over: Partial<TableFact> = {}): TableFact {
  return {
    oid: 10,
    schema: 'public',
    name: 't',
    kind: 'table',
    liveTuples: 1000,
    deadTuples: 0,
    modsSinceAnalyze: 0,
    lastVacuum: null,
    lastAutovacuum: null,
    lastAnalyze: null,
    lastAutoanalyze: null,
    vacuumAgeSeconds: null,
    reltuples: 1000,
    relpages: 10,
    sizeBytes: 81920,
    autovacuumEnabled: true,
    vacuumThreshold: 50,
    vacuumScaleFactor: 0.2,
    analyzeThreshold: 50,
    analyzeScaleFactor: 0.1,
    freezeAge: 1000,
    tupleWidth: 40,
    maxNullFrac: 0,
    fillfactor: null,
    ...over,
  };
}

export function workload(over: Partial<WorkloadFacts> = {}): WorkloadFacts {
  return { matviews: [], brinCandidates: [], toastColumns: [], timeTables: [], nextXid: null, pgCron: false, lz4Available: true, defaultToastCompression: 'pglz', connections: { max: 100, superuserReserved: 3, reserved: 0, byState: { active: 2 }, byApplication: { web: 2 }, total: 2 }, ...over };
}
