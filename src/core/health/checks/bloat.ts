/**
 * Bloat estimates from catalog figures alone (no pgstattuple), after the approach of ioguix's
 * pgsql-bloat-estimation: the pages the rows would need (tuple header + aligned data width from
 * pg_stats, item pointers, page header, fillfactor) against the pages the relation has.
 * An estimate: it says "about", and nothing at all when statistics are missing.
 */
import type { HealthCheck, HealthFacts, HealthFinding, HealthThresholds, IndexFact, TableFact } from '../types';
import { finding, type FindingDetails } from '../finding';
import { formatBytes } from '../../format';

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

/**
 * The findings of a bloat check: each relation whose estimate passes both thresholds (a warning from
 * 70% bloat), with the estimate and the age of the pg_stats widths it rests on as evidence, largest first.
 */
export function bloatFindings<R extends { schema: string; name: string; reltuples: number; relpages: number }>(
  check: Pick<HealthCheck, 'id' | 'category'>,
  kind: 'Index' | 'Table',
  relations: readonly R[],
  estimate: (r: R) => BloatEstimate | undefined,
  details: (r: R) => Omit<FindingDetails, 'evidence'>,
  f: HealthFacts,
  th: HealthThresholds,
): HealthFinding[] {
  const out: HealthFinding[] = [];
  for (const r of relations) {
    const e = estimate(r);
    if (!e || e.bloatBytes < th.bloatMinBytes || e.bloatShare < th.bloatMinShare) continue;
    out.push(finding(check, e.bloatShare >= 0.7 ? 'warning' : 'info', `${kind} ${r.schema}.${r.name} is about ${Math.round(e.bloatShare * 100)}% bloat (${formatBytes(e.bloatBytes)} of ${formatBytes(e.realBytes)}).`, {
      ...details(r),
      // The widths come from pg_stats as read up to 10 minutes ago (kept between runs): their age is part of the evidence.
      evidence: { ...e, reltuples: r.reltuples, relpages: r.relpages, estimate: true, widthsAgeSeconds: f.bloatWidthsAgeSeconds ?? 0 },
    }));
  }
  return out.sort((a, b) => (b.evidence.bloatBytes as number) - (a.evidence.bloatBytes as number));
}
