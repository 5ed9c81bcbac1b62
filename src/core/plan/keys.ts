/**
 * The keys PostgreSQL writes in EXPLAIN (FORMAT JSON) output, as one enum, so no part of PG Lens
 * spells them by hand. Values are exactly PostgreSQL's spelling (src/backend/commands/explain.c).
 * Derived figures of ours never use these names: they live in PlanNode.metrics.
 */
export enum K {
  // top level (one element of the EXPLAIN array)
  Plan = 'Plan',
  PlanningTime = 'Planning Time',
  ExecutionTime = 'Execution Time',
  Planning = 'Planning',
  Triggers = 'Triggers',
  JIT = 'JIT',
  Settings = 'Settings',
  QueryIdentifier = 'Query Identifier',
  QueryText = 'Query Text',
  Serialization = 'Serialization',

  // node identity
  NodeType = 'Node Type',
  ParentRelationship = 'Parent Relationship',
  SubplanName = 'Subplan Name',
  CustomPlanProvider = 'Custom Plan Provider',
  Strategy = 'Strategy',
  PartialMode = 'Partial Mode',
  Operation = 'Operation',
  ParallelAware = 'Parallel Aware',
  AsyncCapable = 'Async Capable',
  Plans = 'Plans',

  // relation
  RelationName = 'Relation Name',
  Schema = 'Schema',
  Alias = 'Alias',
  IndexName = 'Index Name',
  ScanDirection = 'Scan Direction',
  CteName = 'CTE Name',
  FunctionName = 'Function Name',
  TableFunctionName = 'Table Function Name',
  TuplestoreName = 'Tuplestore Name',
  JoinType = 'Join Type',
  InnerUnique = 'Inner Unique',
  SubplansRemoved = 'Subplans Removed',

  // estimates
  StartupCost = 'Startup Cost',
  TotalCost = 'Total Cost',
  PlanRows = 'Plan Rows',
  PlanWidth = 'Plan Width',
  Disabled = 'Disabled',

  // actuals (ANALYZE)
  ActualStartupTime = 'Actual Startup Time',
  ActualTotalTime = 'Actual Total Time',
  ActualRows = 'Actual Rows',
  ActualLoops = 'Actual Loops',
  Workers = 'Workers',
  WorkerNumber = 'Worker Number',
  WorkersPlanned = 'Workers Planned',
  WorkersLaunched = 'Workers Launched',
  SingleCopy = 'Single Copy',

  // conditions and output
  Output = 'Output',
  Filter = 'Filter',
  IndexCond = 'Index Cond',
  RecheckCond = 'Recheck Cond',
  JoinFilter = 'Join Filter',
  HashCond = 'Hash Cond',
  MergeCond = 'Merge Cond',
  OneTimeFilter = 'One-Time Filter',
  TidCond = 'TID Cond',
  RowsRemovedByFilter = 'Rows Removed by Filter',
  RowsRemovedByJoinFilter = 'Rows Removed by Join Filter',
  RowsRemovedByIndexRecheck = 'Rows Removed by Index Recheck',
  HeapFetches = 'Heap Fetches',
  IndexSearches = 'Index Searches',
  ExactHeapBlocks = 'Exact Heap Blocks',
  LossyHeapBlocks = 'Lossy Heap Blocks',
  GroupKey = 'Group Key',
  SortKey = 'Sort Key',
  PresortedKey = 'Presorted Key',
  InitPlan = 'InitPlan',

  // sort
  SortMethod = 'Sort Method',
  SortSpaceUsed = 'Sort Space Used',
  SortSpaceType = 'Sort Space Type',
  FullsortGroups = 'Full-sort Groups',
  PresortedGroups = 'Pre-sorted Groups',

  // hash
  HashBuckets = 'Hash Buckets',
  OriginalHashBuckets = 'Original Hash Buckets',
  HashBatches = 'Hash Batches',
  OriginalHashBatches = 'Original Hash Batches',
  PeakMemoryUsage = 'Peak Memory Usage',
  DiskUsage = 'Disk Usage',
  HashAggBatches = 'HashAgg Batches',

  // memoize
  CacheKey = 'Cache Key',
  CacheMode = 'Cache Mode',
  CacheHits = 'Cache Hits',
  CacheMisses = 'Cache Misses',
  CacheEvictions = 'Cache Evictions',
  CacheOverflows = 'Cache Overflows',

  // buffers
  SharedHitBlocks = 'Shared Hit Blocks',
  SharedReadBlocks = 'Shared Read Blocks',
  SharedDirtiedBlocks = 'Shared Dirtied Blocks',
  SharedWrittenBlocks = 'Shared Written Blocks',
  LocalHitBlocks = 'Local Hit Blocks',
  LocalReadBlocks = 'Local Read Blocks',
  LocalDirtiedBlocks = 'Local Dirtied Blocks',
  LocalWrittenBlocks = 'Local Written Blocks',
  TempReadBlocks = 'Temp Read Blocks',
  TempWrittenBlocks = 'Temp Written Blocks',
  // I/O timings: PostgreSQL 15 split "I/O Read Time" into shared/local and temp; 17 renamed again.
  IoReadTime = 'I/O Read Time',
  IoWriteTime = 'I/O Write Time',
  SharedIoReadTime = 'Shared I/O Read Time',
  SharedIoWriteTime = 'Shared I/O Write Time',
  LocalIoReadTime = 'Local I/O Read Time',
  LocalIoWriteTime = 'Local I/O Write Time',
  TempIoReadTime = 'Temp I/O Read Time',
  TempIoWriteTime = 'Temp I/O Write Time',

  // WAL
  WalRecords = 'WAL Records',
  WalFpi = 'WAL FPI',
  WalBytes = 'WAL Bytes',

  // triggers
  TriggerName = 'Trigger Name',
  ConstraintName = 'Constraint Name',
  Relation = 'Relation',
  Time = 'Time',
  Calls = 'Calls',

  // JIT
  JitFunctions = 'Functions',
  JitOptions = 'Options',
  JitTiming = 'Timing',
  JitTotal = 'Total',

  // modify table
  ConflictResolution = 'Conflict Resolution',
  TuplesInserted = 'Tuples Inserted',
  ConflictingTuples = 'Conflicting Tuples',
}

/** Parent relationships PostgreSQL reports (every one, read or not: `@public` tells knip so). */
export const enum Rel {
  Outer = 'Outer',
  Inner = 'Inner',
  /** @public */
  Member = 'Member',
  /** @public */
  Subquery = 'Subquery',
  InitPlan = 'InitPlan',
  SubPlan = 'SubPlan',
}

/** Raw node object as PostgreSQL wrote it (keys of K; values as in the JSON). */
export type RawNode = { [key: string]: unknown } & { [K.Plans]?: RawNode[] };
