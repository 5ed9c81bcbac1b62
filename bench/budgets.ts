/**
 * Performance budgets (issue 19 and the aims of earlier issues): each a figure of `npm run bench`'s
 * JSON, named by its dotted path, with the most it may be. bench/run.ts prints each figure beside its
 * budget and a line listing the budgets missed. A figure that was not measured (its bench not run, or
 * failed) is listed as such, never as met.
 */
export interface Budget {
  /** Dotted path into the bench output, e.g. "dashboard.firstRefreshMs". */
  figure: string;
  max: number;
  unit: string;
  why: string;
}

export const BUDGETS: readonly Budget[] = [
  { figure: 'bundle.extensionModuleLoadMs.median', max: 50, unit: 'ms', why: 'loading the entry bundle delays every activation' },
  { figure: 'bundle.modulesForFirstHoverMs.cpuMedian', max: 400, unit: 'ms', why: 'the first hover loads pg, the SQL parsers, tree-sitter and the engine (262 ms CPU median at the 45th session)' },
  { figure: 'dashboard.serverMsPerRefresh', max: 20, unit: 'ms', why: 'PostgreSQL time per dashboard refresh, 10k tables / 6k statements' },
  { figure: 'dashboard.healthMs.p50', max: 500, unit: 'ms', why: 'health checks on 10k tables / 30k indexes' },
  { figure: 'dashboard.firstRefreshMs', max: 250, unit: 'ms', why: 'first dashboard refresh' },
  { figure: 'plans.hoverMiss.ourOverheadMs.p95', max: 5, unit: 'ms', why: 'hover overhead beyond the server time, on a plan-cache miss' },
  { figure: 'plans.hoverCacheHitMs.p95', max: 1, unit: 'ms', why: 'hover on a plan-cache hit' },
];

export interface BudgetResult extends Budget {
  value: number | null;
  ok: boolean | null;
}

function at(obj: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** Each budget against the bench output: ok true/false, or null when the figure is absent. */
export function checkBudgets(out: Record<string, unknown>, budgets: readonly Budget[] = BUDGETS): BudgetResult[] {
  return budgets.map((b) => {
    const v = at(out, b.figure);
    const value = typeof v === 'number' && Number.isFinite(v) ? v : null;
    return { ...b, value, ok: value === null ? null : value <= b.max };
  });
}

/** One line: the budgets missed, and those not measured. */
export function budgetLine(results: readonly BudgetResult[]): string {
  const missed = results.filter((r) => r.ok === false).map((r) => `${r.figure} ${r.value} ${r.unit} > ${r.max} ${r.unit}`);
  const absent = results.filter((r) => r.ok === null).map((r) => r.figure);
  return [
    missed.length ? `budgets missed: ${missed.join('; ')}` : 'budgets missed: none',
    absent.length ? `not measured: ${absent.join(', ')}` : '',
  ].filter(Boolean).join(' · ');
}
