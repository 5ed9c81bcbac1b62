/**
 * Bloat estimates from catalog figures alone (no pgstattuple), after the approach of ioguix's
 * pgsql-bloat-estimation: the pages the rows would need (tuple header + aligned data width from
 * pg_stats, item pointers, page header, fillfactor) against the pages the relation has.
 * An estimate: it says "about", and is not made at all when the statistics under it are missing or
 * stale — a column without statistics is not bloat (issue 20 item 6: Sequelize's sync({ alter: true })
 * leaves columns without statistics, and the estimate read "95% bloat" for a table with 0 dead rows).
 * Then the finding says which statistics are missing and that ANALYZE brings them.
 */
import type { HealthCheck, HealthFacts, HealthFinding, HealthThresholds, IndexFact, TableFact } from '../types';
import { finding, relationFix, type FindingDetails } from '../finding';
import { formatBytes } from '../../format';
import { qualifiedName } from '../../sql/ident';

const BLOCK = 8192;
const MAXALIGN = 8;
const PAGE_HEADER = 24;
const ITEM_ID = 4;
const HEAP_TUPLE_HEADER = 23;
const INDEX_TUPLE_HEADER = 8;
const BTREE_OPAQUE = 16;

const align = (n: number) => Math.ceil(n / MAXALIGN) * MAXALIGN;

export interface BloatEstimate {
  realBytes: number;
  expectedBytes: number;
  bloatBytes: number;
  bloatShare: number;
}

function result(relpages: number, expectedPages: number): BloatEstimate {
  const realBytes = relpages * BLOCK;
  const expectedBytes = Math.min(realBytes, expectedPages * BLOCK);
  const bloatBytes = Math.max(0, realBytes - expectedBytes);
  return { realBytes, expectedBytes, bloatBytes, bloatShare: realBytes ? bloatBytes / realBytes : 0 };
}

export function estimateTableBloat(t: Pick<TableFact, 'relpages' | 'reltuples' | 'tupleWidth' | 'maxNullFrac' | 'fillfactor'>): BloatEstimate | undefined {
  if (t.tupleWidth === null || t.reltuples < 0 || t.relpages < 10) return undefined;
  const header = align(HEAP_TUPLE_HEADER + (t.maxNullFrac > 0 ? 8 : 0));
  const tuple = header + align(t.tupleWidth) + ITEM_ID;
  const usable = ((BLOCK - PAGE_HEADER) * (t.fillfactor ?? 100)) / 100;
  const perPage = Math.max(1, Math.floor(usable / tuple));
  return result(t.relpages, Math.ceil(t.reltuples / perPage));
}

export function estimateIndexBloat(i: Pick<IndexFact, 'method' | 'relpages' | 'reltuples' | 'dataWidth' | 'maxNullFrac' | 'fillfactor'>): BloatEstimate | undefined {
  if (i.method !== 'btree' || i.dataWidth === null || i.reltuples < 0 || i.relpages < 10) return undefined;
  const tuple = align(INDEX_TUPLE_HEADER + (i.maxNullFrac > 0 ? 4 : 0) + i.dataWidth) + ITEM_ID;
  const usable = ((BLOCK - PAGE_HEADER - BTREE_OPAQUE) * (i.fillfactor ?? 90)) / 100;
  const perPage = Math.max(1, Math.floor(usable / tuple));
  // +1: the metapage.
  return result(i.relpages, 1 + Math.ceil(i.reltuples / perPage));
}

/** The row-change count at which autoanalyze analyses this table (PostgreSQL's own formula). */
export function analyzeTrigger(t: Pick<TableFact, 'analyzeThreshold' | 'analyzeScaleFactor' | 'reltuples'>): number {
  return t.analyzeThreshold + t.analyzeScaleFactor * Math.max(0, t.reltuples);
}

/**
 * Statistics older than the table's last big change: more rows changed since the last ANALYZE than make autoanalyze
 * run. The widths (and the row count pg_stats was taken at) then describe another table; no estimate rests on them.
 */
export function statisticsOutdated(t: Pick<TableFact, 'modsSinceAnalyze' | 'analyzeThreshold' | 'analyzeScaleFactor' | 'reltuples'>): boolean {
  return t.modsSinceAnalyze > 0 && t.modsSinceAnalyze >= analyzeTrigger(t);
}

/** The stale-statistics check reports this table itself (then a bloat check says nothing more about it). */
export function staleStatisticsReported(t: Pick<TableFact, 'modsSinceAnalyze' | 'analyzeThreshold' | 'analyzeScaleFactor' | 'reltuples'>, th: Pick<HealthThresholds, 'staleStatsMinMods'>): boolean {
  return t.modsSinceAnalyze >= th.staleStatsMinMods && t.modsSinceAnalyze >= 2 * analyzeTrigger(t);
}

const MAX_NAMED_COLUMNS = 5;
const namedColumns = (cols: readonly string[]) => cols.length <= MAX_NAMED_COLUMNS ? cols.join(', ') : `${cols.slice(0, MAX_NAMED_COLUMNS).join(', ')} and ${cols.length - MAX_NAMED_COLUMNS} more`;

/**
 * Why the statistics of a table (or materialized view) cannot carry a bloat estimate, as the finding that says so
 * (no finding for a relation below the size thresholds: it could not have been reported as bloated either);
 * undefined when they can. `estimate` is the estimate the outdated statistics give: outdated statistics are
 * reported only when they would have made a finding.
 */
export function statisticsGapFinding(check: Pick<HealthCheck, 'id' | 'category'>, t: TableFact, th: HealthThresholds, indexes: readonly IndexFact[] = []): HealthFinding | 'skip' | undefined {
  const missing = t.columnsWithoutStats ?? [];
  const hidden = t.columnsStatsHidden ?? 0;
  const outdated = !missing.length && !hidden && t.tupleWidth !== null && statisticsOutdated(t);
  if (!missing.length && !hidden && !outdated) return undefined;
  if (t.sizeBytes < th.bloatMinBytes) return 'skip';
  const name = qualifiedName(t.schema, t.name);
  const kind = t.kind === 'table' ? 'Table' : 'Materialized view';
  const ref = { kind: t.kind, schema: t.schema, name: t.name, oid: t.oid };
  const onThose = indexes.filter((i) => i.tableOid === t.oid && i.columnNames.some((c) => c !== null && missing.includes(c))).length;
  const evidence = { sizeBytes: t.sizeBytes, reltuples: t.reltuples, columns: t.columnCount ?? null, columnsWithoutStats: missing, columnsStatsHidden: hidden, modsSinceAnalyze: t.modsSinceAnalyze, autoanalyzeTrigger: Math.round(analyzeTrigger(t)), lastAnalyze: t.lastAnalyze, lastAutoanalyze: t.lastAutoanalyze };
  if (missing.length) {
    const never = t.columnCount !== undefined && missing.length === t.columnCount;
    const count = never ? `None of its ${missing.length} columns has statistics (never analysed)` : `${missing.length}${t.columnCount ? ` of ${t.columnCount}` : ''} column${missing.length === 1 ? ' has' : 's have'} no statistics (${namedColumns(missing)})`;
    return finding(check, 'info', `${kind} ${t.schema}.${t.name}: ${count} — run ANALYZE ${name}. Its bloat is not estimated until then${onThose ? ` (nor that of its ${onThose === 1 ? 'index' : `${onThose} indexes`} on those columns)` : ''}.`, {
      objects: [ref],
      evidence,
      help: 'A column loses its statistics when its type is altered (ALTER COLUMN … TYPE; Sequelize\'s sync({ alter: true }) does it to every column), and a table has none before its first ANALYZE. Autoanalyze brings them back only after enough rows change; until then the planner guesses for those columns, and a size estimate would count the missing widths as bloat.',
      ...relationFix('analyze', t),
    });
  }
  if (hidden) {
    return finding(check, 'info', `${kind} ${t.schema}.${t.name}: the statistics of ${hidden} column${hidden === 1 ? ' are' : 's are'} not visible to this role (column privileges or row security) or not collected (statistics target 0), so its bloat is not estimated.`, { objects: [ref], evidence });
  }
  // Outdated: only when the estimate the old statistics give would have been reported, and stale-statistics does not say it.
  if (staleStatisticsReported(t, th)) return 'skip';
  const e = estimateTableBloat(t);
  if (!e || e.bloatBytes < th.bloatMinBytes || e.bloatShare < th.bloatMinShare) return 'skip';
  return finding(check, 'info', `${kind} ${t.schema}.${t.name}: its statistics are older than its last ${t.modsSinceAnalyze.toLocaleString('en-US')} row changes, so its bloat is not estimated — run ANALYZE ${name}, then look again.`, {
    objects: [ref],
    evidence,
    ...relationFix('analyze', t),
  });
}

/**
 * The findings of a bloat check: each relation whose estimate passes both thresholds (a warning from
 * 70% bloat), with the estimate and the age of the pg_stats widths it rests on as evidence, largest first.
 * `gap` judges the statistics first: a relation whose statistics cannot carry an estimate gets the finding
 * that says so (or nothing: 'skip'), never an estimate.
 */
export function bloatFindings<R extends { schema: string; name: string; reltuples: number; relpages: number }>(
  check: Pick<HealthCheck, 'id' | 'category'>,
  kind: 'Index' | 'Table',
  relations: readonly R[],
  estimate: (r: R) => BloatEstimate | undefined,
  details: (r: R) => Omit<FindingDetails, 'evidence'>,
  f: HealthFacts,
  th: HealthThresholds,
  gap: (r: R) => HealthFinding | 'skip' | undefined = () => undefined,
): HealthFinding[] {
  const out: HealthFinding[] = [];
  const gaps: HealthFinding[] = [];
  for (const r of relations) {
    const g = gap(r);
    if (g === 'skip') continue;
    if (g) {
      gaps.push(g);
      continue;
    }
    const e = estimate(r);
    if (!e || e.bloatBytes < th.bloatMinBytes || e.bloatShare < th.bloatMinShare) continue;
    out.push(finding(check, e.bloatShare >= 0.7 ? 'warning' : 'info', `${kind} ${r.schema}.${r.name} is about ${Math.round(e.bloatShare * 100)}% bloat (${formatBytes(e.bloatBytes)} of ${formatBytes(e.realBytes)}).`, {
      ...details(r),
      // The widths come from pg_stats as read up to 10 minutes ago (kept between runs): their age is part of the evidence.
      evidence: { ...e, reltuples: r.reltuples, relpages: r.relpages, estimate: true, widthsAgeSeconds: f.bloatWidthsAgeSeconds ?? 0 },
    }));
  }
  return [...out.sort((a, b) => (b.evidence.bloatBytes as number) - (a.evidence.bloatBytes as number)), ...gaps];
}
