/**
 * Health checks: pure functions from facts (read by src/db/health.ts) to findings, each with the
 * objects involved (schema and name), the evidence, and the SQL that fixes it.
 */
import type { MaintenanceAction } from '../dashboard/actions';
import type { HistorySnapshot } from '../dashboard/history';
import type { CodeContext } from '../codeContext';

export type HealthSeverity = 'error' | 'warning' | 'info';
type HealthCategory = 'activity' | 'indexes' | 'tables' | 'maintenance' | 'replication' | 'security' | 'settings';

export interface ObjectRef {
  kind:
    | 'table' | 'index' | 'sequence' | 'constraint' | 'materialized view' | 'session' | 'database' | 'replication slot' | 'setting' | 'standby' | 'archiver'
    | 'role' | 'schema' | 'function' | 'column' | 'extension' | 'language' | 'foreign server' | 'pg_hba.conf line';
  schema?: string;
  name: string;
  /** The table an index or constraint belongs to. */
  table?: string;
  oid?: number;
  pid?: number;
}

export interface HealthFinding {
  checkId: string;
  severity: HealthSeverity;
  category: HealthCategory;
  message: string;
  objects: ObjectRef[];
  evidence: Record<string, unknown>;
  /** Statements that fix it, identifiers quoted part by part; empty when the fix is not SQL. */
  fixSql: string[];
  /** What to do, in a sentence, when SQL alone does not say it. */
  help?: string;
  /** The dashboard's button for it (addressed by catalog identity). */
  action?: MaintenanceAction;
}

export interface SessionFact {
  pid: number;
  /** backend_start as the server prints it (text), to address the session safely. */
  backendStart: string;
  database: string | null;
  user: string | null;
  application: string;
  clientAddr: string | null;
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  query: string;
  querySeconds: number | null;
  xactSeconds: number | null;
  stateSeconds: number | null;
  blockedBy: number[];
  ssl: boolean | null;
  superuser: boolean;
  /** One of PG Lens's own sessions (application_name 'pg-lens' or the reading session). */
  own: boolean;
}

/** What an index and a foreign key share: the object, the table it belongs to, and its columns. */
export interface TableObjectFact {
  oid: number;
  schema: string;
  table: string;
  tableOid: number;
  name: string;
  /** Attribute numbers (pg_index.indkey: 0 for an expression column; pg_constraint.conkey). */
  columns: number[];
}

export interface IndexFact extends TableObjectFact {
  columnNames: (string | null)[];
  /** Number of key columns (the rest are INCLUDE columns). */
  keyColumns: number;
  /** pg_index.indclass, as text (operator classes). */
  opclasses: string;
  expressions: string | null;
  predicate: string | null;
  method: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  /** Name of the constraint it backs (PRIMARY KEY, UNIQUE, EXCLUDE), if any. */
  constraint: string | null;
  definition: string;
  sizeBytes: number;
  scans: number | null;
  relpages: number;
  reltuples: number;
  /** Sum of avg_width of its columns from pg_stats (null when not analysed or with expressions). */
  dataWidth: number | null;
  maxNullFrac: number;
  fillfactor: number | null;
}

export interface ForeignKeyFact extends TableObjectFact {
  columnNames: string[];
  referencedSchema: string;
  referencedTable: string;
  tableRows: number;
}

export interface TableFact {
  oid: number;
  schema: string;
  name: string;
  kind: 'table' | 'materialized view';
  liveTuples: number;
  deadTuples: number;
  modsSinceAnalyze: number;
  lastVacuum: string | null;
  lastAutovacuum: string | null;
  lastAnalyze: string | null;
  lastAutoanalyze: string | null;
  /** Seconds since the most recent (auto)vacuum, null when never. */
  vacuumAgeSeconds: number | null;
  reltuples: number;
  relpages: number;
  sizeBytes: number;
  /** Effective autovacuum settings (table reloptions over server settings). */
  autovacuumEnabled: boolean;
  vacuumThreshold: number;
  vacuumScaleFactor: number;
  analyzeThreshold: number;
  analyzeScaleFactor: number;
  freezeAge: number;
  /** Average width of a row's data from pg_stats, null when never analysed or when a column has no statistics. */
  tupleWidth: number | null;
  maxNullFrac: number;
  fillfactor: number | null;
  /**
   * Columns with no statistics in pg_stats although ANALYZE collects them (never analysed, or dropped by ALTER COLUMN TYPE
   * as Sequelize's sync({ alter: true }) does), in column order; undefined when not read (a relation too small for a bloat
   * estimate). Any of them: no bloat estimate (a missing width is not bloat).
   */
  columnsWithoutStats?: string[];
  /** Columns whose statistics this role cannot see (column privileges, row security) or that ANALYZE skips (statistics target 0). */
  columnsStatsHidden?: number;
  /** Columns of the relation (not dropped), for "N of M". */
  columnCount?: number;
}

export interface SequenceFact {
  schema: string;
  name: string;
  dataType: string;
  lastValue: number | null;
  minValue: number;
  maxValue: number;
  increment: number;
  /** The column it feeds (owned by), whose type may be narrower than the sequence's. */
  ownedBy: { schema: string; table: string; column: string; type: string } | null;
}

interface ConstraintFact {
  oid: number;
  schema: string;
  table: string;
  name: string;
  type: 'check' | 'foreign key' | 'not null' | 'other';
}

interface DatabaseFact {
  name: string;
  frozenXidAge: number;
}

interface ReplicaFact {
  applicationName: string;
  clientAddr: string | null;
  state: string;
  replayLagSeconds: number | null;
  replayLagBytes: number | null;
}

interface SlotFact {
  name: string;
  type: string;
  active: boolean;
  database: string | null;
  retainedBytes: number | null;
  walStatus: string | null;
}

interface ArchiverFact {
  archiveMode: string;
  archivedCount: number;
  failedCount: number;
  lastFailedWal: string | null;
  lastFailedTime: string | null;
  lastArchivedTime: string | null;
  /** The last failure is newer than the last success. */
  failingNow: boolean;
}

export interface HealthFacts {
  versionNum: number;
  database: string;
  inRecovery: boolean;
  /** Seconds since the last replayed transaction, on a standby. */
  standbyReplayDelaySeconds: number | null;
  settings: Record<string, { setting: string; unit: string | null }>;
  sessions: SessionFact[];
  indexes: IndexFact[];
  foreignKeys: ForeignKeyFact[];
  tables: TableFact[];
  sequences: SequenceFact[];
  constraints: ConstraintFact[];
  databases: DatabaseFact[];
  replicas: ReplicaFact[];
  slots: SlotFact[];
  archiver: ArchiverFact | null;
  checkpoints: { timed: number; requested: number } | null;
  tempFiles: number;
  /** Seconds the index usage statistics span (null = unknown): since their reset, or for statistics never reset since the database's creation or the server's start (statsAgeFrom). */
  statsAgeSeconds: number | null;
  /** What statsAgeSeconds counts from; absent when unknown. */
  statsAgeFrom?: 'reset' | 'database-created' | 'server-start';
  /** Seconds since the pg_stats widths behind the bloat estimates were read (kept between runs, at most 10 minutes; 0 when this run read them). */
  bloatWidthsAgeSeconds?: number;
  /** Roles, privileges, row security, sensitive columns, extensions (the security checks); absent when not read. */
  security?: SecurityFacts;
  /** Storage and capacity facts for the workload advisors (brin-candidate, toast-compression, connection-saturation); absent when not read. */
  workload?: WorkloadFacts;
  /** PgBouncer's pools and statistics (SHOW POOLS, SHOW STATS) when its admin console was given; absent otherwise. */
  pgbouncer?: PgBouncerFacts;
  /**
   * Something between PG Lens and the server: the port connected to is not the one the server accepted the
   * session on (inet_server_port). `pgbouncer`: PgBouncer's SHOW VERSION on that host and port's admin
   * console (or that its console refused this user), null when it is another proxy or pooler.
   */
  frontend?: { connectedPort: number; serverPort: number; pgbouncer: string | null };
  /** The dashboard's stored snapshots (or a history file given to the CLI), oldest first: capacity-forecast and stale-materialized-view; absent when there is none. */
  history?: HistorySnapshot[];
  /**
   * The workspace's index advice (the editor's proved suggestions): unindexed-foreign-key names the advised index that
   * leads with a foreign key's columns instead of a narrower one of its own (person30 L3). Absent: none known (the CLI).
   */
  advisedIndexes?: readonly AdvisedIndexFact[];
  /**
   * Tables whose index advice is not decided yet (`'all'`: the decision over the workspace is still being made; a list:
   * the tables whose candidates the trial-build budget held back, as `schema.name`): an unindexed foreign key on one, with
   * no advised index leading with its columns yet, gets no fix until it is — not a narrower index the advice may then
   * advise against (issue 20, person33 M2: 16 s after a reload the dashboard offered orders (customer_id) beside the
   * orders (customer_id, placed_at DESC) the CLI and the hover name). Absent: the advice is decided (or there is none).
   */
  indexAdvicePending?: 'all' | readonly string[];
  /**
   * What the duplicates check found on the key of each invalid UNIQUE index (db/health checkUniqueKeys): a failed
   * CREATE UNIQUE INDEX CONCURRENTLY on duplicated data is the commonest invalid index, and REINDEX of it fails the same
   * way and leaves a second invalid index, `<name>_ccnew` (person45 H2). Absent: not read (no invalid unique index).
   */
  uniqueKeyChecks?: readonly UniqueKeyCheck[];
}

/** The duplicates check of an invalid UNIQUE index's key columns (bounded: at most `limit` keys counted, a statement timeout). */
export interface UniqueKeyCheck {
  /** The index's oid. */
  oid: number;
  /** Keys found duplicated (at most `limit`): 0 = none, the key is unique now; null = not checked (`notChecked` says why). */
  duplicatedKeys: number | null;
  limit: number;
  /** The most duplicated of them, as PostgreSQL's DETAIL writes a key: `(product_id)=(42)`, cut to 200 characters. */
  example?: string;
  /** Rows with that key. */
  exampleRows?: number;
  notChecked?: string;
}

/** An index the workspace's advice suggests: its table ("reviews" or "public.reviews"), key columns as written ("created_at DESC"), CREATE INDEX. */
export interface AdvisedIndexFact {
  table: string;
  columns: readonly string[];
  ddl: string;
}

interface BrinCandidateFact {
  schema: string;
  table: string;
  index: string;
  column: string;
  columnType: string;
  /** pg_stats.correlation of the column: how closely its order follows the rows' physical order. */
  correlation: number;
  reltuples: number;
  tablePages: number;
  indexPages: number;
  inserted: number;
  updated: number;
  deleted: number;
  scans: number;
}

interface ToastColumnFact {
  schema: string;
  table: string;
  column: string;
  type: string;
  /** attcompression: '' (the default), 'p' (pglz) or 'l' (lz4). */
  compression: string;
  toastBytes: number;
}

export interface StatementUseFact {
  queryid: string;
  query: string;
  calls: number;
  rows: number;
  meanMs: number;
  /**
   * PG Lens's own Benchmark runs whose time is in `meanMs` (not measured apart from the application's; core/cost
   * appFigures): the mean is of the calls and those runs together. Their calls and rows are out of `calls` and `rows`.
   */
  ownIncluded?: number;
  /** The user tables it reads, with rows inserted, updated and deleted since the statistics were reset. */
  tables: { schema: string; table: string; writes: number }[];
}

export interface MatviewFact {
  oid: number;
  schema: string;
  name: string;
  populated: boolean;
  /** Sequential and index scans of the view since the statistics were reset. */
  scans: number;
  sizeBytes: number;
  /** It has a unique index on plain columns, so REFRESH … CONCURRENTLY works. */
  hasUniqueIndex: boolean;
  /** Columns pg_stats shows as unique and never null (n_distinct = -1, null_frac = 0): a key for the unique index CONCURRENTLY needs. */
  uniqueColumns: string[];
  /** Columns of the view with no statistics (never analysed, or dropped by ALTER): uniqueColumns cannot be trusted to be complete. */
  columnsWithoutStats?: number;
  /** The tables it reads, with rows written since the statistics were reset. */
  sources: { schema: string; table: string; writes: number }[];
  /** Changes when the view is refreshed (its pg_class row version and rows written to it): compared across history snapshots. */
  refreshMark: string;
}

/** A REFRESH MATERIALIZED VIEW statement as pg_stat_statements recorded it. */
export interface RefreshStatementFact {
  query: string;
  calls: number;
  meanMs: number;
}

/** A table with a column of a time type that follows the physical row order (insert-ordered). */
export interface TimeTableFact {
  schema: string;
  table: string;
  column: string;
  columnType: string;
  correlation: number;
  sizeBytes: number;
  reltuples: number;
  inserted: number;
  updated: number;
  deleted: number;
  /** Share of the column's histogram older than archiveAfterDays (null when not analysed with a histogram). */
  oldShare: number | null;
  /** Oldest and newest values the histogram shows (ISO text), and the first day of each month between them. */
  oldest: string | null;
  newest: string | null;
  months: string[];
  /** The table has a primary key or unique constraint without the time column (a partitioned table cannot keep it). */
  keyWithoutColumn: string | null;
}

export interface WorkloadFacts {
  matviews: MatviewFact[];
  brinCandidates: BrinCandidateFact[];
  toastColumns: ToastColumnFact[];
  /** lz4 is among default_toast_compression's values (PostgreSQL 14+ built with lz4). */
  lz4Available: boolean;
  defaultToastCompression: string | null;
  /** Frequent or expensive read statements of this database (pg_stat_statements) with the writes to the tables they read; null when unavailable. */
  statements?: StatementUseFact[] | null;
  /** REFRESH MATERIALIZED VIEW statements from pg_stat_statements; null when unavailable. */
  refreshes?: RefreshStatementFact[] | null;
  /** Seconds pg_stat_statements has counted the statements' calls over (for call rates); null when unknown. */
  statementsPeriodSeconds?: number | null;
  /** Large tables keyed by an insert-ordered time column (archive-candidate, partition-candidate). */
  timeTables: TimeTableFact[];
  /** The next transaction id (64-bit, from the current snapshot), for the consumption rate in history. */
  nextXid: number | null;
  /** pg_cron is installed in this database (refresh schedules). */
  pgCron: boolean;
  /** Connection slots: max_connections, reserved for superusers (and pg_use_reserved_connections, 16+). */
  connections: { max: number; superuserReserved: number; reserved: number; byState: Record<string, number>; byApplication: Record<string, number>; total: number; /** inet_server_port(): the port the server accepted this session on (null over a Unix socket). */ serverPort?: number | null };
}

export interface PgBouncerFacts {
  version: string;
  pools: { database: string; user: string; mode: string | null; clientsActive: number; clientsWaiting: number; serversActive: number; serversIdle: number; serversUsed: number; maxWaitSeconds: number; poolSize: number | null }[];
  stats: { database: string; transactions: number; queries: number; avgTransactionMs: number; avgQueryMs: number; avgWaitMs: number }[];
}

/** A role the application or this profile logs in as. */
interface RoleFact {
  name: string;
  superuser: boolean;
  bypassRls: boolean;
  createRole: boolean;
  createDb: boolean;
  replication: boolean;
  /** The bootstrap superuser (the role initdb created): it cannot give up SUPERUSER. */
  bootstrap?: boolean;
  /** User tables it owns. */
  ownedTables: number;
  /** This profile's role (current_user); the others were seen in client sessions of this database. */
  current: boolean;
  /** Client sessions of this database logged in as it (PG Lens's own left out). */
  sessions: number;
  applications: string[];
}

/** What one table is used for: from the code's statements (SQL discovery) or the table statistics. */
export interface TableUsage {
  schema: string;
  table: string;
  select: boolean;
  insert: boolean;
  update: boolean;
  delete: boolean;
  /** The code's statements or query-builder calls name this table (a table only the statistics show is absent/false). */
  inCode?: boolean;
  /**
   * Where the code does each write (`file:line`, or the file of a query-builder call): the least-privilege script names
   * the places of a write privilege only a few of them need, so the reader can tell a one-off script's DELETE from the
   * application's (person43 L5).
   */
  places?: Partial<Record<WriteKind, string[]>>;
  /** Write kinds a source without places does too (the table statistics counted them). */
  unplaced?: WriteKind[];
}

type WriteKind = 'insert' | 'update' | 'delete';

/**
 * Write kinds the table statistics counted on a table that no statement of the application in pg_stat_statements does
 * (corroborateWrites): a foreign key's cascade, a rolled-back run (PG Lens's Explain Analyze from any window or process
 * included), a trigger's write, or a statement no longer in pg_stat_statements. Left out of the least-privilege script.
 */
export interface WritesLeftOut {
  schema: string;
  table: string;
  kinds: ('insert' | 'update' | 'delete')[];
  /** The kinds were written only by loads (core/advice/workload batchLoad): their statements, runs and rows. */
  load?: { statements: number; calls: number; rows: number };
}

/**
 * Privileges only code that is not the application's uses — seeds, migrations, tests, one-off scripts (core/codeContext,
 * as the N+1 detector classifies them): listed apart in the least-privilege script, never granted to the app role.
 */
export interface UsageApart {
  schema: string;
  table: string;
  kinds: ('select' | 'insert' | 'update' | 'delete')[];
  contexts: CodeContext[];
}

interface SensitiveColumnFact {
  name: string;
  type: string;
  /** PUBLIC holds a column-level SELECT grant on it. */
  publicColumn: boolean;
  /** Up to a few most common values or histogram bounds from pg_stats, to judge the shape; never reported. Null when unreadable or not analysed. */
  sample: string[] | null;
  /** The reading role may SELECT it (so pg_stats shows it). */
  statsVisible: boolean;
}

export interface SecurityFacts {
  currentUser: string;
  roles: RoleFact[];
  /** Roles whose stored password is MD5; null when pg_authid is not readable (needs superuser). */
  md5PasswordRoles: string[] | null;
  /** pg_hba.conf lines with auth method trust; null when pg_hba_file_rules is not readable. */
  hbaTrust: { line: number; type: string; database: string[]; user: string[]; address: string | null }[] | null;
  /** User schemas where PUBLIC holds CREATE. */
  publicCreateSchemas: { schema: string; owner: string }[];
  /** ALTER DEFAULT PRIVILEGES entries that grant to PUBLIC. */
  publicDefaultAcls: { role: string; schema: string | null; objectType: 'tables' | 'sequences' | 'schemas'; privileges: string[] }[];
  definerFunctions: { schema: string; name: string; args: string; owner: string; ownerSuperuser: boolean; kind: 'function' | 'procedure'; searchPath: string | null; publicExecute: boolean }[];
  /** Tables with row security, policies, or a tenant/user key column. */
  rlsTables: { schema: string; name: string; owner: string; ownedByCurrent: boolean; enabled: boolean; forced: boolean; policies: number; keyColumn: string | null; keyType: string | null; readable: boolean }[];
  /** Tables (and materialized views) some of whose columns PUBLIC may SELECT. */
  publicTables: { schema: string; name: string; publicTable: boolean; columns: SensitiveColumnFact[] }[];
  extensions: { name: string; schema: string; version: string }[];
  userMappings: { server: string; user: string; hasPassword: boolean | null; publicUsage: boolean }[];
  untrustedLanguages: { name: string; owner: string; functions: number; publicDefinerFunctions: string[] }[];
  pgcrypto: boolean;
  pgaudit: boolean;
  /** WAL segment being written and the last archived one (null on a standby or when unknown). */
  currentWal: string | null;
  lastArchivedWal: string | null;
  /**
   * What the tables are used for: the code's statements and query-builder calls when given, and the table statistics
   * (by any role, since their reset) when the role has powers to give up — both merged, so the script is never narrower
   * than what is known the application does; null when not needed. `writesLeftOut` is there when the statistics' write
   * kinds were checked against the statements pg_stat_statements holds: the kinds no statement does, left out.
   */
  usage: { source: 'code' | 'statistics' | 'code+statistics'; tables: TableUsage[]; writesLeftOut?: WritesLeftOut[]; apart?: UsageApart[] } | null;
  /** What could not be seen with this role's privileges, per check. */
  unseen: { checkId: string; what: string }[];
}

export interface HealthThresholds {
  longRunningSeconds: number;
  idleInTransactionSeconds: number;
  blockedSeconds: number;
  /** Unused indexes smaller than this are left out. */
  unusedIndexMinBytes: number;
  /** Unused-index findings wait until the statistics are at least this old. */
  unusedIndexMinStatsAgeSeconds: number;
  bloatMinShare: number;
  bloatMinBytes: number;
  deadTupleMinCount: number;
  deadTupleMinShare: number;
  staleStatsMinMods: number;
  autovacuumLagSeconds: number;
  wraparoundWarnAge: number;
  wraparoundErrorAge: number;
  sequenceMaxShare: number;
  replicationLagSeconds: number;
  slotRetainedWarnBytes: number;
  /** backup-freshness: the last archived WAL older than this (with WAL waiting) is stale. */
  archiveMaxAgeSeconds: number;
  /** brin-candidate: tables from this many pages, |correlation| at least this. */
  brinMinPages: number;
  brinMinCorrelation: number;
  /** toast-compression: TOAST tables from this size. */
  toastMinBytes: number;
  /** connection-saturation: share of the usable slots in use (warning; error from errorShare). */
  connectionWarnShare: number;
  connectionErrorShare: number;
  /** pool-sizing: clients waiting this long for a server connection (seconds). */
  poolMaxWaitSeconds: number;
  /** cache-candidate: statements called at least this often, whose tables get at most one write per this many calls. */
  cacheMinCalls: number;
  cacheMinCallsPerWrite: number;
  /** materialized-view-candidate: statements called at least this often, this slow on average, with at most one write to their tables per this many calls. */
  mvMinCalls: number;
  mvMinMeanMs: number;
  mvMinCallsPerWrite: number;
  /** stale-materialized-view: not refreshed for at least this long while its tables were written (from history). */
  staleMvMinSeconds: number;
  /** refresh-cost: a refresh taking at least this long on average. */
  refreshMinMs: number;
  /** archive-candidate / partition-candidate: tables from this size, rows older than archiveAfterDays at least this share. */
  archiveMinBytes: number;
  archiveAfterDays: number;
  archiveMinOldShare: number;
  partitionMinBytes: number;
  /** capacity-forecast: history needed (snapshots and hours spanned), a size budget (0 = none), and how soon a limit must be to warn. */
  capacityMinSnapshots: number;
  capacityMinHistoryHours: number;
  capacityBudgetBytes: number;
  capacityWarnDays: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  longRunningSeconds: 60,
  idleInTransactionSeconds: 60,
  blockedSeconds: 5,
  unusedIndexMinBytes: 0,
  /** No DROP offered on statistics younger than a week (pgLens.index.dropMinStatsAgeDays's default). */
  unusedIndexMinStatsAgeSeconds: 7 * 86400,
  bloatMinShare: 0.3,
  bloatMinBytes: 10 * 1024 * 1024,
  deadTupleMinCount: 10000,
  deadTupleMinShare: 0.2,
  staleStatsMinMods: 1000,
  autovacuumLagSeconds: 24 * 3600,
  wraparoundWarnAge: 1_000_000_000,
  wraparoundErrorAge: 1_600_000_000,
  sequenceMaxShare: 0.9,
  replicationLagSeconds: 60,
  slotRetainedWarnBytes: 1024 * 1024 * 1024,
  archiveMaxAgeSeconds: 24 * 3600,
  brinMinPages: 4096,
  brinMinCorrelation: 0.95,
  toastMinBytes: 16 * 1024 * 1024,
  connectionWarnShare: 0.8,
  connectionErrorShare: 0.95,
  poolMaxWaitSeconds: 1,
  cacheMinCalls: 500,
  cacheMinCallsPerWrite: 20,
  mvMinCalls: 100,
  mvMinMeanMs: 20,
  mvMinCallsPerWrite: 10,
  staleMvMinSeconds: 24 * 3600,
  refreshMinMs: 10_000,
  archiveMinBytes: 1024 ** 3,
  archiveAfterDays: 90,
  archiveMinOldShare: 0.25,
  partitionMinBytes: 10 * 1024 ** 3,
  capacityMinSnapshots: 3,
  capacityMinHistoryHours: 24,
  capacityBudgetBytes: 0,
  capacityWarnDays: 30,
};

export interface HealthCheck {
  id: string;
  title: string;
  category: HealthCategory;
  /** One line: what it looks at and when it fires (docs/dashboard.md says more). */
  summary: string;
  run(facts: HealthFacts, t: HealthThresholds): HealthFinding[];
}
