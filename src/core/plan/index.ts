/** The plan model: parse EXPLAIN output, derive figures and warnings, compare, summarise. Pure. */
export { K, Rel, type RawNode } from './keys';
export * from './model';
export { analyzePlan } from './analyze';
export { parsePlanSource, parseTextPlan, PlanParseError } from './parse';
export { readPlanLog, pickLoggedPlan, type LoggedPlan } from './log';
export { comparePlans, type PlanComparison, type NodeDiff } from './compare';
export { briefPlan, briefMarkdown, planText, mdEscape, type PlanBrief, type BriefLinks } from './brief';
export { nodeLabel, THRESHOLDS } from './warnings';
export * from './format';
